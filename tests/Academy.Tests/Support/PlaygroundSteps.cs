using System.Net.Http.Json;
using System.Text.Json;

namespace Academy.Tests.Support;

/// <summary>Steps many playground tests take: register a persona, wait until the host has done everything it was asked, read a chat.</summary>
public static class PlaygroundSteps
{
    /// <summary>The playground persona of a roster learner (personas are named after learner ids).</summary>
    public static async Task<PlaygroundUser> PersonaAsync(AcademyApp app, string phone) =>
        new(app, "p" + await app.ScalarAsync<long>("SELECT id FROM learners WHERE phone = @phone", new { phone }));

    /// <summary>/start, a language, the phone number: linked to the roster, speaking <paramref name="language"/>.</summary>
    public static async Task RegisterAsync(AcademyApp app, PlaygroundUser user, string language)
    {
        await user.SayAsync(user.PrivateChat, "/start");
        await SettledAsync(app);
        await user.PressAsync(user.PrivateChat, "lang:" + language);
        await SettledAsync(app);
        await user.ShareContactAsync();
        await SettledAsync(app);
        Assert.Equal(1, await app.ScalarAsync<long>(
            "SELECT COUNT(*) FROM channel_identities WHERE channel = 'playground' AND external_id = @id", new { id = user.PersonaId }));
    }

    /// <summary>Waits (up to 15 s) until every update is handled and every queued message sent; fails on a failed update.</summary>
    public static async Task SettledAsync(AcademyApp app)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            Assert.Equal(0, await app.ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'failed'"));
            var busy = await app.ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'pending'") +
                       await app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')");
            if (busy == 0) return;
            if (DateTime.UtcNow > deadline) Assert.Fail("The host did not settle within 15 s.");
            await Task.Delay(50);
        }
    }

    public static async Task<long> LastIdAsync(AcademyApp app, string chat)
    {
        var items = await app.Client.GetFromJsonAsync<JsonElement>(new Uri($"/playground/api/messages?chat={Uri.EscapeDataString(chat)}", UriKind.Relative));
        return items.EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).DefaultIfEmpty(0).Max();
    }

    /// <summary>The bot's messages in a chat after message id <paramref name="after"/>.</summary>
    public static async Task<IReadOnlyList<JsonElement>> BotMessagesAsync(AcademyApp app, string chat, long after)
    {
        var items = await app.Client.GetFromJsonAsync<JsonElement>(
            new Uri($"/playground/api/messages?chat={Uri.EscapeDataString(chat)}&after={after}", UriKind.Relative));
        return items.EnumerateArray().Where(i => i.GetProperty("sender").GetString() == "bot").Select(i => i.GetProperty("message")).ToList();
    }
}
