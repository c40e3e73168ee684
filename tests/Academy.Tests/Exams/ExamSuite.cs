using ExamService = Academy.Learning.Exams.ExamService;
using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Tests.Storage;
using Academy.Tests.Support;
using Academy.Learning.Content;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Exams;

/// <summary>Exams on both engines, with fake time: windows, the server-side deadline, resume, once-only records, the pack's errors.</summary>
public abstract class ExamSuite : StoreTestBase
{
    private static readonly Localizer En = Catalog.Default.For("en");
    private static readonly ChatAddress Chat = new("playground", "dm-test");
    private ExamService _exams = null!;
    private long _cohortId, _learnerId;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ImportSamplesAsync();
        _exams = new ExamService(Time, Record, new Completion(new Certificates(new Academy.Learning.Messaging.Outbox(Time), Academy.Learning.Localization.Catalog.Default, Time), new ExamResults(), Time), new ExamSeeds());
        _cohortId = await ScalarAsync<long>("SELECT id FROM cohorts");
        _learnerId = await ScalarAsync<long>("SELECT learner_id FROM enrollments WHERE role = 'learner' ORDER BY id LIMIT 1");
    }

    private async Task<long> ExamIdAsync(string code) => await ScalarAsync<long>("SELECT id FROM exams WHERE code = @code", new { code });

    private async Task<T> InAsync<T>(Func<DbSession, Task<T>> work)
    {
        await using var s = await Db.BeginAsync();
        var result = await work(s);
        await s.CommitAsync();
        return result;
    }

    [Fact]
    public async Task The_pre_test_is_open_from_enrolment_and_the_post_test_from_the_last_day_for_seven_days()
    {
        var open = await InAsync(s => _exams.OpenAsync(s, _cohortId, _learnerId));
        Assert.Equal(["pre-test"], open.Select(o => o.Exam.Definition.Code));
        // Day 12 is 2026-12-13 (the 8th is a holiday); the window opens at 00:00 in Ho Chi Minh City.
        Time.Set(DateTimeOffset.Parse("2026-12-12T16:59:00Z"));
        Assert.Empty(await InAsync(s => _exams.OpenAsync(s, _cohortId, _learnerId)));
        Time.Set(DateTimeOffset.Parse("2026-12-12T17:00:00Z"));
        Assert.Equal(["post-test"], (await InAsync(s => _exams.OpenAsync(s, _cohortId, _learnerId))).Select(o => o.Exam.Definition.Code));
        Time.Set(DateTimeOffset.Parse("2026-12-20T17:00:00Z")); // end of last+7 (12-20 local)
        Assert.Empty(await InAsync(s => _exams.OpenAsync(s, _cohortId, _learnerId)));
        var refused = await InAsync(async s => await _exams.StartAsync(s, await ExamIdAsync("post-test"), _cohortId, _learnerId, Chat, "en"));
        Assert.Equal(StartStatus.NotOpen, refused.Status);
    }

    [Fact]
    public async Task A_late_answer_is_refused_and_the_attempt_scored_as_it_stood()
    {
        var preId = await ExamIdAsync("pre-test");
        var started = await InAsync(s => _exams.StartAsync(s, preId, _cohortId, _learnerId, Chat, "en"));
        Assert.Equal(StartStatus.Started, started.Status);
        var attempt = started.Attempt!;
        Assert.Equal(10, attempt.Questions.Count);
        Assert.Equal(10, attempt.Questions.Distinct().Count());
        Assert.Equal(attempt.StartedAt + TimeSpan.FromMinutes(15), attempt.Deadline);

        var first = await InAsync(async s => await _exams.AnswerAsync(s, attempt.Id, _learnerId, 0, Right(await ExamService.QuestionAsync(s, attempt, 0))));
        Assert.Equal(ExamAnswerStatus.Next, first.Status);
        // The same press delivered again records nothing.
        var again = await InAsync(async s => await _exams.AnswerAsync(s, attempt.Id, _learnerId, 0, Right(await ExamService.QuestionAsync(s, attempt, 0))));
        Assert.Equal(ExamAnswerStatus.Stale, again.Status);

        Time.Advance(TimeSpan.FromMinutes(15));
        var late = await InAsync(async s => await _exams.AnswerAsync(s, attempt.Id, _learnerId, 1, Right(await ExamService.QuestionAsync(s, attempt, 1))));
        Assert.Equal(ExamAnswerStatus.Late, late.Status);
        Assert.Equal(10.0, late.Attempt!.Score); // one right of ten
        Assert.Equal(1, await ScalarAsync<long>("SELECT COUNT(*) FROM exam_answers WHERE attempt_id = @Id", new { attempt.Id }));
        Assert.Equal(attempt.Deadline.ToUnixTimeMilliseconds(), await ScalarAsync<long>("SELECT finished_at FROM exam_attempts WHERE id = @Id", new { attempt.Id }));
        var result = Assert.Single(await InAsync(s => new ExamResults().ForLearnerAsync(s, _cohortId, _learnerId)));
        Assert.Equal(10.0, result.Score);
        Assert.False(result.Passed);
        // One attempt allowed: no new one.
        Assert.Equal(StartStatus.NoAttemptsLeft, (await InAsync(s => _exams.StartAsync(s, preId, _cohortId, _learnerId, Chat, "en"))).Status);
    }

    [Fact]
    public async Task An_interrupted_attempt_resumes_while_time_remains_and_the_sweep_finishes_an_abandoned_one()
    {
        var preId = await ExamIdAsync("pre-test");
        var attempt = (await InAsync(s => _exams.StartAsync(s, preId, _cohortId, _learnerId, Chat, "en"))).Attempt!;
        for (int i = 0; i < 3; i++)
        {
            var p = i;
            await InAsync(async s => await _exams.AnswerAsync(s, attempt.Id, _learnerId, p, Right(await ExamService.QuestionAsync(s, attempt, p))));
        }
        Time.Advance(TimeSpan.FromMinutes(14));
        var resumed = await InAsync(s => _exams.StartAsync(s, preId, _cohortId, _learnerId, Chat, "en"));
        Assert.Equal(StartStatus.Resumed, resumed.Status);
        Assert.Equal(attempt.Id, resumed.Attempt!.Id);
        Assert.Equal(3, resumed.Attempt.Position);
        Assert.Equal(attempt.Questions, resumed.Attempt.Questions);

        Assert.Empty(await InAsync(s => _exams.ExpireDueAsync(s)));
        Time.Advance(TimeSpan.FromMinutes(1));
        var expired = Assert.Single(await InAsync(s => _exams.ExpireDueAsync(s)));
        Assert.Equal(30.0, expired.Attempt.Score);
        Assert.Empty(await InAsync(s => _exams.ExpireDueAsync(s)));
    }

    [Fact]
    public async Task Start_after_the_deadline_finishes_and_reports_the_attempt_and_starts_a_new_one_only_when_asked_again()
    {
        Time.Set(DateTimeOffset.Parse("2026-12-13T02:00:00Z"));
        var postId = await ExamIdAsync("post-test");
        var attempt = (await InAsync(s => _exams.StartAsync(s, postId, _cohortId, _learnerId, Chat, "en"))).Attempt!;
        await InAsync(async s => await _exams.AnswerAsync(s, attempt.Id, _learnerId, 0, Right(await ExamService.QuestionAsync(s, attempt, 0))));

        Time.Advance(TimeSpan.FromMinutes(31));
        var pressed = await InAsync(s => _exams.StartAsync(s, postId, _cohortId, _learnerId, Chat, "en"));
        Assert.Equal(StartStatus.Expired, pressed.Status);
        Assert.Equal(attempt.Id, pressed.Attempt!.Id);
        Assert.Equal(5.0, pressed.Attempt.Score); // one right of twenty
        Assert.Equal(attempt.Deadline, pressed.Attempt.FinishedAt);
        Assert.Equal(1, await ScalarAsync<long>("SELECT COUNT(*) FROM exam_attempts"));
        Assert.Empty(await InAsync(s => _exams.ExpireDueAsync(s))); // nothing left for the sweep to tell twice

        var next = await InAsync(s => _exams.StartAsync(s, postId, _cohortId, _learnerId, Chat, "en"));
        Assert.Equal(StartStatus.Started, next.Status);
        Assert.Equal(2, next.Attempt!.Number);
    }

    [Fact]
    public async Task Finishing_the_post_test_credits_its_minutes_once_and_best_attempt_counts()
    {
        Time.Set(DateTimeOffset.Parse("2026-12-13T02:00:00Z"));
        var postId = await ExamIdAsync("post-test");
        foreach (var rightAnswers in new[] { 20, 5 })
        {
            var attempt = (await InAsync(s => _exams.StartAsync(s, postId, _cohortId, _learnerId, Chat, "en"))).Attempt!;
            Assert.Equal(20, attempt.Questions.Count);
            for (int i = 0; i < 20; i++)
            {
                var p = i;
                await InAsync(async s =>
                {
                    var q = await ExamService.QuestionAsync(s, attempt, p);
                    return await _exams.AnswerAsync(s, attempt.Id, _learnerId, p, p < rightAnswers ? Right(q) : Response.Typed("?"));
                });
            }
        }
        Assert.Equal(1, await ScalarAsync<long>("SELECT COUNT(*) FROM ledger WHERE source_key = @key", new { key = $"exam/{postId}" }));
        Assert.Equal(30, await ScalarAsync<long>("SELECT credit_minutes FROM ledger WHERE source_key = @key", new { key = $"exam/{postId}" }));
        var result = Assert.Single(await InAsync(s => new ExamResults().ForLearnerAsync(s, _cohortId, _learnerId)));
        Assert.Equal(100.0, result.Score);
        Assert.True(result.Passed);
        Assert.Equal(2, result.Attempts);
    }

    [Fact]
    public async Task The_packs_exam_credit_rule_is_what_an_exam_without_minutes_of_its_own_earns()
    {
        // The pre-test sets no credit_minutes; the sample pack's credit.exam says an exam earns 30.
        var preId = await ExamIdAsync("pre-test");
        await TakeAsync(preId, right: 10);
        Assert.Equal(30, await ScalarAsync<long>("SELECT credit_minutes FROM ledger WHERE source_key = @key", new { key = $"exam/{preId}" }));
        await using var s = await Db.BeginReadAsync();
        Assert.Equal(30, (await Record.GetProgressAsync(s, _cohortId, _learnerId)).CreditMinutes); // what /me shows
    }

    [Fact]
    public async Task An_exams_own_credit_minutes_win_over_the_packs_exam_rule_even_when_zero()
    {
        // The sample's credit.exam says 30; the post-test now sets 45 of its own, the pre-test 0.
        var pack = Edit(File.ReadAllText(Samples.Pack), "multiple_scoring: per_option\n      credit_minutes: 30",
            "multiple_scoring: per_option\n      credit_minutes: 45");
        await ImportAsync(Edit(pack, "counts: first", "counts: first\n      credit_minutes: 0"));
        var preId = await ExamIdAsync("pre-test");
        await TakeAsync(preId, right: 10);
        Time.Set(DateTimeOffset.Parse("2026-12-13T02:00:00Z"));
        var postId = await ExamIdAsync("post-test");
        await TakeAsync(postId, right: 20);

        Assert.Equal(0, await ScalarAsync<long>("SELECT credit_minutes FROM ledger WHERE source_key = @key", new { key = $"exam/{preId}" }));
        Assert.Equal(45, await ScalarAsync<long>("SELECT credit_minutes FROM ledger WHERE source_key = @key", new { key = $"exam/{postId}" }));
    }

    [Fact]
    public async Task A_practice_test_earns_minutes_only_when_it_sets_its_own()
    {
        var pack = Edit(File.ReadAllText(Samples.Pack), "\n\n  questions:", Practice.TrimEnd());
        await ImportAsync(pack);
        var practiceId = await ExamIdAsync("practice");
        await TakeAsync(practiceId, right: 2);
        // The pack's credit.exam (30) is for the tests that count; practice is not one of them.
        Assert.Equal(0, await ScalarAsync<long>("SELECT COUNT(*) FROM ledger WHERE source_key = @key", new { key = $"exam/{practiceId}" }));

        await ImportAsync(Edit(pack, "pass_mark: 50\n", "pass_mark: 50\n      credit_minutes: 5\n"));
        await TakeAsync(practiceId, right: 1);
        await TakeAsync(practiceId, right: 2);
        Assert.Equal(5, await ScalarAsync<long>("SELECT SUM(credit_minutes) FROM ledger WHERE source_key = @key", new { key = $"exam/{practiceId}" }));
    }

    [Fact]
    public async Task An_exam_stored_before_own_minutes_won_keeps_earning_what_it_earned()
    {
        // Stores used to keep an absent credit_minutes as 0, the same as a given 0; the upgrade reads such a 0 as absent.
        await ImportAsync(Edit(File.ReadAllText(Samples.Pack), "counts: first", "counts: first\n      credit_minutes: 0"));
        Assert.Contains("\"credit_minutes\":0", await ScalarAsync<string>("SELECT definition FROM exams WHERE code = 'pre-test'"), StringComparison.Ordinal);
        await using (var s = await Db.BeginAsync())
        {
            await s.ExecuteAsync("DELETE FROM schema_migrations WHERE version = 21");
            await s.CommitAsync();
        }
        Assert.Equal([21], await Migrator.MigrateAsync());

        var preId = await ExamIdAsync("pre-test");
        await TakeAsync(preId, right: 10);
        Assert.Equal(30, await ScalarAsync<long>("SELECT credit_minutes FROM ledger WHERE source_key = @key", new { key = $"exam/{preId}" }));
        // A figure of its own is kept.
        Assert.Contains("\"credit_minutes\":30", await ScalarAsync<string>("SELECT definition FROM exams WHERE code = 'post-test'"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("multiple_scoring: per_option", new[] { 2 }, 0.5, 75.0, true)]      // one of the two right options: half
    [InlineData("multiple_scoring: per_option", new[] { 2, 0 }, 0.0, 50.0, false)]  // one right, one wrong: they cancel
    [InlineData("multiple_scoring: all_or_nothing", new[] { 2 }, 0.0, 50.0, false)]
    [InlineData("", new[] { 2 }, 0.0, 50.0, false)]                                 // the default is all or nothing
    public async Task Ticking_part_of_a_multiple_answer_scores_as_the_packs_rule_says(string rule, int[] ticks, double questionScore, double total, bool passed)
    {
        // The post-test cut down to two questions: pw-09 (several answers: c and d) and pw-01 (one answer).
        var pack = Edit(File.ReadAllText(Samples.Pack), "multiple_scoring: per_option", rule);
        pack = Edit(pack, "- count: 20\n          topics: [passwords, scams, privacy, devices, information]\n          exclude: [pw-03, sc-03, pr-03, dv-03]",
            "- { questions: [pw-09, pw-01], count: 2 }");
        await ImportAsync(pack);
        Time.Set(DateTimeOffset.Parse("2026-12-13T02:00:00Z"));
        var attempt = (await InAsync(async s => await _exams.StartAsync(s, await ExamIdAsync("post-test"), _cohortId, _learnerId, Chat, "en"))).Attempt!;
        Assert.Equal(2, attempt.Questions.Count);

        ExamAnswerOutcome last = null!;
        for (int p = 0; p < 2; p++)
        {
            var position = p;
            var q = await InAsync(s => ExamService.QuestionAsync(s, attempt, position));
            if (q.Type == QuestionType.Multiple)
            {
                Assert.Equal("pw-09", q.Id);
                foreach (var option in ticks) await InAsync(s => _exams.ToggleAsync(s, attempt.Id, _learnerId, position, option));
                last = await InAsync(s => _exams.AnswerAsync(s, attempt.Id, _learnerId, position, null)); // Submit
            }
            else last = await InAsync(s => _exams.AnswerAsync(s, attempt.Id, _learnerId, position, Right(q)));
        }
        Assert.Equal(ExamAnswerStatus.Finished, last.Status);
        var multipleAt = attempt.Questions.ToList().IndexOf(await ScalarAsync<long>("SELECT id FROM questions WHERE code = 'pw-09'"));
        Assert.Equal(questionScore, await ScalarAsync<double>("SELECT score FROM exam_answers WHERE attempt_id = @Id AND position = @multipleAt",
            new { attempt.Id, multipleAt = (long)multipleAt }));
        Assert.Equal(total, last.Attempt!.Score);
        Assert.Equal(passed, last.Attempt.Passed);
        var review = await InAsync(s => _exams.ReviewAsync(s, last.Attempt, last.Exam!));
        Assert.Equal(questionScore, review.Items[multipleAt].Score);
    }

    [Fact]
    public async Task Two_learners_draw_independently_and_each_stored_seed_redraws_the_stored_questions()
    {
        Time.Set(DateTimeOffset.Parse("2026-12-13T02:00:00Z"));
        var postId = await ExamIdAsync("post-test");
        var otherId = await ScalarAsync<long>("SELECT learner_id FROM enrollments WHERE role = 'learner' AND learner_id <> @_learnerId ORDER BY id LIMIT 1", new { _learnerId });
        var mine = (await InAsync(s => _exams.StartAsync(s, postId, _cohortId, _learnerId, Chat, "en"))).Attempt!;
        var theirs = (await InAsync(s => _exams.StartAsync(s, postId, _cohortId, otherId, Chat, "en"))).Attempt!;
        // 20 of a pool of 60: the same set by chance has odds of 1 in C(60, 20) ≈ 4·10^15, the same order far less.
        Assert.NotEqual(mine.Questions.Order(), theirs.Questions.Order());
        Assert.NotEqual(mine.Seed, theirs.Seed);

        await using var read = await Db.BeginReadAsync();
        var exam = (await ExamService.GetExamAsync(read, postId))!;
        var bank = (await ContentStore.QuestionBankAsync(read, exam.CourseId)).Where(b => !b.Retired).ToList();
        var idOf = bank.ToDictionary(b => b.Question.Id, b => b.Id);
        foreach (var attempt in new[] { mine, theirs })
        {
            var stored = await read.ExecuteScalarAsync<long>("SELECT seed FROM exam_attempts WHERE id = @Id", new { attempt.Id });
            Assert.Equal(attempt.Questions, ExamDraw.Draw(exam.Definition, bank.Select(b => b.Question).ToList(), stored).Select(code => idOf[code]));
        }
    }

    [Theory]
    [InlineData("best", 2, 100.0, true)]
    [InlineData("first", 1, 50.0, false)]
    [InlineData("last", 3, 25.0, false)]
    public async Task The_attempt_that_counts_is_the_one_the_packs_counts_names(string counts, int number, double score, bool passed)
    {
        var pack = Edit(Edit(File.ReadAllText(Samples.Pack), "counts: best", $"counts: {counts}"), "attempts: 2", "attempts: 3");
        await ImportAsync(pack);
        Time.Set(DateTimeOffset.Parse("2026-12-13T02:00:00Z"));
        var postId = await ExamIdAsync("post-test");
        foreach (var right in new[] { 10, 20, 5 }) await TakeAsync(postId, right); // 50%, 100%, 25%

        var result = Assert.Single(await InAsync(s => new ExamResults().ForLearnerAsync(s, _cohortId, _learnerId)));
        Assert.Equal(score, result.Score);
        Assert.Equal(passed, result.Passed);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(await ScalarAsync<long>("SELECT id FROM exam_attempts WHERE number = @number", new { number = (long)number }), result.AttemptId);
        // Completion (and /me) reads the same attempt: passed once is not enough when a later one counts.
        var completion = new Completion(new Certificates(new Academy.Learning.Messaging.Outbox(Time), Catalog.Default, Time), new ExamResults(), Time);
        var status = await InAsync(s => completion.EvaluateAsync(s, _cohortId, _learnerId));
        Assert.Equal(passed, status.Exams.Single(e => e.Code == "post-test").Met);
    }

    [Fact]
    public async Task A_final_exam_is_the_test_completion_asks_for_when_the_course_has_no_post_test()
    {
        var completion = new Completion(new Certificates(new Academy.Learning.Messaging.Outbox(Time), Catalog.Default, Time), new ExamResults(), Time);
        await ImportAsync(Edit(File.ReadAllText(Samples.Pack), "kind: post", "kind: final"));
        var status = await InAsync(s => completion.EvaluateAsync(s, _cohortId, _learnerId));
        Assert.False(Assert.Single(status.Exams, e => e.Code == "post-test").Met);
        Assert.False(status.AllMet);

        Time.Set(DateTimeOffset.Parse("2026-12-13T02:00:00Z"));
        await TakeAsync(await ExamIdAsync("post-test"), right: 20);
        status = await InAsync(s => completion.EvaluateAsync(s, _cohortId, _learnerId));
        Assert.True(Assert.Single(status.Exams).Met);

        // Beside a post-test, a final exam is one more exam, not a condition.
        await ImportAsync(Edit(File.ReadAllText(Samples.Pack), "code: pre-test\n      kind: pre", "code: pre-test\n      kind: final"));
        status = await InAsync(s => completion.EvaluateAsync(s, _cohortId, _learnerId));
        Assert.Equal(["post-test"], status.Exams.Select(e => e.Code));
    }

    private const string Practice = """

            - code: practice
              kind: practice
              title: Practice
              time_limit_minutes: 10
              pass_mark: 50
              draw:
                - { questions: [pw-03, sc-03], count: 2 }

          questions:
        """;

    [Fact]
    public async Task A_practice_test_may_be_taken_again_and_again_and_never_counts_for_completion()
    {
        var pack = Edit(File.ReadAllText(Samples.Pack), "\n\n  questions:", Practice.TrimEnd());
        await ImportAsync(pack);
        var practiceId = await ExamIdAsync("practice");
        for (int i = 0; i < 25; i++) await TakeAsync(practiceId, right: i % 3); // more than the 20 a pack may set as a limit
        var open = Assert.Single(await InAsync(s => _exams.OpenAsync(s, _cohortId, _learnerId)), o => o.Exam.Id == practiceId);
        Assert.Null(open.AttemptsLeft);
        Assert.Equal("unlimited", Academy.BotHost.Features.Exams.ExamMessages.AttemptsLeft(open.AttemptsLeft, En));

        var completion = new Completion(new Certificates(new Academy.Learning.Messaging.Outbox(Time), Catalog.Default, Time), new ExamResults(), Time);
        var status = await InAsync(s => completion.EvaluateAsync(s, _cohortId, _learnerId));
        Assert.Equal(["post-test"], status.Exams.Select(e => e.Code));

        // A practice test with nothing else to close the course: no exam to pass.
        await ImportAsync(Edit(pack, "kind: post", "kind: practice"));
        status = await InAsync(s => completion.EvaluateAsync(s, _cohortId, _learnerId));
        Assert.Empty(status.Exams);

        // The pack may still limit it.
        await ImportAsync(Edit(pack, "pass_mark: 50\n", "pass_mark: 50\n      attempts: 2\n"));
        Assert.Equal(StartStatus.NoAttemptsLeft, (await InAsync(s => _exams.StartAsync(s, practiceId, _cohortId, _learnerId, Chat, "en"))).Status);
    }

    [Fact]
    public async Task Bad_exam_definitions_are_reported_by_line_and_field_and_change_nothing()
    {
        var pack = File.ReadAllText(Samples.Pack)
            .Replace("closes: day 3", "closes: day 30", StringComparison.Ordinal)
            .Replace("pass_mark: 70", "pass_mark: 170", StringComparison.Ordinal)
            .Replace("exclude: [pw-03, sc-03, pr-03, dv-03]", "exclude: [pw-03, zz-99]", StringComparison.Ordinal)
            .Replace("- { topics: [privacy], count: 2 }", "- { topics: [privacy], count: 14 }", StringComparison.Ordinal);
        var stored = await ScalarAsync<string>("SELECT definition FROM exams WHERE code = 'post-test'");
        var report = await Importer.ImportAsync([Samples.Text("digital-safety.yaml", pack)]);
        Assert.False(report.Succeeded);
        var lines = string.Join('\n', report.Errors.Select(e => e.Render(En)));
        var text = pack.Split('\n');
        int LineOf(string s) => Array.FindIndex(text, l => l.Contains(s, StringComparison.Ordinal)) + 1;
        Assert.Contains($"digital-safety.yaml:{LineOf("closes: day 30")}: exams[pre-test].closes: 'day 30' is not 'day N' (1 to 12)", lines);
        Assert.Contains($"digital-safety.yaml:{LineOf("pass_mark: 170")}: exams[post-test].pass_mark: '170' is not a pass mark from 0 to 100", lines);
        Assert.Contains($"exams[post-test].draw[1].exclude: unknown question 'zz-99'", lines);
        Assert.Contains($"digital-safety.yaml:{LineOf("count: 14")}: exams[pre-test].draw[3].count: asks for 14 questions but its pool holds only 13", lines);
        Assert.Equal(stored, await ScalarAsync<string>("SELECT definition FROM exams WHERE code = 'post-test'"));
        Assert.Equal(2, await CountAsync("exams"));
    }

    // Takes a whole attempt: the first `right` questions answered right, the others wrong.
    private async Task<ExamAttempt> TakeAsync(long examId, int right)
    {
        var started = await InAsync(s => _exams.StartAsync(s, examId, _cohortId, _learnerId, Chat, "en"));
        Assert.Equal(StartStatus.Started, started.Status);
        var attempt = started.Attempt!;
        ExamAnswerOutcome last = null!;
        for (int i = 0; i < attempt.Questions.Count; i++)
        {
            var p = i;
            last = await InAsync(async s => await _exams.AnswerAsync(s, attempt.Id, _learnerId, p,
                p < right ? Right(await ExamService.QuestionAsync(s, attempt, p)) : Response.Typed("?")));
        }
        Assert.Equal(ExamAnswerStatus.Finished, last.Status);
        return last.Attempt!;
    }

    private async Task ImportAsync(string pack)
    {
        var report = await Importer.ImportAsync([Samples.Text("digital-safety.yaml", pack)]);
        Assert.True(report.Succeeded, string.Join('\n', report.Errors.Select(e => e.Render(En))));
    }

    // A pack edit that must apply exactly once, or the test would be testing the unedited pack.
    private static string Edit(string text, string old, string replacement)
    {
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, System.Text.RegularExpressions.Regex.Escape(old)));
        return text.Replace(old, replacement, StringComparison.Ordinal);
    }

    // The right response to any question of the sample bank.
    internal static Response Right(Question q) =>
        q.Type == QuestionType.Fill ? Response.Typed(q.Accepted[0]) : Response.Choose([.. q.Correct]);
}

public sealed class SqliteExamTests : ExamSuite
{
    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());
}

[Trait("Category", "Postgres")]
public sealed class PostgresExamTests : ExamSuite
{
    protected override async Task<ITestStore> CreateStoreAsync() => await PostgresTestStore.CreateAsync();
}
