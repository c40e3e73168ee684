using Academy.Learning.Daily;
using Academy.Learning.Localization;
using Academy.Learning.Storage;
using Academy.Learning.Statistics;
using Academy.Tests.Storage;
using Academy.Tests.Support;
using Academy.Learning.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Assessment;

/// <summary>Exam statistics from counted attempts, on every engine.</summary>
public abstract class ExamStatisticsSuite : StoreTestBase
{
    [Fact]
    public async Task Cohort_and_group_figures_count_only_the_counted_attempt_and_put_band_edges_in_the_higher_band()
    {
        await ImportSamplesAsync();
        long cohortId, hanoi;
        List<long> hanoiLearners, others;
        await using (var s = await Db.BeginAsync())
        {
            cohortId = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts");
            hanoi = await s.ExecuteScalarAsync<long>("SELECT id FROM study_groups WHERE code = 'HN-01'");
            hanoiLearners = (await s.QueryAsync<long>("SELECT learner_id FROM enrollments WHERE role = 'learner' AND group_id = @hanoi ORDER BY learner_id", new { hanoi })).ToList();
            others = (await s.QueryAsync<long>("SELECT learner_id FROM enrollments WHERE role = 'learner' AND group_id <> @hanoi ORDER BY learner_id", new { hanoi })).ToList();
            var pre = await ExamSeed.ExamAsync(s, cohortId, "pre", "pre");
            var post = await ExamSeed.ExamAsync(s, cohortId, "post", "post", passMark: 80);
            // The first attempt (50, all wrong) does not count: "best" takes the second.
            await ExamSeed.AttemptAsync(s, post, cohortId, hanoiLearners[0], 1, 50, ("pw-01", 0), ("pw-02", 0));
            await ExamSeed.AttemptAsync(s, post, cohortId, hanoiLearners[0], 2, 100, ("pw-01", 1), ("pw-02", 0));
            await ExamSeed.AttemptAsync(s, post, cohortId, hanoiLearners[1], 1, 90, ("pw-01", 1), ("pw-02", 0.5));
            await ExamSeed.AttemptAsync(s, post, cohortId, others[0], 1, 80);
            await ExamSeed.AttemptAsync(s, post, cohortId, others[1], 1, 60);
            await ExamSeed.AttemptAsync(s, post, cohortId, others[2], 1, 59.9);
            await ExamSeed.AttemptAsync(s, pre, cohortId, hanoiLearners[0], 1, 40);
            await ExamSeed.AttemptAsync(s, pre, cohortId, hanoiLearners[1], 1, 50);
            await ExamSeed.AttemptAsync(s, pre, cohortId, others[0], 1, 30);
            await s.CommitAsync();
        }

        var statistics = new ExamStatistics(new ExamResults());
        ExamReport cohort, group;
        await using (var s = await Db.BeginReadAsync())
        {
            cohort = await statistics.ForCohortAsync(s, cohortId);
            group = await statistics.ForCohortAsync(s, cohortId, [hanoi]);
        }
        var enrolled = hanoiLearners.Count + others.Count;

        Assert.Equal(["pre", "post"], cohort.Exams.Select(e => e.Kind));
        var postFigures = cohort.Exams[1];
        Assert.Equal(enrolled, postFigures.Enrolled);
        Assert.Equal(5, postFigures.Took);
        Assert.Equal(5.0 / enrolled, postFigures.Participation!.Value, 6);
        Assert.Equal((100 + 90 + 80 + 60 + 59.9) / 5, postFigures.Average!.Value, 6);
        Assert.Equal(3.0 / 5, postFigures.PassRate!.Value, 6);
        Assert.Equal(new ScoreBands(1, 1, 1, 1, 1), postFigures.Bands);
        Assert.Equal(3, cohort.Exams[0].Took);

        // pw-01 right in both counted attempts, pw-02 wrong and half right; the uncounted attempt's answers are left out.
        Assert.Equal([("pw-02", 2, 0.25), ("pw-01", 2, 1.0)], cohort.Questions.Select(q => (q.QuestionCode, q.Answered, q.ShareCorrect)));

        var first = cohort.Learners.Single(l => l.LearnerId == hanoiLearners[0]);
        Assert.Equal((40.0, 100.0, 60.0), (first.Pre!.Value, first.Post!.Value, first.Gain!.Value));
        Assert.Equal(3, cohort.BothTaken.Count);
        Assert.Null(cohort.Learners.Single(l => l.LearnerId == others[1]).Gain);

        Assert.Equal(hanoiLearners.Count, group.Exams[1].Enrolled);
        Assert.Equal(2, group.Exams[1].Took);
        Assert.Equal(95, group.Exams[1].Average!.Value, 6);
        Assert.Equal(1.0, group.Exams[1].PassRate!.Value, 6);
        Assert.Equal(new ScoreBands(1, 1, 0, 0, 0), group.Exams[1].Bands);
        Assert.All(group.Learners, l => Assert.Contains(l.LearnerId, hanoiLearners));
    }

    [Fact]
    public async Task The_liaison_digest_and_the_weekly_digest_gain_an_exam_line_once_there_are_results()
    {
        await ImportSamplesAsync();
        var digests = new Digests(Catalog.Default, new ExamStatistics(new ExamResults()));
        await using var s = await Db.BeginAsync();
        var cohortId = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts");
        var cohort = (await CohortStore.GetAsync(s, cohortId))!;
        var hanoi = await s.ExecuteScalarAsync<long>("SELECT id FROM study_groups WHERE code = 'HN-01'");
        foreach (var (phone, id, language) in new[] { ("+84912345678", "7001", "vi"), ("+84903100200", "7002", "en") })
        {
            var learnerId = await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = @phone", new { phone });
            await s.ExecuteAsync("UPDATE learners SET language = @language WHERE id = @learnerId", new { language, learnerId });
            await s.ExecuteAsync("INSERT INTO channel_identities (channel, external_id, learner_id, linked_at) VALUES ('telegram', @id, @learnerId, 0)", new { id, learnerId });
        }
        var before = (await digests.LiaisonDigestsAsync(s, cohort, 1, [])).Single().Message.Text!;
        Assert.DoesNotContain("🏁", before, StringComparison.Ordinal);

        var post = await ExamSeed.ExamAsync(s, cohortId, "post", "post", passMark: 80);
        var hanoiLearners = (await s.QueryAsync<long>("SELECT learner_id FROM enrollments WHERE role = 'learner' AND group_id = @hanoi ORDER BY learner_id", new { hanoi })).ToList();
        var other = await s.ExecuteScalarAsync<long>("SELECT learner_id FROM enrollments WHERE role = 'learner' AND group_id <> @hanoi ORDER BY learner_id LIMIT 1", new { hanoi });
        await ExamSeed.AttemptAsync(s, post, cohortId, hanoiLearners[0], 1, 90, ("pw-01", 1), ("pw-02", 0), ("pw-03", 1), ("pw-04", 1), ("pw-05", 0.5));
        await ExamSeed.AttemptAsync(s, post, cohortId, hanoiLearners[1], 1, 75, ("pw-01", 1), ("pw-02", 0.5), ("pw-03", 0), ("pw-04", 0.5), ("pw-05", 1));
        await ExamSeed.AttemptAsync(s, post, cohortId, other, 1, 100, ("pw-01", 1), ("pw-02", 1), ("pw-03", 1), ("pw-04", 1), ("pw-05", 1));

        // The group's own figures, in the liaison's language (the questions' own Vietnamese text): its score bands and the three questions its learners got right least
        // (pw-05 ties pw-04 at 75% and is left out; pw-01, right every time, is not "hard").
        var liaison = (await digests.LiaisonDigestsAsync(s, cohort, 1, [])).Single().Message.Text!;
        Assert.EndsWith($"""
            🏁 Kiểm tra cuối khóa: 2/{hanoiLearners.Count} người đã làm, điểm trung bình 82.5, tỷ lệ đạt 50%
            Phân bố điểm 100 / ≥90 / ≥80 / ≥60 / <60: 0 / 1 / 0 / 1 / 0
            Câu hỏi khó nhất:
            • Rủi ro chính của việc dùng cùng một mật khẩu trên nhiều trang web là gì? (pw-02): đúng 25%, 2 lượt trả lời
            • Trình quản lý mật khẩu có tác dụng gì? (pw-03): đúng 50%, 2 lượt trả lời
            • Cách tốt nhất để bảo vệ chính trình quản lý mật khẩu là gì? (pw-04): đúng 75%, 2 lượt trả lời
            """, liaison, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-05", liaison, StringComparison.Ordinal);
        var enrolled = await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM enrollments WHERE role = 'learner'");
        var weekly = (await digests.WeeklyDigestsAsync(s, cohort, 1, new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 3), [])).Single().Message.Text!;
        Assert.EndsWith($"""
            🏁 Post-test: 3 of {enrolled} took it, average 88.3, pass rate 67%
            Scores 100 / ≥90 / ≥80 / ≥60 / <60: 1 / 1 / 0 / 1 / 0
            Hardest questions:
            • What is the main risk of using the same password on many websites? (pw-02): 50% right, 3 answered
            • What does a password manager do? (pw-03): 67% right, 3 answered
            • What is the best way to protect the password manager itself? (pw-04): 83% right, 3 answered
            """, weekly, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_digest_names_no_hardest_question_when_everyone_got_every_question_right()
    {
        await ImportSamplesAsync();
        var digests = new Digests(Catalog.Default, new ExamStatistics(new ExamResults()));
        await using var s = await Db.BeginAsync();
        var cohortId = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts");
        var cohort = (await CohortStore.GetAsync(s, cohortId))!;
        var learnerId = await s.ExecuteScalarAsync<long>("SELECT learner_id FROM enrollments WHERE role = 'learner' ORDER BY learner_id LIMIT 1");
        var admin = await s.ExecuteScalarAsync<long>("SELECT learner_id FROM enrollments WHERE role = 'admin' ORDER BY learner_id LIMIT 1");
        await s.ExecuteAsync("UPDATE learners SET language = 'en' WHERE id = @admin", new { admin });
        await s.ExecuteAsync("INSERT INTO channel_identities (channel, external_id, learner_id, linked_at) VALUES ('telegram', '7003', @admin, 0)", new { admin });
        var post = await ExamSeed.ExamAsync(s, cohortId, "post", "post");
        await ExamSeed.AttemptAsync(s, post, cohortId, learnerId, 1, 100, ("pw-01", 1), ("pw-02", 1));

        var weekly = (await digests.WeeklyDigestsAsync(s, cohort, 1, new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 3), [])).Single().Message.Text!;
        Assert.EndsWith("Scores 100 / ≥90 / ≥80 / ≥60 / <60: 1 / 0 / 0 / 0 / 0", weekly, StringComparison.Ordinal);
        Assert.DoesNotContain("Hardest", weekly, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_summary_table_shows_each_learners_counted_exam_results_instead_of_none_yet()
    {
        await ImportSamplesAsync();
        await using var s = await Db.BeginAsync();
        var cohortId = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts");
        var hanoi = await s.ExecuteScalarAsync<long>("SELECT id FROM study_groups WHERE code = 'HN-01'");
        var (learnerId, name) = await s.QuerySingleAsync<(long, string)>(
            "SELECT l.id, l.name FROM enrollments e JOIN learners l ON l.id = e.learner_id WHERE e.role = 'learner' AND e.group_id = @hanoi ORDER BY l.id LIMIT 1", new { hanoi });
        var pre = await ExamSeed.ExamAsync(s, cohortId, "pre", "pre");
        var post = await ExamSeed.ExamAsync(s, cohortId, "post", "post", passMark: 80);
        await ExamSeed.AttemptAsync(s, pre, cohortId, learnerId, 1, 40);
        await ExamSeed.AttemptAsync(s, post, cohortId, learnerId, 1, 92.5);

        var table = await Academy.Learning.Exports.DaySummary.BuildAsync(s, (await CohortStore.GetAsync(s, cohortId))!, hanoi, 1, Catalog.Default.For("en"));
        Assert.Equal("Pre-test 40; Post-test 92.5 ✓", table.Rows.Single(r => (string?)r[0] == name)[4]);
        Assert.All(table.Rows.Where(r => (string?)r[0] != name), r => Assert.Equal("none yet", r[4]));
    }

    [Fact]
    public async Task A_final_exam_stands_for_the_post_test_in_pre_versus_post_and_a_practice_test_in_neither()
    {
        await ImportSamplesAsync();
        await using var s = await Db.BeginAsync();
        var cohortId = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts");
        var learnerId = await s.ExecuteScalarAsync<long>("SELECT learner_id FROM enrollments WHERE role = 'learner' ORDER BY learner_id LIMIT 1");
        var pre = await ExamSeed.ExamAsync(s, cohortId, "pre", "pre");
        var final = await ExamSeed.ExamAsync(s, cohortId, "final", "final");
        var practice = await ExamSeed.ExamAsync(s, cohortId, "a-practice", "practice");
        await ExamSeed.AttemptAsync(s, pre, cohortId, learnerId, 1, 40);
        await ExamSeed.AttemptAsync(s, practice, cohortId, learnerId, 1, 95);
        await ExamSeed.AttemptAsync(s, final, cohortId, learnerId, 1, 70);

        var report = await new ExamStatistics(new ExamResults()).ForCohortAsync(s, cohortId);
        var mine = report.Learners.Single(l => l.LearnerId == learnerId);
        Assert.Equal((40.0, 70.0, 30.0), (mine.Pre!.Value, mine.Post!.Value, mine.Gain!.Value));
        Assert.Equal(["pre", "final", "practice"], report.Exams.Select(e => e.Kind));
    }

    [Fact]
    public async Task A_cohort_without_exam_results_reports_none()
    {
        await ImportSamplesAsync();
        await using var s = await Db.BeginAsync();
        var cohortId = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts");
        await ExamSeed.ExamAsync(s, cohortId, "post", "post");
        var report = await new ExamStatistics(new ExamResults()).ForCohortAsync(s, cohortId);
        Assert.False(report.HasResults);
        Assert.Equal(0, report.Exams.Single().Took);
        Assert.Null(report.Exams.Single().Average);
        Assert.Empty(report.Questions);
    }
}

public sealed class SqliteExamStatisticsTests : ExamStatisticsSuite
{
    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());
}

[Trait("Category", "Postgres")]
public sealed class PostgresExamStatisticsTests : ExamStatisticsSuite
{
    protected override async Task<ITestStore> CreateStoreAsync() => await PostgresTestStore.CreateAsync();
}
