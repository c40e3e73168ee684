using Academy.Learning.Exports;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Statistics;
using Academy.Learning.Storage;
using Academy.Tests.Storage;
using Academy.Tests.Support;
using Academy.Learning.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;

namespace Academy.Tests.Reporting;

/// <summary>The per-learner quiz figures, nudges and the day's summary table, on every engine (seeded by <see cref="LiaisonDay"/>).</summary>
public abstract class LiaisonDaySuite : StoreTestBase
{
    private LiaisonDay.Seed _seed = null!;
    private Outbox _outbox = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ImportSamplesAsync();
        _outbox = new Outbox(Time);
        await using var s = await Db.BeginAsync();
        _seed = await LiaisonDay.SeedAsync(s, new Programme(_outbox, Catalog.Default, Time), Record);
        await s.CommitAsync();
    }

    [Fact]
    public async Task Learner_quizzes_count_each_learners_answers_and_right_answers_of_the_groups_day()
    {
        await using var s = await Db.BeginReadAsync();
        var quizzes = await ProgrammeStatistics.LearnerQuizzesAsync(s, _seed.CohortId, 1, _seed.GroupId);
        var nhung = await LiaisonDay.IdAsync(s, LiaisonDay.Nhung);
        var tuan = await LiaisonDay.IdAsync(s, LiaisonDay.Tuan);
        Assert.Equal(2, quizzes.Count);
        Assert.Equal(new LearnerQuiz(nhung, 2, 1), quizzes[nhung]);
        Assert.Equal(new LearnerQuiz(tuan, 1, 1), quizzes[tuan]);
        var otherGroup = await s.ExecuteScalarAsync<long>("SELECT id FROM study_groups WHERE code = 'SH-01'");
        Assert.Empty(await ProgrammeStatistics.LearnerQuizzesAsync(s, _seed.CohortId, 1, otherGroup));
        Assert.Empty(await ProgrammeStatistics.LearnerQuizzesAsync(s, _seed.CohortId, 2, _seed.GroupId));
    }

    [Fact]
    public async Task Nudges_go_once_to_the_reachable_missing_on_the_askers_channel_first_and_only_while_check_in_is_open()
    {
        await using (var s = await Db.BeginAsync())
        {
            async Task Link(string phone, string channel, string id, long at, long? unreachable = null) => await s.ExecuteAsync(
                "INSERT INTO channel_identities (channel, external_id, learner_id, linked_at, unreachable_at) VALUES (@channel, @id, @learner, @at, @unreachable)",
                new { channel, id, learner = await LiaisonDay.IdAsync(s, phone), at, unreachable });
            await Link(LiaisonDay.Bao, "telegram", "501", 1);
            await Link(LiaisonDay.Tram, "telegram", "502", 2);
            await Link(LiaisonDay.Tram, "playground", "p-tram", 1); // older link, but the asker's channel
            await Link(LiaisonDay.Ha, "telegram", "503", 1, unreachable: 5);
            await s.ExecuteAsync("UPDATE learners SET language = 'zh-Hans' WHERE phone = @p", new { p = LiaisonDay.Tram });
            await s.CommitAsync();
        }
        var nudges = new Nudges(_outbox, Catalog.Default, Time);
        var cohort = await CohortAsync();
        NudgeOutcome first, second;
        await using (var s = await Db.BeginAsync())
        {
            first = await nudges.NudgeMissingAsync(s, cohort, _seed.GroupId, 1, null, "playground");
            await s.CommitAsync();
        }
        Assert.True(first.WindowOpen);
        Assert.Equal(6, first.Missing);
        Assert.Equal(["Đặng Quốc Bảo", "Đỗ Ngọc Trâm"], first.Nudged);
        Assert.Equal(
            [(LiaisonDay.Attack, Unreachable.NeverStarted), ("Bùi Thị Lan", Unreachable.NeverStarted), ("Hoàng Đức Anh", Unreachable.NeverStarted), ("Vũ Thu Hà", Unreachable.Blocked)],
            first.Unreachable.Select(u => (u.Name, u.Reason)));
        var sent = (await QueryPayloadsAsync()).ToDictionary(m => m.To.ChatId);
        Assert.Equal(["501", "p-tram"], sent.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("playground", sent["p-tram"].To.Channel);
        Assert.StartsWith("Đỗ Ngọc Trâm，来自学习小组 河内 1 组", sent["p-tram"].Text, StringComparison.Ordinal);
        Assert.StartsWith("Đặng Quốc Bảo ơi, nhóm học Nhóm Hà Nội 1", sent["501"].Text, StringComparison.Ordinal); // no choice of his own: the group's

        Time.Advance(TimeSpan.FromHours(2));
        await using (var s = await Db.BeginAsync())
        {
            second = await nudges.NudgeMissingAsync(s, cohort, _seed.GroupId, 1, null, "telegram");
            await s.CommitAsync();
        }
        Assert.Empty(second.Nudged);
        Assert.Equal(["Đặng Quốc Bảo", "Đỗ Ngọc Trâm"], second.AlreadyNudged);
        Assert.Equal(2, await CountAsync("outbox"));
        await using (var s = await Db.BeginReadAsync())
        {
            var when = await CheckInStore.NudgedAtAsync(s, _seed.CohortId, _seed.GroupId, 1);
            Assert.Equal([DateTimeOffset.Parse("2026-12-01T02:00:00Z")], when.Values.Distinct());
        }

        Time.Set(DateTimeOffset.Parse("2026-12-01T14:30:00Z")); // 21:30 local: check-in closed at 21:00
        await using (var s = await Db.BeginAsync())
        {
            await s.ExecuteAsync("DELETE FROM nudges");
            var closed = await nudges.NudgeMissingAsync(s, cohort, _seed.GroupId, 1, null, null);
            Assert.False(closed.WindowOpen);
            Assert.Empty(closed.Nudged);
            Assert.Equal(0, await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM nudges"));
        }
    }

    [Fact]
    public async Task The_summary_table_lists_every_learner_with_times_quiz_and_notes()
    {
        await using (var s = await Db.BeginAsync())
        {
            await s.ExecuteAsync("INSERT INTO nudges (cohort_id, learner_id, day, group_id, nudged_by, channel, nudged_at) VALUES (@c, @l, 1, @g, NULL, 'telegram', @at)",
                new { c = _seed.CohortId, l = _seed.AttackerId, g = _seed.GroupId, at = DateTimeOffset.Parse("2026-12-01T07:05:00Z").ToUnixTimeMilliseconds() });
            await s.CommitAsync();
        }
        await using var read = await Db.BeginReadAsync();
        var table = await DaySummary.BuildAsync(read, await CohortAsync(), _seed.GroupId, 1, Catalog.Default.For("vi"));
        Assert.Equal("HN-01 ngày 1", table.Title);
        Assert.Equal(["Học viên", "Giờ điểm danh", "Câu đúng", "Câu đã trả lời (trên 3)", "Bài thi", "Ghi chú"], table.Headers);
        Assert.Equal(8, table.Rows.Count);
        Assert.Equal([LiaisonDay.Attack, null, 0, 0, "chưa có", "đã nhắc lúc 14:05"], table.Rows[0]);
        Assert.Equal(["Lê Thị Hồng Nhung", new TimeOnly(9, 0), 1, 2, "chưa có", null], table.Rows[3]);
        Assert.Equal(["Phạm Minh Tuấn", new TimeOnly(9, 0), 1, 1, "chưa có", null], table.Rows[4]);
        Assert.Equal("HN-01-day-1.xlsx", DaySummary.FileName("HN-01", 1, "xlsx"));
        Assert.Equal("a-b-day-2.csv", DaySummary.FileName("a/b", 2, "csv"));
    }

    private async Task<StoredCohort> CohortAsync()
    {
        await using var s = await Db.BeginReadAsync();
        return (await CohortStore.GetAsync(s, _seed.CohortId))!;
    }

    private async Task<List<OutgoingMessage>> QueryPayloadsAsync()
    {
        await using var s = await Db.BeginReadAsync();
        return (await s.QueryAsync<string>("SELECT payload FROM outbox WHERE idem_key LIKE '%/nudge/%'")).Select(Outbox.Deserialize).ToList();
    }
}

public sealed class SqliteLiaisonDaySuite : LiaisonDaySuite
{
    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());
}

[Trait("Category", "Postgres")]
public sealed class PostgresLiaisonDaySuite : LiaisonDaySuite
{
    protected override async Task<ITestStore> CreateStoreAsync() => await PostgresTestStore.CreateAsync();
}
