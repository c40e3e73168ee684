using System.Text.Json;
using Academy.Learning.Localization;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Academy.Tests.Support.PlaygroundSteps;

namespace Academy.Tests.Exams;

/// <summary>
/// The exam sweep as the scheduler runs it, through the real host: it offers the pre-test to a learner
/// who registered before the pack had exams and finishes an abandoned attempt (telling the learner),
/// by itself; on a host with the scheduler off it runs not at all.
/// </summary>
public sealed class ExamSweepScheduleTests
{
    private static readonly Localizer En = Catalog.Default.For("en");

    [Fact]
    public async Task The_scheduled_sweep_offers_the_pre_test_to_an_earlier_learner_and_finishes_an_abandoned_attempt()
    {
        var time = new ShiftedTime(DateTimeOffset.Parse("2026-12-01T02:00:00Z"));
        await using var app = new AcademyApp(new Dictionary<string, string?> { ["Scheduler:Enabled"] = "true", ["Exams:SweepInterval"] = "00:00:01" }, time: time);
        // The pack without exams, as it was when Tuấn registered; then the exams arrive.
        var pack = File.ReadAllText(Samples.Pack);
        var importer = app.Services.GetRequiredService<Academy.Learning.Import.ContentImporter>();
        var withoutExams = pack[..pack.IndexOf("  exams:", StringComparison.Ordinal)] + pack[pack.IndexOf("  questions:", StringComparison.Ordinal)..];
        Assert.True((await importer.ImportAsync([Samples.Text("digital-safety.yaml", withoutExams)])).Succeeded);
        var user = await PersonaAsync(app, LiaisonDay.Tuan);
        await RegisterAsync(app, user, "en");
        Assert.True((await importer.ImportAsync([Samples.Text("digital-safety.yaml", pack)])).Succeeded);
        var preId = await app.ScalarAsync<long>("SELECT id FROM exams WHERE code = 'pre-test'");

        // Nobody runs the sweep here but the scheduler.
        var invite = await WaitAsync(app, user.PrivateChat, m => PlaygroundUser.ButtonData(m).Contains($"xs:{preId}"));
        Assert.Contains("Pre-test: 10 questions, 15 minutes, pass mark 60%", T(invite), StringComparison.Ordinal);
        // Once: the rounds after it send no second one.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await SettledAsync(app);
        Assert.Single(await BotMessagesAsync(app, user.PrivateChat, 0), m => PlaygroundUser.ButtonData(m).Contains($"xs:{preId}"));

        await user.PressAsync(user.PrivateChat, $"xs:{preId}");
        await SettledAsync(app);
        var started = await LastIdAsync(app, user.PrivateChat);
        time.Jump(TimeSpan.FromMinutes(16));
        var timedOut = await WaitAsync(app, user.PrivateChat, m => T(m).StartsWith(En.Get("exam.timed_out", ("title", "Pre-test")), StringComparison.Ordinal), started);
        Assert.Contains("0% — not passed (pass mark 60%)", T(timedOut), StringComparison.Ordinal);
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT COUNT(*) FROM exam_attempts WHERE finished_at IS NOT NULL"));
    }

    [Fact]
    public async Task With_the_scheduler_off_the_host_sweeps_nothing()
    {
        var time = new ShiftedTime(DateTimeOffset.Parse("2026-12-01T02:00:00Z"));
        await using var app = new AcademyApp(new Dictionary<string, string?> { ["Scheduler:Enabled"] = "false", ["Exams:SweepInterval"] = "00:00:01" }, time: time);
        var user = await PersonaAsync(app, LiaisonDay.Tuan);
        await RegisterAsync(app, user, "en");
        var preId = await app.ScalarAsync<long>("SELECT id FROM exams WHERE code = 'pre-test'");
        await user.PressAsync(user.PrivateChat, $"xs:{preId}");
        await SettledAsync(app);
        var started = await LastIdAsync(app, user.PrivateChat);

        time.Jump(TimeSpan.FromMinutes(16));
        await Task.Delay(TimeSpan.FromSeconds(4));
        await SettledAsync(app);
        // The attempt waits, open, for a host that sweeps (or for the learner's next press).
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT COUNT(*) FROM exam_attempts WHERE finished_at IS NOT NULL"));
        Assert.DoesNotContain(await BotMessagesAsync(app, user.PrivateChat, started), m => T(m).StartsWith("⏰", StringComparison.Ordinal));
    }

    private static async Task<JsonElement> WaitAsync(AcademyApp app, string chat, Func<JsonElement, bool> match, long after = 0) =>
        (await PlaygroundUser.WaitForBotAsync(app, chat, match, after)).GetProperty("message");

    private static string T(JsonElement m) => m.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
}
