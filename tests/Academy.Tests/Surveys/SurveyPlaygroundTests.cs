using System.Text.Json;
using Academy.Tests.Support;
using static Academy.Tests.Support.PlaygroundSteps;
using static Academy.Tests.Support.PlaygroundUser;

namespace Academy.Tests.Surveys;

/// <summary>The evaluation survey taken in the playground's private chats, through the real host.</summary>
public sealed class SurveyPlaygroundTests : IAsyncLifetime
{
    // 09:00 on 2026-12-13 in Ho Chi Minh City: the sample cohort's last programme day, when the evaluation opens.
    private readonly AcademyApp _app = new(time: new ShiftedTime(DateTimeOffset.Parse("2026-12-13T02:00:00Z")));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_learner_fills_in_the_anonymous_survey_once_and_the_admin_reads_the_results()
    {
        var learner = await PersonaAsync(_app, "+8613912345678");
        var admin = await PersonaAsync(_app, "+84903100200");
        await RegisterAsync(_app, learner, "en");
        await RegisterAsync(_app, admin, "en");

        var first = await SayAsync(learner, "/survey", m => Text(m).StartsWith("Course evaluation — question 1 of 7", StringComparison.Ordinal));
        var buttons = ButtonData(first).ToList();
        Assert.Equal(4, buttons.Count);
        Assert.Contains("Overall, how would you rate this course?", Text(first), StringComparison.Ordinal);

        // A double tap on the first item counts once: the second press is for an item already answered.
        var second = await PressAsync(learner, buttons[0], m => Text(m).Contains("question 2 of 7", StringComparison.Ordinal));
        var before = await LastIdAsync(_app, learner.PrivateChat);
        await learner.PressAsync(learner.PrivateChat, buttons[0]);
        await SettledAsync(_app);
        Assert.DoesNotContain(await BotMessagesAsync(_app, learner.PrivateChat, before), m => !m.GetProperty("notice").GetBoolean());

        // Stopping and asking again resumes where the learner stopped.
        var resumed = await SayAsync(learner, "/survey", m => Text(m).Contains("question 2 of 7", StringComparison.Ordinal));
        Assert.Equal(ButtonData(second), ButtonData(resumed));
        var third = await PressAsync(learner, ButtonData(resumed).First(), m => Text(m).Contains("question 3 of 7", StringComparison.Ordinal));
        var fourth = await PressAsync(learner, ButtonData(third).Skip(1).First(), m => Text(m).Contains("question 4 of 7", StringComparison.Ordinal));
        var fifth = await PressAsync(learner, ButtonData(fourth).First(), m => Text(m).Contains("question 5 of 7", StringComparison.Ordinal));
        var practice = await PressAsync(learner, ButtonData(fifth).First(), m => Text(m).Contains("question 6 of 7", StringComparison.Ordinal));
        Assert.Contains("(at least 100 characters)", Text(practice), StringComparison.Ordinal);

        // 99 Chinese characters are 99 characters, not 297 bytes: refused, politely, with both numbers.
        var chinese = string.Concat(Enumerable.Repeat("我现在会先核实链接再点击", 9)); // 12 × 9 = 108 characters
        var refusal = await SayAsync(learner, chinese[..99], m => Text(m).StartsWith("Thank you — please write at least", StringComparison.Ordinal));
        Assert.Equal("Thank you — please write at least 100 characters (you wrote 99).", Text(refusal));
        await SayAsync(learner, chinese[..100], m => Text(m).Contains("question 7 of 7", StringComparison.Ordinal));
        await SayAsync(learner, "More real examples from our ministry, please.", m => Text(m).StartsWith("Thank you! Your answers are submitted.", StringComparison.Ordinal));

        // Stored without a link to the learner; only "submitted" is kept for completion; the draft is gone.
        var learnerId = await _app.ScalarAsync<long>("SELECT id FROM learners WHERE phone = '+8613912345678'");
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM survey_responses"));
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM survey_responses WHERE learner_id IS NOT NULL OR submitted_at IS NOT NULL"));
        Assert.Equal(7, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM survey_answers"));
        Assert.Equal(chinese[..100], await _app.ScalarAsync<string>("SELECT text FROM survey_answers WHERE item_code = 'practice'"));
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM survey_drafts"));
        Assert.Equal(learnerId, await _app.ScalarAsync<long>("SELECT learner_id FROM survey_completions"));
        Assert.Equal(10, await _app.ScalarAsync<long>("SELECT credit_minutes FROM ledger WHERE kind = 'survey'"));

        // Submitted once: the survey is no longer offered, and an old button changes nothing.
        await SayAsync(learner, "/survey", m => Text(m) == "There is no survey open for you right now.");
        await learner.PressAsync(learner.PrivateChat, buttons[1]);
        await SettledAsync(_app);
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM survey_responses"));

        // /me shows the survey done and what is still missing.
        var me = Text(await SayAsync(learner, "/me", m => Text(m).Contains("Toward your certificate:", StringComparison.Ordinal)));
        Assert.Contains("✅ Survey “Course evaluation”: submitted", me, StringComparison.Ordinal);
        Assert.Contains("⬜ Required lessons studied: 0/10", me, StringComparison.Ordinal);
        Assert.Contains("⬜ Credit minutes: 10 of 240", me, StringComparison.Ordinal);
        Assert.DoesNotContain("Course completed", me, StringComparison.Ordinal);

        // A learner may not read the results; the admin may, with the raw answers as files.
        await SayAsync(learner, "/survey results", m => Text(m).Contains("admin", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM playground_messages WHERE payload LIKE '%survey-evaluation%'"));
        var results = Text(await SayAsync(admin, "/survey results", m => Text(m).StartsWith("Course evaluation: 1 response, anonymous", StringComparison.Ordinal)));
        Assert.Contains("  • Excellent: 1 (100%)", results, StringComparison.Ordinal);
        Assert.Contains("  • Good: 0 (0%)", results, StringComparison.Ordinal);
        Assert.Contains("  1 written answer:", results, StringComparison.Ordinal);
        Assert.Contains(chinese[..100], results, StringComparison.Ordinal);
        await WaitForBotAsync(_app, admin.PrivateChat, m => m.GetProperty("attachment").GetString() == "survey-evaluation.xlsx");
        await WaitForBotAsync(_app, admin.PrivateChat, m => m.GetProperty("attachment").GetString() == "survey-evaluation.csv");

        // The same results on the admin's dashboard page, with the raw answers to download.
        using var client = Dashboard.DashboardSupport.RawClient(_app);
        var cookie = await Dashboard.DashboardSupport.SignInAsync(client, await Dashboard.DashboardSupport.LinkAsync(_app, admin));
        using var page = await Dashboard.DashboardSupport.GetAsync(client, "/dashboard/surveys", cookie);
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<td>Excellent</td><td>1</td><td>100%</td>", html, StringComparison.Ordinal);
        Assert.Contains(chinese[..100], html, StringComparison.Ordinal);
        var cohortId = await _app.ScalarAsync<long>("SELECT id FROM cohorts");
        var surveyId = await _app.ScalarAsync<long>("SELECT id FROM surveys");
        using var csv = await Dashboard.DashboardSupport.GetAsync(client, $"/dashboard/surveys/{cohortId}/{surveyId}/csv", cookie);
        Assert.Equal(System.Net.HttpStatusCode.OK, csv.StatusCode);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.DoesNotContain("李伟", lines[1], StringComparison.Ordinal); // anonymous: no name in the export
        Assert.Contains(chinese[..100], lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answered_item_shows_the_choice_instead_of_its_buttons()
    {
        var learner = await PersonaAsync(_app, "+8613912345678");
        await RegisterAsync(_app, learner, "en");
        var last = await LastIdAsync(_app, learner.PrivateChat);
        await learner.SayAsync(learner.PrivateChat, "/survey");
        var item = await WaitForBotAsync(_app, learner.PrivateChat, m => Text(m).StartsWith("Course evaluation — question 1 of 7", StringComparison.Ordinal), last);
        var first = item.GetProperty("message");
        var option = first.GetProperty("buttons")[0][0];
        var itemId = item.GetProperty("id").GetInt64();

        await learner.PressAsync(learner.PrivateChat, option.GetProperty("data").GetString()!, itemId);
        await SettledAsync(_app);
        await learner.PressAsync(learner.PrivateChat, option.GetProperty("data").GetString()!, itemId); // a double tap
        await SettledAsync(_app);
        var answered = (await BotMessagesAsync(_app, learner.PrivateChat, itemId - 1)).First();
        Assert.Empty(ButtonData(answered));
        Assert.Equal(Text(first) + "\n\n✓ Your choice: " + option.GetProperty("label").GetString(), Text(answered));
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM survey_drafts"));
    }

    private async Task<JsonElement> SayAsync(PlaygroundUser user, string text, Func<JsonElement, bool> match)
    {
        var last = await LastIdAsync(_app, user.PrivateChat);
        await user.SayAsync(user.PrivateChat, text);
        return (await WaitForBotAsync(_app, user.PrivateChat, match, last)).GetProperty("message");
    }

    private async Task<JsonElement> PressAsync(PlaygroundUser user, string data, Func<JsonElement, bool> match)
    {
        var last = await LastIdAsync(_app, user.PrivateChat);
        await user.PressAsync(user.PrivateChat, data);
        return (await WaitForBotAsync(_app, user.PrivateChat, match, last)).GetProperty("message");
    }
}
