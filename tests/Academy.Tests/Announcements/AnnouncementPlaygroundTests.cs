using System.Net.Http.Json;
using System.Text.Json;
using Academy.Tests.Support;
using static Academy.Tests.Support.PlaygroundUser;

namespace Academy.Tests.Announcements;

/// <summary>An admin's announcement through the playground: composed, addressed, confirmed, read, and reported live.</summary>
public sealed class AnnouncementPlaygroundTests
{
    private const string HanoiGroup = "group-HN-01";

    [Fact]
    public async Task Chosen_groups_get_a_copy_with_a_read_button_reads_count_once_and_the_report_is_edited_in_place()
    {
        await using var app = new AcademyApp(
            // The scheduler runs the live report's rounds.
            new Dictionary<string, string?> { ["Announcements:ReportInterval"] = "00:00:00.300", ["Scheduler:Enabled"] = "true" },
            time: new ShiftedTime(DateTimeOffset.Parse("2026-12-01T02:00:00Z")));
        var admin = new PlaygroundUser(app, await PersonaAsync(app, "+84903100200"));
        var learner = new PlaygroundUser(app, await PersonaAsync(app, "+84913000111"));
        await RegisterAsync(app, admin, "Welcome, Nguyễn Thị Mai Anh!");
        await RegisterAsync(app, learner, "Welcome,");
        var dm = admin.PrivateChat;

        await admin.SayAsync(dm, "/announce");
        await WaitForBotAsync(app, dm, m => Text(m).StartsWith("New announcement #", StringComparison.Ordinal));
        var id = await app.ScalarAsync<long>("SELECT MAX(id) FROM announcements");
        await admin.SayAsync(dm, "   "); // nothing to announce: asked again, nothing stored
        await WaitForBotAsync(app, dm, m => Text(m).StartsWith("An announcement needs text", StringComparison.Ordinal));
        await admin.SayAsync(dm, "The exam is on Friday at 14:00.");
        await WaitForBotAsync(app, dm, m => Text(m) == "Who should receive it?");
        await admin.PressAsync(dm, $"an:{id}:groups");
        var picker = await WaitForBotAsync(app, dm, m => Text(m).StartsWith("Tap groups", StringComparison.Ordinal));
        var hanoi = Buttons(picker.GetProperty("message")).Single(b => b.Label == "HN-01").Data;
        await admin.PressAsync(dm, $"an:{id}:done"); // nothing chosen yet: refused with a toast
        await WaitForBotAsync(app, dm, m => Text(m) == "Choose at least one group first.");
        await admin.PressAsync(dm, hanoi);
        await WaitForBotAsync(app, dm, m => Buttons(m).Any(b => b.Label == "✓ HN-01"));
        await admin.PressAsync(dm, $"an:{id}:done");
        await WaitForBotAsync(app, dm, m => Text(m) == "Send it now, or at a set time?");
        await admin.PressAsync(dm, $"an:{id}:now");
        var preview = await WaitForBotAsync(app, dm, m => Text(m).StartsWith($"Preview of announcement #{id}", StringComparison.Ordinal));
        var previewText = Text(preview.GetProperty("message"));
        Assert.Contains("The exam is on Friday at 14:00.", previewText, StringComparison.Ordinal);
        Assert.Contains("To: group HN-01", previewText, StringComparison.Ordinal);
        Assert.Contains("1 group chat: 1 group with 7 learners\n", previewText, StringComparison.Ordinal);
        Assert.DoesNotContain("no chat", previewText, StringComparison.Ordinal);
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT COUNT(*) FROM announcement_copies"));

        await admin.PressAsync(dm, $"an:{id}:ok");
        await WaitForBotAsync(app, dm, m => Text(m).StartsWith($"Announcement #{id} is going out to 1 chat.", StringComparison.Ordinal));
        var copy = await WaitForBotAsync(app, HanoiGroup, m => Text(m) == "The exam is on Friday at 14:00.");
        // The admin's words as written; the button in the group's language (Vietnamese).
        Assert.Equal([("✅ Tôi đã đọc", $"ar:{id}")], Buttons(copy.GetProperty("message")).Select(b => (b.Label, b.Data)));
        await Task.Delay(500);
        Assert.DoesNotContain(await TextsAsync(app, "group-HCM-01"), t => t.Contains("exam is on Friday", StringComparison.Ordinal));

        // The learner presses twice; the admin, who is not in the audience, once (refused, and noted). Each
        // is answered in the language they chose (English), not the group's.
        await learner.PressAsync(HanoiGroup, $"ar:{id}");
        await WaitForBotAsync(app, HanoiGroup, m => Text(m) == "Thank you: recorded as read.");
        await learner.PressAsync(HanoiGroup, $"ar:{id}");
        await WaitForBotAsync(app, HanoiGroup, m => Text(m) == "You have already marked this as read.");
        await admin.PressAsync(HanoiGroup, $"ar:{id}");
        await WaitForBotAsync(app, HanoiGroup, m => Text(m).StartsWith("This announcement was not addressed to you", StringComparison.Ordinal));
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT COUNT(*) FROM announcement_reads"));
        Assert.Equal($"ar:{id}", await app.ScalarAsync<string>("SELECT detail FROM audit_log WHERE action = 'refused' AND actor = @actor", new { actor = "playground:" + admin.PersonaId }));

        // One report message, edited until it shows the final figures.
        await Eventually.UntilAsync(async () => (await ReportsAsync(app, dm)).SingleOrDefault()?.Contains("Read: 1 of 7 learners", StringComparison.Ordinal) == true,
            "the report shows the read", dump: async () => string.Join("\n---\n", await ReportsAsync(app, dm)));
        var report = (await ReportsAsync(app, dm)).Single();
        Assert.Contains("All copies sent", report, StringComparison.Ordinal);
        Assert.Contains("Sent: 1 of 1 · pending: 0", report, StringComparison.Ordinal);
        Assert.Contains("Failed: 0", report, StringComparison.Ordinal);
        Assert.Contains("Not read yet: ", report, StringComparison.Ordinal);
        Assert.DoesNotContain("Lê Thị Hồng Nhung", report, StringComparison.Ordinal);
        Assert.Contains("Phạm Minh Tuấn", report, StringComparison.Ordinal);
        Assert.Equal("sent", await app.ScalarAsync<string>("SELECT status FROM announcements WHERE id = @id", new { id }));

        // /announcements lists it with its figures; a sent announcement cannot be cancelled.
        await admin.SayAsync(dm, "/announcements");
        var list = await WaitForBotAsync(app, dm, m => Text(m).StartsWith("Announcements (newest first)", StringComparison.Ordinal));
        Assert.Contains("Sent 1 of 1 · failed 0 · read 1 of 7", Text(list.GetProperty("message")), StringComparison.Ordinal);
        await admin.PressAsync(dm, $"an:{id}:x");
        await WaitForBotAsync(app, dm, m => Text(m) == $"Announcement #{id} cannot be cancelled: All copies sent.");
    }

    [Fact]
    public async Task A_learner_cannot_announce_and_a_learners_text_in_private_is_left_alone()
    {
        await using var app = new AcademyApp(time: new ShiftedTime(DateTimeOffset.Parse("2026-12-01T02:00:00Z")));
        var learner = new PlaygroundUser(app, await PersonaAsync(app, "+84913000111"));
        await RegisterAsync(app, learner, "Welcome,");
        await learner.SayAsync(learner.PrivateChat, "/announce");
        await WaitForBotAsync(app, learner.PrivateChat, m => Text(m).StartsWith("Sorry, that needs the admin role.", StringComparison.Ordinal));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT COUNT(*) FROM announcements"));
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'refused'"));
    }

    [Fact]
    public async Task Each_step_pressed_shows_the_choice_in_place_of_its_buttons_and_a_sent_drafts_buttons_go()
    {
        await using var app = new AcademyApp(time: new ShiftedTime(DateTimeOffset.Parse("2026-12-01T02:00:00Z")));
        var admin = new PlaygroundUser(app, await PersonaAsync(app, "+84903100200"));
        await RegisterAsync(app, admin, "Welcome, Nguyễn Thị Mai Anh!");
        var dm = admin.PrivateChat;
        await admin.SayAsync(dm, "/announce");
        await WaitForBotAsync(app, dm, m => Text(m).StartsWith("New announcement #", StringComparison.Ordinal));
        var id = await app.ScalarAsync<long>("SELECT MAX(id) FROM announcements");
        await admin.SayAsync(dm, "Bring your laptop.");

        // Press a step's button as the page does (naming the message), and see that message afterwards.
        async Task<JsonElement> PressOn(JsonElement step, string data, Func<JsonElement, bool> next)
        {
            var stepId = step.GetProperty("id").GetInt64();
            await admin.PressAsync(dm, data, stepId);
            await WaitForBotAsync(app, dm, next, stepId);
            await PlaygroundSteps.SettledAsync(app);
            var items = await app.Client.GetFromJsonAsync<JsonElement>(new Uri($"/playground/api/messages?chat={dm}", UriKind.Relative));
            return items.EnumerateArray().Single(i => i.GetProperty("id").GetInt64() == stepId).GetProperty("message");
        }
        var audience = await WaitForBotAsync(app, dm, m => Text(m) == "Who should receive it?");
        var chosen = await PressOn(audience, $"an:{id}:all", m => Text(m) == "Send it now, or at a set time?");
        Assert.Equal("Who should receive it?\n\n✓ Your choice: All groups", Text(chosen));
        Assert.Empty(Buttons(chosen));
        var when = await WaitForBotAsync(app, dm, m => Text(m) == "Send it now, or at a set time?");
        Assert.EndsWith("✓ Your choice: Send now", Text(await PressOn(when, $"an:{id}:now", m => Text(m).StartsWith("Preview of", StringComparison.Ordinal))), StringComparison.Ordinal);
        var preview = await WaitForBotAsync(app, dm, m => Text(m).StartsWith("Preview of", StringComparison.Ordinal));
        var confirmed = await PressOn(preview, $"an:{id}:ok", m => Text(m).StartsWith($"Announcement #{id} is going out", StringComparison.Ordinal));
        Assert.EndsWith("✓ Your choice: Confirm", Text(confirmed), StringComparison.Ordinal);
        Assert.Empty(Buttons(confirmed));

        // A press on a step of a draft already sent (as an old client could still send it) changes nothing and leaves no button.
        var audienceBefore = await app.ScalarAsync<string>("SELECT audience FROM announcements WHERE id = @id", new { id });
        var stale = await PressOn(audience, $"an:{id}:learners", m => m.GetProperty("notice").GetBoolean());
        Assert.Empty(Buttons(stale));
        Assert.Equal(audienceBefore, await app.ScalarAsync<string>("SELECT audience FROM announcements WHERE id = @id", new { id }));
    }

    internal static IEnumerable<(string Label, string Data)> Buttons(JsonElement message) =>
        message.GetProperty("buttons").EnumerateArray().SelectMany(r => r.EnumerateArray())
            .Select(b => (b.GetProperty("label").GetString()!, b.GetProperty("data").GetString()!));

    internal static async Task<List<string>> TextsAsync(AcademyApp app, string chat)
    {
        var items = await app.Client.GetFromJsonAsync<JsonElement>(new Uri($"/playground/api/messages?chat={chat}", UriKind.Relative));
        return items.EnumerateArray().Where(i => i.GetProperty("sender").GetString() == "bot")
            .Select(i => i.GetProperty("message").TryGetProperty("text", out var t) ? t.GetString() ?? "" : "").ToList();
    }

    private static async Task<List<string>> ReportsAsync(AcademyApp app, string chat) =>
        (await TextsAsync(app, chat)).Where(t => t.StartsWith("📣 Announcement #", StringComparison.Ordinal)).ToList();

    internal static async Task RegisterAsync(AcademyApp app, PlaygroundUser user, string welcome)
    {
        await user.SayAsync(user.PrivateChat, "/start");
        await WaitForBotAsync(app, user.PrivateChat, m => ButtonData(m).Contains("lang:en"));
        await user.PressAsync(user.PrivateChat, "lang:en");
        await WaitForBotAsync(app, user.PrivateChat, m => m.GetProperty("contactRequest").ValueKind == JsonValueKind.String);
        await user.ShareContactAsync();
        await WaitForBotAsync(app, user.PrivateChat, m => Text(m).StartsWith(welcome, StringComparison.Ordinal));
    }

    internal static async Task<string> PersonaAsync(AcademyApp app, string phone)
    {
        // The page sees only masked numbers; the persona is named after the roster entry's id.
        return (await PlaygroundSteps.PersonaAsync(app, phone)).PersonaId;
    }
}
