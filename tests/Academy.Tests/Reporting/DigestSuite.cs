using System.Text;
using System.Xml.Linq;
using Academy.Learning.Daily;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Statistics;
using Academy.Learning.Storage;
using Academy.Tests.Storage;
using Academy.Tests.Support;
using Academy.Learning.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Tests.Reporting;

/// <summary>
/// Statistics and digests against a seeded sample cohort, on every engine. Days 1 and 2 are closed
/// (statuses recorded); day 3 is today, still open.
///   HN-01 (7 learners, by name L0..L6): day 1 statuses for L0..L5 only (L6 joined later), L0..L4 in;
///          day 2 L0..L5 in; day 3 L1, L2, L3 in so far. Quiz of day 3: q1 answered by L1 ✓ L2 ✓ L3 ✗,
///          q2 by L1 ✗ L2 ✗.
///   HCM-01 (7): nobody checks in. SH-01 (6): everybody, every day.
/// </summary>
public abstract class DigestSuite : StoreTestBase
{
    private long _cohortId;
    private readonly Dictionary<string, long> _groups = [];
    private readonly Dictionary<string, List<(long Id, string Name)>> _learners = [];
    private long _hung, _wang, _ngan, _maiAnh;

    private IReadOnlyList<(long Id, string Name)> Hn => _learners["HN-01"];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ImportSamplesAsync();
        await using var s = await Db.BeginAsync();
        _cohortId = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts WHERE code = 'sample-2026'");
        foreach (var (id, code) in await s.QueryAsync<(long, string)>("SELECT id, code FROM study_groups"))
        {
            _groups[code] = id;
            _learners[code] = (await s.QueryAsync<(long, string)>(
                "SELECT l.id, l.name FROM enrollments e JOIN learners l ON l.id = e.learner_id WHERE e.group_id = @id AND e.role = 'learner'",
                new { id })).OrderBy(l => l.Item2, StringComparer.Ordinal).ToList();
        }
        _hung = await IdOf(s, "+84912345678");
        _wang = await IdOf(s, "+8613800138000");
        _ngan = await IdOf(s, "+84908765432");
        _maiAnh = await IdOf(s, "+84903100200");

        var hn = Hn;
        async Task Status(string group, long learner, int day, bool checkedIn) => await s.ExecuteAsync(
            "INSERT INTO day_status (cohort_id, learner_id, day, group_id, status, recorded_at) VALUES (@_cohortId, @learner, @day, @g, @status, 0)",
            new { _cohortId, learner, day, g = _groups[group], status = checkedIn ? "checked_in" : "missed" });
        async Task CheckIn(long learner, int day, int hour = 9) => await s.ExecuteAsync(
            "INSERT INTO checkins (cohort_id, learner_id, day, local_date, checked_in_at) VALUES (@_cohortId, @learner, @day, @date, @at)",
            new { _cohortId, learner, day, date = $"2026-12-0{day}",
                  at = new DateTimeOffset(2026, 12, day, hour, 15, 0, TimeSpan.FromHours(7)).ToUnixTimeMilliseconds() });

        for (var i = 0; i <= 5; i++) { await Status("HN-01", hn[i].Id, 1, i <= 4); if (i <= 4) await CheckIn(hn[i].Id, 1); }
        for (var i = 0; i <= 6; i++) { await Status("HN-01", hn[i].Id, 2, i <= 5); if (i <= 5) await CheckIn(hn[i].Id, 2); }
        for (var i = 1; i <= 3; i++) await CheckIn(hn[i].Id, 3, 8 + i);
        foreach (var (id, _) in _learners["HCM-01"]) { await Status("HCM-01", id, 1, false); await Status("HCM-01", id, 2, false); }
        foreach (var (id, _) in _learners["SH-01"])
            for (var day = 1; day <= 3; day++) { if (day < 3) await Status("SH-01", id, day, true); await CheckIn(id, day); }

        var q1 = await Question(s, "pw-01", 3, "HN-01");
        var q2 = await Question(s, "pw-02", 3, "HN-01");
        await Answer(s, q1, hn[1].Id, true);
        await Answer(s, q1, hn[2].Id, true);
        await Answer(s, q1, hn[3].Id, false);
        await Answer(s, q2, hn[1].Id, false);
        await Answer(s, q2, hn[2].Id, false);

        // Private chats: Hùng and Wang started the bot; Ngân (HCM-01's liaison) never did.
        await Link(s, "telegram", "5001", _hung);
        await Link(s, "telegram", "5002", _wang);
        await Link(s, "telegram", "5000", _maiAnh);
        await s.CommitAsync();
    }

    private static Task<long> IdOf(DbSession s, string phone) =>
        s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = @phone", new { phone });

    private static Task Link(DbSession s, string channel, string externalId, long learnerId) => s.ExecuteAsync(
        "INSERT INTO channel_identities (channel, external_id, learner_id, linked_at) VALUES (@channel, @externalId, @learnerId, 0)",
        new { channel, externalId, learnerId });

    private async Task<long> Question(DbSession s, string code, int day, string group)
    {
        var questionId = await s.ExecuteScalarAsync<long>("SELECT id FROM questions WHERE code = @code", new { code });
        return await Record.RecordDeliveryAsync(s, new Delivery($"c{_cohortId}/d{day}/question/g{_groups[group]}/q{questionId}",
            _cohortId, _groups[group], null, day, DeliveryKind.Question, QuestionId: questionId));
    }

    private async Task Answer(DbSession s, long deliveryId, long learnerId, bool correct) => await s.ExecuteAsync(
        """
        INSERT INTO answers (delivery_id, learner_id, cohort_id, question_id, response, correct, answered_at)
        SELECT id, @learnerId, cohort_id, question_id, '[]', @correct, 0 FROM deliveries WHERE id = @deliveryId
        """, new { deliveryId, learnerId, correct = correct ? 1 : 0 });

    private async Task<StoredCohort> CohortAsync(DbSession s) => (await CohortStore.GetAsync(s, _cohortId))!;

    [Fact]
    public async Task A_groups_open_day_names_who_checked_in_who_missed_with_streaks_and_the_quiz()
    {
        await using var s = await Db.BeginReadAsync();
        var report = Assert.Single(await ProgrammeStatistics.GroupDaysAsync(s, _cohortId, 3, _groups["HN-01"]));
        Assert.False(report.Closed);
        Assert.Equal(7, report.Enrolled);
        Assert.Equal([Hn[1].Name, Hn[2].Name, Hn[3].Name], report.CheckedIn.Select(c => c.Name));
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 9, 15, 0, TimeSpan.FromHours(7)), report.CheckedIn[0].At);
        Assert.Equal(
            [(Hn[0].Name, 2), (Hn[4].Name, 2), (Hn[5].Name, 1), (Hn[6].Name, 0)],
            report.Missed.Select(m => (m.Name, m.Streak)));
        Assert.Equal(3, report.QuizParticipants);
        Assert.Equal([(3, 2), (2, 0)], report.Questions.Select(q => (q.Answers, q.Correct)));
        Assert.Equal(["pw-01", "pw-02"], report.Questions.Select(q => q.Code));
        Assert.Equal(0.4, report.Accuracy);
    }

    [Fact]
    public async Task A_closed_day_reads_the_statuses_recorded_at_the_close()
    {
        await using var s = await Db.BeginReadAsync();
        var day1 = Assert.Single(await ProgrammeStatistics.GroupDaysAsync(s, _cohortId, 1, _groups["HN-01"]));
        Assert.True(day1.Closed);
        Assert.Equal(6, day1.Enrolled); // L6 joined after day 1 closed
        Assert.Equal(5, day1.CheckedIn.Count);
        Assert.Equal([Hn[5].Name], day1.Missed.Select(m => m.Name));

        var series = Assert.Single(await ProgrammeStatistics.DailyFiguresAsync(s, _cohortId, 1, 3, _groups["HN-01"]));
        Assert.Equal([(1, 6, 5), (2, 7, 6), (3, 7, 3)], series.Days.Select(d => (d.Day, d.Enrolled, d.CheckedIn)));
        Assert.Equal([null, null, 0.4], series.Days.Select(d => d.Accuracy));
        Assert.Equal([0, 0, 3], series.Days.Select(d => d.QuizParticipants));
    }

    [Fact]
    public async Task Groups_rank_by_check_in_rate_and_the_cohort_trend_sums_them()
    {
        await using var s = await Db.BeginReadAsync();
        var ranking = await ProgrammeStatistics.RankGroupsAsync(s, _cohortId, 1, 3);
        Assert.Equal([(1, "SH-01", 18, 18), (2, "HN-01", 14, 20), (3, "HCM-01", 0, 21)],
            ranking.Select(r => (r.Rank, r.Group.Code, r.Total.CheckedIn, r.Total.Enrolled)));
        Assert.Equal(0.7, ranking[1].Total.CheckInRate);

        var trend = await ProgrammeStatistics.CohortTrendAsync(s, _cohortId, 1, 3);
        Assert.Equal([(1, 11, 19), (2, 12, 20), (3, 9, 20)], trend.Select(d => (d.Day, d.CheckedIn, d.Enrolled)));
    }

    [Fact]
    public async Task Each_reachable_liaison_gets_the_days_digest_in_their_language_with_a_chart()
    {
        await using var s = await Db.BeginReadAsync();
        var cohort = await CohortAsync(s);
        var skipped = new[] { new SkippedItem(ProgrammeItem.Lesson, 3, new DateTimeOffset(2026, 12, 3, 7, 30, 0, TimeSpan.FromHours(7))) };
        var messages = await new Digests(Catalog.Default).LiaisonDigestsAsync(s, cohort, 3, skipped);

        // Ngân never started the bot: no message for HCM-01.
        Assert.Equal(
            [$"c{_cohortId}/d3/digest/g{_groups["HN-01"]}/l{_hung}@telegram", $"c{_cohortId}/d3/digest/g{_groups["SH-01"]}/l{_wang}@telegram"],
            messages.Select(m => m.Key).Order(StringComparer.Ordinal));

        var hung = messages.Single(m => m.Message.To == new ChatAddress("telegram", "5001")).Message;
        var vi = hung.Text!;
        Assert.Contains("Tổng kết ngày 3 — Nhóm Hà Nội 1 (2026-12-03)", vi, StringComparison.Ordinal);
        Assert.Contains("Đã điểm danh: 3/7 (43%)", vi, StringComparison.Ordinal);
        Assert.Contains($"{Hn[1].Name} (09:15)", vi, StringComparison.Ordinal);
        Assert.Contains($"{Hn[0].Name} (đã điểm danh liên tục 2 ngày)", vi, StringComparison.Ordinal);
        Assert.Contains($"Chưa điểm danh (4):", vi, StringComparison.Ordinal);
        Assert.Contains("Trắc nghiệm: 3/7 người trả lời (43%)", vi, StringComparison.Ordinal);
        Assert.Contains("3 câu trả lời, 2 đúng (67%)", vi, StringComparison.Ordinal);
        Assert.Contains("2 câu trả lời, 0 đúng (0%)", vi, StringComparison.Ordinal);
        Assert.Contains("bài học ngày 3, dự kiến lúc 2026-12-03 07:30", vi, StringComparison.Ordinal);
        Assert.DoesNotContain(_learners["SH-01"][0].Name, vi, StringComparison.Ordinal);

        var chart = hung.Attachment!;
        Assert.Equal(AttachmentKind.Image, chart.Kind);
        Assert.EndsWith(".svg", chart.FileName, StringComparison.Ordinal);
        var svg = XDocument.Parse(Encoding.UTF8.GetString(chart.Content!));
        var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        Assert.Contains("Nhóm Hà Nội 1: điểm danh và tỷ lệ trả lời đúng", texts);
        Assert.Contains("83%", texts); // day 1: 5 of 6
        Assert.Contains("86%", texts); // day 2: 6 of 7
        Assert.Contains("43%", texts); // day 3: 3 of 7
        Assert.Contains("40%", texts); // day 3 quiz accuracy

        var wang = messages.Single(m => m.Message.To == new ChatAddress("telegram", "5002")).Message.Text!;
        Assert.Contains("第 3 天小结 — 上海 1 组", wang, StringComparison.Ordinal);
        Assert.Contains("已签到：6/6（100%）", wang, StringComparison.Ordinal);
        Assert.Contains("❌ 未签到（0 人）：\n无", wang.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("当天没有发布测验", wang, StringComparison.Ordinal);
        Assert.Contains("第 3 天课程，原定 2026-12-03 07:30", wang, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_liaison_who_chose_English_reads_English_and_long_lists_are_capped()
    {
        await using (var w = await Db.BeginAsync())
        {
            await w.ExecuteAsync("UPDATE learners SET language = 'en' WHERE id = @_hung", new { _hung });
            var now = 0;
            for (var i = 0; i < 40; i++)
            {
                var id = await w.ExecuteScalarAsync<long>(
                    "INSERT INTO learners (phone, name, created_at) VALUES (@phone, @name, @now) RETURNING id",
                    new { phone = $"+8490000{i:D4}", name = $"Extra {i:D2}", now });
                await w.ExecuteAsync(
                    "INSERT INTO enrollments (cohort_id, learner_id, group_id, role, enrolled_at) VALUES (@_cohortId, @id, @g, 'learner', 0)",
                    new { _cohortId, id, g = _groups["HN-01"] });
            }
            await w.CommitAsync();
        }
        await using var s = await Db.BeginReadAsync();
        var messages = await new Digests(Catalog.Default).LiaisonDigestsAsync(s, await CohortAsync(s), 3, []);
        var en = messages.Single(m => m.Message.To.ChatId == "5001").Message.Text!;
        Assert.Contains("Day 3 digest — Hanoi group 1 (2026-12-03)", en, StringComparison.Ordinal);
        Assert.Contains("Checked in: 3 of 47 (6%)", en, StringComparison.Ordinal);
        Assert.Contains("Did not check in (44):", en, StringComparison.Ordinal);
        Assert.Contains($"{Hn[0].Name} (had a 2-day streak)", en, StringComparison.Ordinal);
        Assert.Contains("… and 14 more", en, StringComparison.Ordinal);
        Assert.DoesNotContain("Extra 39", en, StringComparison.Ordinal);
        Assert.DoesNotContain("Skipped", en, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admins_get_the_weekly_ranking_trend_chart_and_the_unreachable_liaisons()
    {
        await using var s = await Db.BeginReadAsync();
        var messages = await new Digests(Catalog.Default).WeeklyDigestsAsync(s, await CohortAsync(s), 1,
            new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 3), []);
        var weekly = Assert.Single(messages);
        Assert.Equal($"c{_cohortId}/w1/weekly/l{_maiAnh}@telegram", weekly.Key);
        Assert.Equal(new ChatAddress("telegram", "5000"), weekly.Message.To);
        var vi = weekly.Message.Text!;
        Assert.Contains("Báo cáo tuần 1 — An toàn số hằng ngày — Tháng 12/2026 (2026-12-01 – 2026-12-03)", vi, StringComparison.Ordinal);
        Assert.Contains("Tỷ lệ điểm danh 54% (32/59 lượt) trên 3 nhóm", vi, StringComparison.Ordinal);
        var lines = vi.ReplaceLineEndings("\n").Split('\n');
        var first = Array.FindIndex(lines, l => l.StartsWith("1. ", StringComparison.Ordinal));
        Assert.StartsWith("1. Nhóm Thượng Hải 1 — điểm danh 100%", lines[first], StringComparison.Ordinal);
        Assert.StartsWith("2. Nhóm Hà Nội 1 — điểm danh 70%", lines[first + 1], StringComparison.Ordinal);
        Assert.StartsWith("3. Nhóm TP. Hồ Chí Minh 1 — điểm danh 0%", lines[first + 2], StringComparison.Ordinal);
        Assert.Contains("Trương Thị Kim Ngân (Nhóm TP. Hồ Chí Minh 1)", vi, StringComparison.Ordinal);
        Assert.DoesNotContain("Trần Văn Hùng", vi, StringComparison.Ordinal);

        var svg = XDocument.Parse(Encoding.UTF8.GetString(weekly.Message.Attachment!.Content!));
        var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        Assert.Contains("58%", texts); // day 1: 11 of 19
        Assert.Contains("60%", texts); // day 2: 12 of 20
        Assert.Contains("45%", texts); // day 3: 9 of 20
    }
}

public sealed class SqliteDigestSuite : DigestSuite
{
    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());
}

[Trait("Category", "Postgres")]
public sealed class PostgresDigestSuite : DigestSuite
{
    protected override async Task<ITestStore> CreateStoreAsync() => await PostgresTestStore.CreateAsync();
}
