using System.Globalization;
using System.Net;
using System.Text;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Academy.Tests.Telegram;
using Microsoft.Extensions.DependencyInjection;
using Academy.Learning.Content;

namespace Academy.Tests.Announcements;

/// <summary>
/// An announcement to 500 learners' private chats on Telegram, through the loopback Bot API: some
/// chats refuse (403 blocked, 400 not found), some learners press "I have read" (one twice). The
/// admin's report, edited in place, ends with exactly the figures the API saw, and the dashboard's
/// announcements page shows the same.
/// </summary>
public sealed partial class AnnouncementTelegramTests : IAsyncLifetime
{
    private const string HookPath = "/telegram/hook";
    private const string Secret = "hook-Secret_123";
    private const long Admin = 5001;
    private const long FirstLearner = 8_000_000_001;
    private const int Recipients = 500, Blocked = 30, Rejected = 20, Readers = 40;
    private const int SampleLearners = 20; // the sample roster's learners, none on Telegram

    private FakeBotApi _api = null!;
    private readonly TelegramUpdates _updates = new();

    public async Task InitializeAsync() => _api = await FakeBotApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Five_hundred_private_copies_report_exactly_the_sent_failed_and_read_figures_the_platform_saw()
    {
        await using var host = new AcademyApp(new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = _api.Token,
            ["Telegram:ApiBaseUrl"] = _api.BaseUrl,
            ["Telegram:Mode"] = "Webhook",
            ["Telegram:WebhookUrl"] = "https://academy.example.org" + HookPath,
            ["Telegram:SecretToken"] = Secret,
            ["Playground:Enabled"] = "true", // seeds the sample course, cohort and roster
            ["Announcements:ReportInterval"] = "00:00:01",
            ["Scheduler:Enabled"] = "true", // it runs the live report's rounds
            // …and the exam sweep, whose first round (an hour on) would offer the pre-test to the 500 learners seeded here.
            ["Exams:SweepInterval"] = "01:00:00",
        }, time: new ShiftedTime(DateTimeOffset.Parse("2026-12-01T02:00:00Z")));
        await SeedRecipientsAsync(host);
        for (var i = 0; i < Blocked; i++) _api.BlockChat(FirstLearner + i);
        for (var i = Blocked; i < Blocked + Rejected; i++) _api.RejectChat(FirstLearner + i, "Bad Request: chat not found");

        await PostAsync(host, _updates.PrivateText(Admin, "/announce"));
        await WaitAsync(() => Sent(Admin).Any(t => t.StartsWith("New announcement #", StringComparison.Ordinal)), "asked for the text");
        var id = await host.ScalarAsync<long>("SELECT MAX(id) FROM announcements");
        await PostAsync(host, _updates.PrivateText(Admin, "Tomorrow's session moves to 15:00."));
        await WaitAsync(() => Sent(Admin).Contains("Who should receive it?"), "asked for the audience");
        await PostAsync(host, _updates.Callback(Admin, Admin, $"an:{id}:learners"));
        await WaitAsync(() => Sent(Admin).Contains("Send it now, or at a set time?"), "asked when");
        await PostAsync(host, _updates.Callback(Admin, Admin, $"an:{id}:now"));
        await WaitAsync(() => Sent(Admin).Any(t => t.Contains($"{Recipients} private chats: {Recipients + SampleLearners} learners ({SampleLearners} have no chat with the bot)", StringComparison.Ordinal)),
            "the preview", dump: () => string.Join("\n--\n", Sent(Admin)));
        await PostAsync(host, _updates.Callback(Admin, Admin, $"an:{id}:ok"));

        // Every chat gets one answered attempt at the platform's pace (a 429 is only waited out and retried).
        bool IsCopy(RecordedRequest r) => r.Method == "sendMessage" && r.ChatId >= FirstLearner && r.StatusCode != 429;
        await WaitAsync(() => _api.Requests.Where(IsCopy).Select(r => r.ChatId).Distinct().Count() == Recipients, "500 copies attempted", seconds: 90);
        var copies = _api.Requests.Where(IsCopy).ToList();
        Assert.Equal(Recipients, copies.Count); // a refused chat is not retried, a sent one not sent twice
        Assert.Contains($"\"callback_data\":\"ar:{id}\"", copies[0].Field("reply_markup"), StringComparison.Ordinal);
        var sent = copies.Count(r => r.StatusCode == 200);
        var forbidden = copies.Count(r => r.StatusCode == 403);
        var badRequest = copies.Count(r => r.StatusCode == 400);
        Assert.Equal((Recipients - Blocked - Rejected, Blocked, Rejected), (sent, forbidden, badRequest));

        // Readers press "I have read" on their own copies; one of them twice.
        var readers = Enumerable.Range(Blocked + Rejected, Readers).Select(i => FirstLearner + i).ToList();
        foreach (var reader in readers) await PostAsync(host, _updates.Callback(reader, reader, $"ar:{id}"));
        await PostAsync(host, _updates.Callback(readers[0], readers[0], $"ar:{id}"));

        string? report = null;
        await Eventually.UntilAsync(() =>
        {
            report = LatestReport();
            return Task.FromResult(report?.Contains($"Read: {Readers} of", StringComparison.Ordinal) == true
                                   && report.Contains("All copies sent", StringComparison.Ordinal));
        }, "the final report", seconds: 30, dump: () => Task.FromResult(report ?? "(none)"));
        Assert.Contains($"Sent: {sent} of {Recipients} · pending: 0", report, StringComparison.Ordinal);
        Assert.Contains($"Failed: {forbidden + badRequest}", report, StringComparison.Ordinal);
        Assert.Contains($"Forbidden: bot was blocked by the user (chat unreachable): {forbidden}", report, StringComparison.Ordinal);
        Assert.Contains($"400 Bad Request: chat not found (refused): {badRequest}", report, StringComparison.Ordinal);
        Assert.Contains($"Not reachable (no private chat with the bot): {SampleLearners} learners", report, StringComparison.Ordinal);
        // Only the learners a copy went to can read it: the 20 without a chat are the line above, not unread.
        Assert.Contains($"Read: {Readers} of {Recipients} learners", report, StringComparison.Ordinal);
        Assert.Contains($"and {Recipients - Readers - 10} more", report, StringComparison.Ordinal);
        Assert.Equal(Readers, await host.ScalarAsync<long>("SELECT COUNT(*) FROM announcement_reads WHERE announcement_id = @id", new { id }));
        // A reader's private copy loses its button once read (their first message is the copy); an unread one keeps it.
        await WaitAsync(() => readers.All(r => _api.Message(r, 1)?["reply_markup"] is null), "read copies without their button");
        Assert.NotNull(_api.Message(FirstLearner + Blocked + Rejected + Readers, 1)!["reply_markup"]);

        // One report message, changed in place: every edit names the message the first send created.
        Assert.Single(_api.Requests, r => r.Method == "sendMessage" && r.ChatId == Admin && (r.Field("text") ?? "").StartsWith("📣", StringComparison.Ordinal));
        // (The report's edits: the steps' buttons, spent, are edits too, of the messages that carried them.)
        var edits = _api.Requests.Where(r => r.Method == "editMessageText" && r.ChatId == Admin && (r.Field("text") ?? "").StartsWith("📣", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(edits);
        Assert.Single(edits.Select(e => e.Field("message_id")).Distinct());

        // The dashboard shows the same figures: the admin asks the bot for a link and opens the announcements page.
        await PostAsync(host, _updates.PrivateText(Admin, "/dashboard"));
        string? link = null;
        await WaitAsync(() => (link = Sent(Admin).Select(t => SignInLink().Match(t)).FirstOrDefault(m => m.Success)?.Value) is not null, "the sign-in link");
        using var browser = Dashboard.DashboardSupport.RawClient(host);
        var cookie = await Dashboard.DashboardSupport.SignInAsync(browser, new Uri(link!));
        using var page = await Dashboard.DashboardSupport.GetAsync(browser, "/dashboard/announcements", cookie);
        var html = await page.Content.ReadAsStringAsync();
        var row = TableRows().Matches(html).Select(m => m.Value).Single(r => r.Contains("Tomorrow&#39;s session", StringComparison.Ordinal) || r.Contains("Tomorrow's session", StringComparison.Ordinal));
        var cells = TableCells().Matches(row).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        // date, text, status, copies, sent, waiting, failed, unconfirmed, read
        Assert.Equal([$"{Recipients}", $"{sent}", "0", $"{forbidden + badRequest}", "0"], cells.Skip(3).Take(5));
        Assert.StartsWith($"{Readers} of {Recipients} ", cells[8], StringComparison.Ordinal);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"https?://\S+/dashboard/signin\?token=[A-Za-z0-9_\-]+")]
    private static partial System.Text.RegularExpressions.Regex SignInLink();

    [System.Text.RegularExpressions.GeneratedRegex(@"<tr>.*?</tr>", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex TableRows();

    [System.Text.RegularExpressions.GeneratedRegex(@"<td[^>]*>(.*?)</td>", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex TableCells();

    private string? LatestReport() =>
        _api.Requests.LastOrDefault(r => r.ChatId == Admin && r.StatusCode == 200 && r.Method is "sendMessage" or "editMessageText"
                                         && (r.Field("text") ?? "").StartsWith("📣", StringComparison.Ordinal))?.Field("text");

    private List<string> Sent(long chat) =>
        _api.Requests.Where(r => r.Method == "sendMessage" && r.ChatId == chat && r.StatusCode == 200).Select(r => r.Field("text") ?? "").ToList();

    // 500 learners with a Telegram account each, and the sample admin linked to Telegram user 5001.
    private static async Task SeedRecipientsAsync(AcademyApp host)
    {
        await using var s = await host.Services.GetRequiredService<AcademyDatabase>().BeginAsync();
        var (cohort, group) = await s.QuerySingleAsync<(long, long)>("SELECT cohort_id, id FROM study_groups WHERE code = 'HN-01'");
        var admin = await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = '+84903100200'");
        await s.ExecuteAsync("INSERT INTO channel_identities (channel, external_id, learner_id, linked_at) VALUES ('telegram', '5001', @admin, 0)", new { admin });
        await s.ExecuteAsync("UPDATE learners SET language = 'en' WHERE id = @admin", new { admin });
        for (var i = 0; i < Recipients; i++)
        {
            var phone = "+8497" + (1_000_000 + i).ToString(CultureInfo.InvariantCulture);
            var learner = await s.ExecuteScalarAsync<long>(
                "INSERT INTO learners (phone, name, created_at) VALUES (@phone, @name, 0) RETURNING id", new { phone, name = $"Học viên {i:D3}" });
            await s.ExecuteAsync("INSERT INTO enrollments (cohort_id, learner_id, group_id, role, enrolled_at) VALUES (@cohort, @learner, @group, 'learner', 0)",
                new { cohort, learner, group });
            await s.ExecuteAsync("INSERT INTO channel_identities (channel, external_id, learner_id, linked_at) VALUES ('telegram', @ext, @learner, 0)",
                new { ext = (FirstLearner + i).ToString(CultureInfo.InvariantCulture), learner });
        }
        await s.CommitAsync();
    }

    private static async Task PostAsync(AcademyApp host, string json) =>
        Assert.Equal(HttpStatusCode.OK, await TelegramUpdates.PostAsync(host.Client, HookPath, json, Secret));

    private static Task WaitAsync(Func<bool> condition, string what, int seconds = 20, Func<string>? dump = null) =>
        Eventually.UntilAsync(() => Task.FromResult(condition()), what, seconds, dump is null ? null : () => Task.FromResult(dump()));
}
