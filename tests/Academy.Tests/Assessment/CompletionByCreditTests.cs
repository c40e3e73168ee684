using System.Text.Json;
using Academy.Learning.Localization;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Academy.Tests.Support.PlaygroundSteps;
using static Academy.Tests.Support.PlaygroundUser;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.People;

namespace Academy.Tests.Assessment;

/// <summary>
/// A learner who has done everything but the last credit minutes earns them with a check-in or a quiz
/// answer in the group, and the certificate arrives in private then, not at the next /me.
/// </summary>
public sealed class CompletionByCreditTests : IAsyncDisposable
{
    // 09:00 on 2026-12-01 in Ho Chi Minh City: day 1 of the sample cohort, check-in open.
    private readonly AcademyApp _app = new(time: new ShiftedTime(DateTimeOffset.Parse("2026-12-01T02:00:00Z")));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("check-in")]
    [InlineData("quiz")]
    public async Task The_certificate_arrives_with_the_minutes_that_were_the_last_missing_condition(string how)
    {
        var admin = await PersonaAsync(_app, "+84903100200");
        var learner = await PersonaAsync(_app, LiaisonDay.Nhung);
        await RegisterAsync(_app, admin, "en");
        await RegisterAsync(_app, learner, "en");
        var learnerId = await _app.ScalarAsync<long>("SELECT id FROM learners WHERE phone = @phone", new { phone = LiaisonDay.Nhung });
        await MeetAllButTwoMinutesAsync(learnerId);

        const string group = "group-HN-01";
        await admin.SayAsync(group, "/push");
        var checkIn = await WaitForBotAsync(_app, group, m => ButtonData(m).Any(d => d.StartsWith("ci:", StringComparison.Ordinal)));
        // A question answered with one press (several answers would need ticks and Submit).
        var quiz = await WaitForBotAsync(_app, group, m => ButtonData(m).Any(d => d.StartsWith("q:", StringComparison.Ordinal)) &&
                                                           !ButtonData(m).Any(d => d.EndsWith(":submit", StringComparison.Ordinal)));
        await SettledAsync(_app);
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM certificates"));

        var before = await LastIdAsync(_app, learner.PrivateChat);
        await learner.PressAsync(group, how == "quiz" ? ButtonData(quiz.GetProperty("message")).First() : ButtonData(checkIn.GetProperty("message")).Single());

        var code = await WaitForCertificateAsync(learnerId);
        var congratulation = (await WaitForBotAsync(_app, learner.PrivateChat, m => m.GetProperty("image").ValueKind == JsonValueKind.String, before)).GetProperty("message");
        Assert.Equal(Catalog.Default.For("en").Get("certificate.congratulations", ("name", "Lê Thị Hồng Nhung"), ("course", "Everyday Digital Safety"),
            ("hours", "4"), ("code", code)), Text(congratulation));
        await WaitForBotAsync(_app, learner.PrivateChat, m => m.GetProperty("attachment").GetString()?.EndsWith(".pdf", StringComparison.Ordinal) == true, before);
        Assert.Equal(240, await _app.ScalarAsync<long>("SELECT credit_minutes FROM certificates WHERE learner_id = @learnerId", new { learnerId }));
    }

    // Every required lesson read (90 minutes: the day's cap), the post-test passed, the evaluation
    // submitted, and a bonus that leaves 238 of the 240 minutes: a check-in or an answer brings 2.
    private async Task MeetAllButTwoMinutesAsync(long learnerId)
    {
        var record = _app.Services.GetRequiredService<LearnerRecord>();
        await using var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync();
        var cohortId = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts");
        foreach (var lessonId in await s.QueryAsync<long>("SELECT id FROM lessons WHERE required = 1"))
            Assert.True(await record.MarkLessonReadAsync(s, cohortId, learnerId, lessonId));
        await s.ExecuteAsync(
            """
            INSERT INTO exam_attempts (exam_id, cohort_id, learner_id, number, seed, questions, started_at, deadline, finished_at, score, passed)
            SELECT id, @cohortId, @learnerId, 1, 1, '', 0, 1, 1, 85.0, 1 FROM exams WHERE code = 'post-test'
            """, new { cohortId, learnerId });
        await s.ExecuteAsync(
            "INSERT INTO survey_completions (survey_id, cohort_id, learner_id, submitted_at) SELECT id, @cohortId, @learnerId, 0 FROM surveys",
            new { cohortId, learnerId });
        await record.CreditAsync(s, cohortId, learnerId, "test/bonus", "bonus", 0, 148);
        Assert.Equal(238, await s.ExecuteScalarAsync<long>("SELECT SUM(credit_minutes) FROM ledger WHERE learner_id = @learnerId", new { learnerId }));
        await s.CommitAsync();
    }

    private async Task<string> WaitForCertificateAsync(long learnerId)
    {
        await Eventually.UntilAsync(async () => await _app.ScalarAsync<long>("SELECT COUNT(*) FROM certificates WHERE learner_id = @learnerId", new { learnerId }) == 1);
        return await _app.ScalarAsync<string>("SELECT code FROM certificates WHERE learner_id = @learnerId", new { learnerId });
    }
}
