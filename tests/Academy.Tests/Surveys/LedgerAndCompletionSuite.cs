using Academy.Learning.Storage;
using Academy.Tests.Storage;
using Academy.Tests.Support;
using Academy.Learning.Content;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Surveys;

/// <summary>
/// Daily credit caps and the completion rule on each engine, with the sample pack's rules:
/// answers 2 min (10 a day), check-ins 2 (2 a day), lessons their own minutes (90 a day);
/// completion = all 10 required lessons, every post-test, every survey, 240 minutes.
/// </summary>
public abstract class LedgerAndCompletionSuite : StoreTestBase
{
    private long _cohortId, _learnerId;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ImportSamplesAsync();
        _cohortId = await ScalarAsync<long>("SELECT id FROM cohorts WHERE code = 'sample-2026'");
        _learnerId = await ScalarAsync<long>("SELECT id FROM learners WHERE phone = '+8613912345678'");
    }

    private Completion NewCompletion() => new(new Certificates(new Academy.Learning.Messaging.Outbox(Time), Academy.Learning.Localization.Catalog.Default, Time), new ExamResults(), Time);

    private Task<long> MinutesAsync(string kind) => ScalarAsync<long>(
        "SELECT CAST(COALESCE(SUM(credit_minutes), 0) AS BIGINT) FROM ledger WHERE learner_id = @_learnerId AND kind = @kind",
        new { _learnerId, kind });

    // No minutes of its own (an answer, a check-in): the pack's rule for the kind decides.
    private async Task CreditAsync(string key, string kind, long? minutes = null)
    {
        await using var s = await Db.BeginAsync();
        await Record.CreditAsync(s, _cohortId, _learnerId, key, kind, 1, minutes);
        await s.CommitAsync();
    }

    [Fact]
    public async Task A_kind_stops_earning_minutes_at_its_daily_cap_and_starts_again_the_next_day()
    {
        for (int i = 1; i <= 7; i++) await CreditAsync($"answer/{i}", "answer");
        await CreditAsync("answer/1", "answer"); // re-delivered
        Assert.Equal(10, await MinutesAsync("answer"));                      // 5 × 2, then capped
        Assert.Equal(7, await ScalarAsync<long>("SELECT COUNT(*) FROM ledger WHERE kind = 'answer'"));
        Assert.Equal(7, await ScalarAsync<long>("SELECT SUM(points) FROM ledger WHERE kind = 'answer'")); // points are not capped

        await CreditAsync("checkin/1", "checkin");
        Assert.Equal(2, await MinutesAsync("checkin"));                      // another kind, its own cap

        Time.Advance(TimeSpan.FromDays(1));
        await CreditAsync("answer/8", "answer");
        Assert.Equal(12, await MinutesAsync("answer"));
    }

    [Fact]
    public async Task Lessons_read_on_one_day_are_capped_but_all_count_as_read()
    {
        var lessons = (await QueryAsync<long>("SELECT id FROM lessons WHERE day <= 5 ORDER BY day")).ToList();
        await using (var s = await Db.BeginAsync())
        {
            foreach (var id in lessons) Assert.True(await Record.MarkLessonReadAsync(s, _cohortId, _learnerId, id));
            await s.CommitAsync();
        }
        Assert.Equal(90, await MinutesAsync("lesson"));                      // 20 + 20 + 25 + 25 + 20 = 110, capped at 90
        await using var read = await Db.BeginReadAsync();
        var status = await NewCompletion().EvaluateAsync(read, _cohortId, _learnerId);
        Assert.Equal(5, status.RequiredLessonsRead);
        Assert.Equal(10, status.RequiredLessonsNeeded);
    }

    [Fact]
    public async Task Concurrent_awards_on_one_day_never_exceed_the_cap()
    {
        // Each award in its own transaction, all at once: without the per-learner lock two of them
        // would both see room under the cap.
        await Task.WhenAll(Enumerable.Range(1, 16).Select(i => Task.Run(() => CreditAsync($"answer/{i}", "answer"))));
        Assert.Equal(10, await MinutesAsync("answer"));
        Assert.Equal(16, await ScalarAsync<long>("SELECT COUNT(*) FROM ledger WHERE kind = 'answer'"));
    }

    [Fact]
    public async Task Elective_lessons_neither_are_needed_nor_stand_in_for_required_ones()
    {
        var required = await QueryAsync<long>("SELECT id FROM lessons WHERE required = 1 ORDER BY day");
        var electives = await QueryAsync<long>("SELECT id FROM lessons WHERE required = 0 ORDER BY day");
        Assert.Equal((10, 2), (required.Count, electives.Count));
        var otherId = await ScalarAsync<long>("SELECT id FROM learners WHERE phone = '+84913000111'");
        await using var s = await Db.BeginAsync();
        // One learner reads every required lesson and no elective; the other both electives and eight required.
        foreach (var id in required) await Record.MarkLessonReadAsync(s, _cohortId, _learnerId, id);
        foreach (var id in electives.Concat(required.Skip(2))) await Record.MarkLessonReadAsync(s, _cohortId, otherId, id);
        var completion = NewCompletion();
        var all = await completion.EvaluateAsync(s, _cohortId, _learnerId);
        Assert.Equal((10, 10, true), (all.RequiredLessonsRead, all.RequiredLessonsNeeded, all.LessonsMet));
        var mixed = await completion.EvaluateAsync(s, _cohortId, otherId);
        Assert.Equal((8, 10, false), (mixed.RequiredLessonsRead, mixed.RequiredLessonsNeeded, mixed.LessonsMet));
    }

    [Theory]
    [InlineData("lessons")]
    [InlineData("post-test")]
    [InlineData("post-test-failed")]
    [InlineData("survey")]
    [InlineData("minutes")]
    public async Task Missing_any_condition_leaves_the_learner_incomplete(string missing)
    {
        await MeetAsync(except: missing);
        await using var s = await Db.BeginAsync();
        var completion = NewCompletion();
        Assert.False(await completion.CheckAsync(s, _cohortId, _learnerId));
        Assert.False((await completion.EvaluateAsync(s, _cohortId, _learnerId)).AllMet);
        Assert.Equal(0, await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM completions"));
    }

    [Fact]
    public async Task Meeting_every_condition_completes_once_however_often_and_concurrently_it_is_checked()
    {
        await MeetAsync(except: null);
        var completion = NewCompletion();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await using var s = await Db.BeginAsync();
            var completed = await completion.CheckAsync(s, _cohortId, _learnerId);
            await s.CommitAsync();
            return completed;
        })));
        Assert.Single(results, r => r);
        await using (var s = await Db.BeginAsync())
        {
            Assert.False(await completion.CheckAsync(s, _cohortId, _learnerId));
            var status = await completion.EvaluateAsync(s, _cohortId, _learnerId);
            Assert.True(status.AllMet);
            Assert.NotNull(status.CompletedAt);
            Assert.Equal(85, status.Exams.Single().Result!.Score);
        }
        Assert.Equal(1, await CountAsync("completions"));
    }

    [Theory]
    [InlineData("    lessons: all", false, 0)]                                            // the sample's rule: every post-test and survey by default
    [InlineData("    lessons: 10\n    post_test: post-test\n    survey: evaluation", false, 0)]  // the same conditions, named
    [InlineData("    lessons: 8\n    post_test: none\n    survey: none", true, 0)]         // no exam or survey needed
    // The same in a batch as large as the answer path's (the rest are ids of nobody in the cohort), which is filtered another way.
    [InlineData("    lessons: all", false, 195)]
    [InlineData("    lessons: 10\n    post_test: post-test\n    survey: evaluation", false, 195)]
    [InlineData("    lessons: 8\n    post_test: none\n    survey: none", true, 195)]
    public async Task A_credit_completes_at_once_each_learner_of_the_batch_for_whom_minutes_were_the_last_condition(string conditions, bool examOptional, int strangers)
    {
        var pack = File.ReadAllText(Samples.Pack);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(pack, "    lessons: all\n"));
        var report = await Importer.ImportAsync([Samples.Text("digital-safety.yaml", pack.Replace("    lessons: all\n", conditions + "\n", StringComparison.Ordinal))]);
        Assert.True(report.Succeeded);
        var others = await QueryAsync<long>($"SELECT learner_id FROM enrollments WHERE role = 'learner' AND learner_id <> {_learnerId} ORDER BY learner_id");
        var (minutesLast, noExam, shortOfMinutes, done) = (_learnerId, others[0], others[1], others[2]);
        await MeetAsync("minutes", minutesLast);    // everything but minutes: 190 of 240
        await MeetAsync("post-test", noExam);       // enough minutes, no post-test passed
        await MeetAsync("minutes", shortOfMinutes); // 190 of 240, and the batch brings none
        await MeetAsync(null, done);                // completed before the batch
        var completion = NewCompletion();
        await using (var s = await Db.BeginAsync())
        {
            Assert.True(await completion.CheckAsync(s, _cohortId, done));
            // The batch's credit: 50 minutes each for the first two.
            foreach (var learner in new[] { minutesLast, noExam }) await Record.CreditAsync(s, _cohortId, learner, "test/last", "bonus", 0, 50);
            await s.CommitAsync();
        }

        for (int round = 0; round < 2; round++) // a batch checked again completes nobody twice
        {
            await using (var s = await Db.BeginAsync())
            {
                await completion.CheckAfterCreditAsync(s, _cohortId,
                    [minutesLast, noExam, shortOfMinutes, done, minutesLast, .. Enumerable.Range(1, strangers).Select(i => 1_000_000L + i)]);
                await s.CommitAsync();
            }
            long[] expected = examOptional ? [minutesLast, noExam, done] : [minutesLast, done];
            Assert.Equal(expected.Order(), await QueryAsync<long>("SELECT learner_id FROM completions ORDER BY learner_id"));
            Assert.Equal(expected.Order(), await QueryAsync<long>("SELECT learner_id FROM certificates ORDER BY learner_id"));
        }
    }

    [Fact]
    public async Task The_evaluation_opens_on_the_last_programme_day()
    {
        var surveys = new Academy.Learning.Surveys.SurveyService(Record, NewCompletion(), new ExamResults(), Time);
        await using (var s = await Db.BeginReadAsync())
            Assert.Empty(await surveys.OpenForAsync(s, _cohortId, _learnerId));
        Time.Set(DateTimeOffset.Parse("2026-12-13T02:00:00Z"));
        await using (var s = await Db.BeginReadAsync())
            Assert.Equal("evaluation", Assert.Single(await surveys.OpenForAsync(s, _cohortId, _learnerId)).Survey.Definition.Code);
    }

    // Brings a learner (by default the test's) to meet every condition of the sample rule but one.
    private async Task MeetAsync(string? except, long? learner = null)
    {
        var learnerId = learner ?? _learnerId;
        var courseId = await ScalarAsync<long>("SELECT course_id FROM cohorts WHERE id = @_cohortId", new { _cohortId });
        await using var s = await Db.BeginAsync();
        var required = await s.QueryAsync<long>("SELECT id FROM lessons WHERE required = 1 ORDER BY day");
        foreach (var id in except == "lessons" ? required.Skip(1) : required)
            await Record.MarkLessonReadAsync(s, _cohortId, learnerId, id);
        // The sample pack's post-test (pass mark 70), passed or failed straight in the table.
        var examId = await s.ExecuteScalarAsync<long>("SELECT id FROM exams WHERE code = 'post-test' AND course_id = @courseId", new { courseId });
        if (except != "post-test")
            await s.ExecuteAsync(
                """
                INSERT INTO exam_attempts (exam_id, cohort_id, learner_id, number, seed, questions, started_at, deadline, finished_at, score, passed)
                VALUES (@examId, @_cohortId, @learnerId, 1, 1, '', 0, 1, 1, @score, @passed)
                """, new { examId, _cohortId, learnerId, score = except == "post-test-failed" ? 55.0 : 85.0, passed = except == "post-test-failed" ? 0 : 1 });
        if (except != "survey")
            await s.ExecuteAsync(
                "INSERT INTO survey_completions (survey_id, cohort_id, learner_id, submitted_at) SELECT id, @_cohortId, @learnerId, 0 FROM surveys",
                new { _cohortId, learnerId });
        // Lessons on one day bring 90 (the cap); the rest of the 240 come from elsewhere.
        await Record.CreditAsync(s, _cohortId, learnerId, "test/bonus", "bonus", 0, except == "minutes" ? 100 : 150);
        await s.CommitAsync();
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql)
    {
        await using var s = await Db.BeginReadAsync();
        return (await s.QueryAsync<T>(sql)).ToList();
    }
}

public sealed class SqliteLedgerAndCompletionTests : LedgerAndCompletionSuite
{
    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());
}

[Trait("Category", "Postgres")]
public sealed class PostgresLedgerAndCompletionTests : LedgerAndCompletionSuite
{
    protected override async Task<ITestStore> CreateStoreAsync() => await PostgresTestStore.CreateAsync();
}
