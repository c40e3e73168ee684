using System.Net;
using System.Text.Json;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Academy.Tests.Support.PlaygroundSteps;
using static Academy.Tests.Support.PlaygroundUser;
using Academy.Learning.Content;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Journey;

/// <summary>
/// The whole course as one learner lives it, through the real host and the playground: registration,
/// the pre-test, twelve programme days of lessons, the post-test, the evaluation survey, and the
/// certificate that arrives by itself and verifies on the public page (a forged code does not).
/// </summary>
public sealed class CourseJourneyTests : IAsyncDisposable
{
    // 08:00 on 2026-12-01 in Ho Chi Minh City: the sample cohort's first programme day.
    private readonly ShiftedTime _time = new(DateTimeOffset.Parse("2026-12-01T01:00:00Z"));
    private readonly AcademyApp _app;

    public CourseJourneyTests() => _app = new AcademyApp(time: _time);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_learner_goes_from_registration_through_pre_test_lessons_post_test_and_survey_to_a_verifiable_certificate()
    {
        var admin = await PersonaAsync(_app, "+84903100200");
        var learner = await PersonaAsync(_app, LiaisonDay.Tuan);
        await RegisterAsync(_app, admin, "en");
        await RegisterAsync(_app, learner, "en");
        var learnerId = await _app.ScalarAsync<long>("SELECT id FROM learners WHERE phone = @phone", new { phone = LiaisonDay.Tuan });

        // The pre-test button arrives after registration; the learner gets half of it right.
        var preId = await _app.ScalarAsync<long>("SELECT id FROM exams WHERE code = 'pre-test'");
        await WaitForBotAsync(_app, learner.PrivateChat, m => ButtonData(m).Contains($"xs:{preId}"));
        await TakeExamAsync(learner, preId, questions: 10, rightShare: 0.5);
        Assert.Equal(50.0, await _app.ScalarAsync<double>("SELECT score FROM exam_attempts WHERE exam_id = @preId", new { preId }));

        // Twelve programme days (2026-12-08 is a holiday): the admin pushes the day, the learner studies the lesson.
        var day = 0;
        for (var date = new DateOnly(2026, 12, 1); date <= new DateOnly(2026, 12, 13); date = date.AddDays(1))
        {
            if (date == new DateOnly(2026, 12, 8)) continue;
            day++;
            JumpTo(date, 8);
            var before = await LastIdAsync(_app, "group-HN-01");
            await admin.SayAsync("group-HN-01", "/push");
            var lesson = await WaitForBotAsync(_app, "group-HN-01", m => ButtonData(m).Any(b => b.StartsWith("lr:", StringComparison.Ordinal)), before);
            await learner.PressAsync("group-HN-01", ButtonData(lesson.GetProperty("message")).Single(b => b.StartsWith("lr:", StringComparison.Ordinal)));
            await SettledAsync(_app);
        }
        Assert.Equal(12, day);
        Assert.Equal(12, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM lesson_reads WHERE learner_id = @learnerId", new { learnerId }));
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM certificates"));

        // The last day: the post-test (20 of 60), passed at 85%.
        var postId = await _app.ScalarAsync<long>("SELECT id FROM exams WHERE code = 'post-test'");
        var before2 = await LastIdAsync(_app, learner.PrivateChat);
        await learner.SayAsync(learner.PrivateChat, "/exam");
        await WaitForBotAsync(_app, learner.PrivateChat, m => ButtonData(m).Contains($"xs:{postId}"), before2);
        await TakeExamAsync(learner, postId, questions: 20, rightShare: 0.85);
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM certificates"));

        // /me shows what is still missing: the survey.
        var before3 = await LastIdAsync(_app, learner.PrivateChat);
        await learner.SayAsync(learner.PrivateChat, "/me");
        var me = Text((await WaitForBotAsync(_app, learner.PrivateChat, m => Text(m).Contains('⬜'), before3)).GetProperty("message"));
        Assert.Contains("evaluation", me, StringComparison.OrdinalIgnoreCase);

        // The evaluation survey: five choices and two written answers.
        var before4 = await LastIdAsync(_app, learner.PrivateChat);
        await learner.SayAsync(learner.PrivateChat, "/survey");
        for (int item = 1; item <= 7; item++)
        {
            var asked = (await WaitForBotAsync(_app, learner.PrivateChat,
                m => Text(m).Contains($"question {item} of 7", StringComparison.Ordinal), before4)).GetProperty("message");
            before4 = await LastIdAsync(_app, learner.PrivateChat);
            var buttons = ButtonData(asked).ToList();
            if (buttons.Count > 0) await learner.PressAsync(learner.PrivateChat, buttons[0]);
            else await learner.SayAsync(learner.PrivateChat,
                "I now check the sender and the link before I click, and I turned on two-factor sign-in for my work e-mail and my bank account.");
        }

        // Completion issues the certificate by itself: a preview picture and the PDF arrive in private.
        var certificate = await WaitForBotAsync(_app, learner.PrivateChat,
            m => m.GetRawText().Contains("/verify/", StringComparison.Ordinal), before4);
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM certificates WHERE learner_id = @learnerId", new { learnerId }));
        var code = await _app.ScalarAsync<string>("SELECT code FROM certificates WHERE learner_id = @learnerId", new { learnerId });
        Assert.Contains(code, certificate.GetRawText(), StringComparison.Ordinal);
        var minutes = await _app.ScalarAsync<long>("SELECT credit_minutes FROM certificates WHERE learner_id = @learnerId", new { learnerId });
        Assert.True(minutes >= 240, $"credited {minutes} minutes");

        // /me now says the course is done and names the certificate.
        var before5 = await LastIdAsync(_app, learner.PrivateChat);
        await learner.SayAsync(learner.PrivateChat, "/me");
        await WaitForBotAsync(_app, learner.PrivateChat, m => Text(m).Contains(code, StringComparison.Ordinal) && Text(m).Contains("🎓", StringComparison.Ordinal), before5);

        // Anyone can verify it; a code with one character changed is not found.
        using var http = new HttpClient { BaseAddress = _app.BaseAddress };
        var page = await http.GetAsync(new Uri($"/verify/{code}?lang=en", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var name = await _app.ScalarAsync<string>("SELECT name FROM learners WHERE id = @learnerId", new { learnerId });
        Assert.Contains(WebUtility.HtmlEncode(name), html, StringComparison.Ordinal);
        Assert.Contains("Everyday Digital Safety", html, StringComparison.Ordinal);
        var forged = code[..^1] + (code[^1] == 'A' ? 'B' : 'A');
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri($"/verify/{forged}?lang=en", UriKind.Relative))).StatusCode);
        var pdf = await http.GetAsync(new Uri($"/verify/{code}/certificate.pdf", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString((await pdf.Content.ReadAsByteArrayAsync())[..4]), StringComparison.Ordinal);

        // Pre vs post, as the admins see it.
        await using var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginReadAsync();
        var cohortId = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts");
        var counted = await _app.Services.GetRequiredService<ExamResults>().ForLearnerAsync(s, cohortId, learnerId);
        Assert.Equal(50.0, counted.Single(r => r.Kind == "pre").Score);
        Assert.Equal(85.0, counted.Single(r => r.Kind == "post").Score);
    }

    private void JumpTo(DateOnly date, int localHour)
    {
        var target = new DateTimeOffset(date.ToDateTime(new TimeOnly(localHour, 0)), TimeSpan.FromHours(7));
        _time.Jump(target - _time.GetUtcNow());
    }

    /// <summary>Starts the exam from its button and answers the first <paramref name="rightShare"/> of the questions right, the rest wrong.</summary>
    private async Task TakeExamAsync(PlaygroundUser learner, long examId, int questions, double rightShare)
    {
        await learner.PressAsync(learner.PrivateChat, $"xs:{examId}");
        await SettledAsync(_app);
        var attemptId = await _app.ScalarAsync<long>(
            "SELECT id FROM exam_attempts WHERE exam_id = @examId AND finished_at IS NULL", new { examId });
        var ids = (await _app.ScalarAsync<string>("SELECT questions FROM exam_attempts WHERE id = @attemptId", new { attemptId })).Split(',');
        Assert.Equal(questions, ids.Distinct().Count());
        var right = (int)Math.Round(questions * rightShare);
        for (int position = 0; position < questions; position++)
        {
            Question q;
            await using (var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginReadAsync())
                q = (await ContentStore.GetQuestionAsync(s, long.Parse(ids[position], System.Globalization.CultureInfo.InvariantCulture)))!;
            var correct = position < right;
            var prefix = $"x:{attemptId}:{position}:";
            switch (q.Type)
            {
                case QuestionType.Fill:
                    await learner.SayAsync(learner.PrivateChat, correct ? q.Accepted[0] : "no idea");
                    break;
                case QuestionType.Multiple:
                    var ticks = correct ? q.Correct : [Enumerable.Range(0, q.Options.Count).First(i => !q.Correct.Contains(i))];
                    foreach (var t in ticks) await learner.PressAsync(learner.PrivateChat, prefix + "t" + t);
                    await SettledAsync(_app);
                    await learner.PressAsync(learner.PrivateChat, prefix + "s");
                    break;
                default:
                    var choice = correct ? q.Correct[0] : Enumerable.Range(0, q.OptionCount).First(i => !q.Correct.Contains(i));
                    await learner.PressAsync(learner.PrivateChat, prefix + choice);
                    break;
            }
            await SettledAsync(_app);
        }
        await Eventually.UntilAsync(async () => await _app.ScalarAsync<long>(
            "SELECT COUNT(*) FROM exam_attempts WHERE id = @attemptId AND finished_at IS NOT NULL", new { attemptId }) == 1);
    }
}
