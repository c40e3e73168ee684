using System.Diagnostics;
using System.Globalization;
using System.Text;
using Academy.Learning.Announcements;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Tests.Storage;
using Academy.Tests.Support;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Tests.Announcements;

/// <summary>The announcement domain on each engine: audiences, copies, reads once, the report, and a fan-out at scale.</summary>
public abstract class AnnouncementSuite : StoreTestBase
{
    private static readonly Localizer En = Catalog.Default.For("en");

    private Academy.Learning.Announcements.AnnouncementService Service() =>
        new(new Outbox(Time), Catalog.Default, new LearnerDirectory(Time), Time);

    private async Task<long> AdminAsync(DbSession s) => await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = '+84903100200'");

    [Fact]
    public async Task All_groups_get_one_copy_per_chat_a_group_without_a_chat_is_not_reachable_and_reads_count_once()
    {
        await ImportSamplesAsync();
        var service = Service();
        long id;
        await using (var s = await Db.BeginAsync())
        {
            var directory = new LearnerDirectory(Time);
            foreach (var (code, chat) in new[] { ("HN-01", "-100111"), ("HCM-01", "-100222") })
                await directory.BindGroupChatAsync(s, await s.ExecuteScalarAsync<long>("SELECT id FROM study_groups WHERE code = @code", new { code }),
                    new ChatAddress("telegram", chat));
            id = await service.CreateDraftAsync(s, await AdminAsync(s), new ChatAddress("telegram", "5001"));
            Assert.True(await Academy.Learning.Announcements.AnnouncementService.SetContentAsync(s, id, "Week 2 starts on Monday.", null));
            Assert.True(await Academy.Learning.Announcements.AnnouncementService.SetAudienceAsync(s, id, new Audience(AudienceKind.AllGroups)));
            Assert.Equal(new AudienceSize(3, 2, 20, 1), await Academy.Learning.Announcements.AnnouncementService.SizeAsync(s, new Audience(AudienceKind.AllGroups)));
            var outcome = await service.SendAsync(s, id);
            Assert.Equal(new SendOutcome(2, 20, 1), outcome);
            Assert.Null(await service.SendAsync(s, id)); // sending again queues nothing
            await service.QueueReportAsync(s, id);
            await s.CommitAsync();
        }
        var payloads = await QueryAsync<string>("SELECT payload FROM outbox WHERE idem_key LIKE 'ann/%/telegram/-100%' ORDER BY idem_key");
        Assert.Equal(2, payloads.Count);
        var copy = Outbox.Deserialize(payloads[0]);
        Assert.Equal("Week 2 starts on Monday.", copy.Text);
        Assert.Equal($"ar:{id}", copy.Buttons.Single().Single().Data);
        Assert.Equal("✅ Tôi đã đọc", copy.Buttons.Single().Single().Label); // the group's language

        // One copy is delivered, one refused; two learners read (one twice); a liaison is not in the audience.
        await using (var s = await Db.BeginAsync())
        {
            await s.ExecuteAsync("UPDATE outbox SET status = 'sent', platform_message_id = '9' WHERE idem_key = 'ann/' || @id || '/telegram/-100111'", new { id = id.ToString(CultureInfo.InvariantCulture) });
            await s.ExecuteAsync("UPDATE outbox SET status = 'failed', error = '400 Bad Request: chat not found' WHERE idem_key = 'ann/' || @id || '/telegram/-100222'", new { id = id.ToString(CultureInfo.InvariantCulture) });
            var nhung = await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = '+84913000111'");
            var tuan = await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = '+84914222333'");
            var liaison = await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = '+84912345678'");
            Assert.Equal(ReadOutcome.Recorded, await Academy.Learning.Announcements.AnnouncementService.RecordReadAsync(s, id, nhung, Time.GetUtcNow()));
            Assert.Equal(ReadOutcome.AlreadyRecorded, await Academy.Learning.Announcements.AnnouncementService.RecordReadAsync(s, id, nhung, Time.GetUtcNow()));
            Assert.Equal(ReadOutcome.Recorded, await Academy.Learning.Announcements.AnnouncementService.RecordReadAsync(s, id, tuan, Time.GetUtcNow()));
            Assert.Equal(ReadOutcome.NotAddressed, await Academy.Learning.Announcements.AnnouncementService.RecordReadAsync(s, id, liaison, Time.GetUtcNow()));
            Assert.Equal(ReadOutcome.Unknown, await Academy.Learning.Announcements.AnnouncementService.RecordReadAsync(s, id + 99, nhung, Time.GetUtcNow()));
            Time.Advance(TimeSpan.FromSeconds(5));
            Assert.Equal([id], await Academy.Learning.Announcements.AnnouncementService.ReportsDueAsync(s, Time.GetUtcNow() - TimeSpan.FromSeconds(3)));
            Assert.True(await service.RefreshReportAsync(s, id));
            Assert.False(await service.RefreshReportAsync(s, id)); // nothing changed since: no edit
            await s.CommitAsync();
        }
        await using (var s = await Db.BeginReadAsync())
        {
            var a = (await Academy.Learning.Announcements.AnnouncementService.GetAsync(s, id))!;
            Assert.Equal(AnnouncementStatus.Sent, a.Status);
            var report = await DeliveryReport.ComputeAsync(s, a);
            // SH-01 has no chat: its 6 learners got no copy, so they are listed apart and not counted as unread.
            Assert.Equal((2, 1, 0, 1, 1, 14, 2, 12, 6), (report.Copies, report.Sent, report.Pending, report.Failed, report.NotReachable, report.Learners, report.Read, report.NotReadCount, report.Unreached));
            Assert.Equal(new FailureReason("failed", "400 Bad Request: chat not found", 1), report.Failures.Single());
            var text = report.Render(En);
            Assert.Contains("Not reachable (no bound chat): 1 group\n6 learners in those groups got no copy and are not counted below\n", text, StringComparison.Ordinal);
            Assert.Contains("Read: 2 of 14 learners", text, StringComparison.Ordinal);
            Assert.Contains("and 2 more", text, StringComparison.Ordinal); // 10 names shown of 12
        }
        var edit = Outbox.Deserialize(await ScalarAsync<string>("SELECT payload FROM outbox WHERE idem_key = @key", new { key = $"ann/{id}/report/v1" }));
        Assert.Equal($"ann/{id}/report", edit.Edits);
        Assert.Contains("Đã gửi hết các bản", edit.Text, StringComparison.Ordinal); // in the admin's language
    }

    [Fact]
    public async Task All_learners_privately_take_each_ones_latest_reachable_chat_and_list_the_rest_as_not_reachable()
    {
        await ImportSamplesAsync();
        var service = Service();
        await using var s = await Db.BeginAsync();
        var learners = (await s.QueryAsync<long>("SELECT learner_id FROM enrollments WHERE role = 'learner' ORDER BY learner_id")).ToList();
        await s.ExecuteAsync("INSERT INTO channel_identities (channel, external_id, learner_id, linked_at) VALUES ('telegram', '7001', @l, 1), ('playground', 'p-a', @l, 2)", new { l = learners[0] });
        await s.ExecuteAsync("INSERT INTO channel_identities (channel, external_id, learner_id, linked_at, unreachable_at) VALUES ('telegram', '7002', @l, 1, 5)", new { l = learners[1] });
        await s.ExecuteAsync("INSERT INTO channel_identities (channel, external_id, learner_id, linked_at) VALUES ('telegram', '7003', @l, 1)", new { l = learners[2] });
        var id = await service.CreateDraftAsync(s, await AdminAsync(s), new ChatAddress("telegram", "5001"));
        await Academy.Learning.Announcements.AnnouncementService.SetContentAsync(s, id, "", new Attachment(AttachmentKind.Document, "timetable.pdf", PlatformFileId: "BQAC9", PlatformChannel: "telegram"));
        await Academy.Learning.Announcements.AnnouncementService.SetAudienceAsync(s, id, new Audience(AudienceKind.Learners));
        Assert.Equal(new SendOutcome(2, 20, 18), await service.SendAsync(s, id));
        var copies = (await s.QueryAsync<(string Channel, string ChatId, string Payload)>(
            "SELECT c.channel, c.chat_id, o.payload FROM announcement_copies c JOIN outbox o ON o.idem_key = c.outbox_key ORDER BY c.channel")).ToList();
        Assert.Equal([("playground", "p-a"), ("telegram", "7003")], copies.Select(c => (c.Channel, c.ChatId)));
        // A Telegram file cannot go to the playground: there the copy names it; on Telegram it goes by its file id.
        Assert.Null(Outbox.Deserialize(copies[0].Payload).Attachment);
        Assert.Contains("timetable.pdf", Outbox.Deserialize(copies[0].Payload).Text, StringComparison.Ordinal);
        Assert.Equal("BQAC9", Outbox.Deserialize(copies[1].Payload).Attachment!.PlatformFileId);
    }

    [Fact]
    public async Task Reads_count_only_learners_a_copy_reached_and_those_it_could_not_reach_are_listed_apart()
    {
        await ImportSamplesAsync();
        var service = Service();
        long groups, learners;
        await using (var s = await Db.BeginAsync())
        {
            var hanoi = await s.ExecuteScalarAsync<long>("SELECT id FROM study_groups WHERE code = 'HN-01'");
            var shanghai = await s.ExecuteScalarAsync<long>("SELECT id FROM study_groups WHERE code = 'SH-01'");
            await new LearnerDirectory(Time).BindGroupChatAsync(s, hanoi, new ChatAddress("telegram", "-100111")); // SH-01 has no chat
            groups = await service.CreateDraftAsync(s, await AdminAsync(s), new ChatAddress("telegram", "5001"));
            await Academy.Learning.Announcements.AnnouncementService.SetContentAsync(s, groups, "Hanoi and Shanghai.", null);
            await Academy.Learning.Announcements.AnnouncementService.SetAudienceAsync(s, groups, new Audience(AudienceKind.Groups, GroupIds: [hanoi, shanghai]));
            Assert.Equal(new SendOutcome(1, 13, 1), await service.SendAsync(s, groups));
            // A private audience: two of the twenty learners have a private chat with the bot.
            var ids = (await s.QueryAsync<long>("SELECT learner_id FROM enrollments WHERE role = 'learner' ORDER BY learner_id")).ToList();
            await s.ExecuteAsync("INSERT INTO channel_identities (channel, external_id, learner_id, linked_at) VALUES ('telegram', '7001', @a, 1), ('telegram', '7002', @b, 1)",
                new { a = ids[0], b = ids[1] });
            learners = await service.CreateDraftAsync(s, await AdminAsync(s), new ChatAddress("telegram", "5001"));
            await Academy.Learning.Announcements.AnnouncementService.SetContentAsync(s, learners, "Everyone.", null);
            await Academy.Learning.Announcements.AnnouncementService.SetAudienceAsync(s, learners, new Audience(AudienceKind.Learners));
            Assert.Equal(new SendOutcome(2, 20, 18), await service.SendAsync(s, learners));
            var nhung = await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = '+84913000111'");
            Assert.Equal(ReadOutcome.Recorded, await Academy.Learning.Announcements.AnnouncementService.RecordReadAsync(s, groups, nhung, Time.GetUtcNow()));
            await s.CommitAsync();
        }
        await using (var s = await Db.BeginReadAsync())
        {
            var report = await DeliveryReport.ComputeAsync(s, (await Academy.Learning.Announcements.AnnouncementService.GetAsync(s, groups))!);
            Assert.Equal((7, 1, 6, 6), (report.Learners, report.Read, report.NotReadCount, report.Unreached));
            var hanoiNames = (await s.QueryAsync<string>(
                "SELECT l.name FROM enrollments e JOIN learners l ON l.id = e.learner_id JOIN study_groups g ON g.id = e.group_id WHERE g.code = 'HN-01' AND e.role = 'learner' AND l.phone <> '+84913000111' ORDER BY l.name")).ToList();
            Assert.Equal(hanoiNames.Order(StringComparer.Ordinal), report.NotRead.Order(StringComparer.Ordinal)); // no Shanghai learner is "not read yet"
            var text = report.Render(En);
            Assert.Contains("Not reachable (no bound chat): 1 group\n6 learners in those groups got no copy and are not counted below\nRead: 1 of 7 learners\n", text, StringComparison.Ordinal);

            // A private audience: only those with a copy are counted; the rest are the "not reachable" line already.
            var privately = await DeliveryReport.ComputeAsync(s, (await Academy.Learning.Announcements.AnnouncementService.GetAsync(s, learners))!);
            Assert.Equal((2, 0, 2, 18, 18), (privately.Learners, privately.Read, privately.NotReadCount, privately.NotReachable, privately.Unreached));
            var privateText = privately.Render(En);
            Assert.Contains("Not reachable (no private chat with the bot): 18 learners\nRead: 0 of 2 learners", privateText, StringComparison.Ordinal);
            Assert.DoesNotContain("got no copy", privateText, StringComparison.Ordinal);

            // The dashboard's figures are the same.
            var figures = (await Academy.Learning.Announcements.AnnouncementFigures.LatestAsync(s, null)).ToDictionary(f => f.Id);
            Assert.Equal((7, 1), (figures[groups].Audience, figures[groups].Read));
            Assert.Equal((2, 0), (figures[learners].Audience, figures[learners].Read));
            var hanoiOnly = (await Academy.Learning.Announcements.AnnouncementFigures.LatestAsync(s,
                [await s.ExecuteScalarAsync<long>("SELECT id FROM study_groups WHERE code = 'HN-01'")])).Single(f => f.Id == groups);
            Assert.Equal((7, 1), (hanoiOnly.Audience, hanoiOnly.Read));
        }
    }

    [Fact]
    public async Task A_cancelled_announcement_never_sends_and_a_sent_one_cannot_be_cancelled()
    {
        await ImportSamplesAsync();
        var service = Service();
        await using var s = await Db.BeginAsync();
        var id = await service.CreateDraftAsync(s, await AdminAsync(s), new ChatAddress("telegram", "5001"));
        await Academy.Learning.Announcements.AnnouncementService.SetContentAsync(s, id, "Later.", null);
        await Academy.Learning.Announcements.AnnouncementService.SetAudienceAsync(s, id, new Audience(AudienceKind.AllGroups));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => service.ScheduleAsync(s, id, Time.GetUtcNow().AddMinutes(-1)));
        Assert.True(await service.ScheduleAsync(s, id, Time.GetUtcNow().AddHours(1)));
        Assert.True(await Academy.Learning.Announcements.AnnouncementService.CancelAsync(s, id));
        Assert.Null(await service.SendAsync(s, id));
        Assert.Equal(0, await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM announcement_copies"));
        Assert.False(await Academy.Learning.Announcements.AnnouncementService.SetContentAsync(s, id, "Changed.", null));
    }

    [Fact]
    public async Task Twenty_eight_hundred_group_chats_are_queued_in_seconds()
    {
        await ImportSamplesAsync();
        await using var s = await Db.BeginAsync();
        var cohort = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts");
        for (var batch = 0; batch < 2800; batch += 100)
        {
            var sql = new StringBuilder("INSERT INTO study_groups (cohort_id, code, name, language) VALUES ");
            sql.AppendJoin(',', Enumerable.Range(batch, 100).Select(i => $"({cohort}, 'X-{i:D4}', 'County {i}', 'vi')"));
            await s.ExecuteAsync(sql.ToString());
        }
        await s.ExecuteAsync("INSERT INTO group_chats (channel, chat_id, group_id, active, bound_at) SELECT 'telegram', '-9' || id, id, 1, 0 FROM study_groups WHERE code LIKE 'X-%'");
        var service = Service();
        var id = await service.CreateDraftAsync(s, await AdminAsync(s), new ChatAddress("telegram", "5001"));
        await Academy.Learning.Announcements.AnnouncementService.SetContentAsync(s, id, "National session at 14:00.", null);
        await Academy.Learning.Announcements.AnnouncementService.SetAudienceAsync(s, id, new Audience(AudienceKind.Cohort, CohortId: cohort));
        var clock = Stopwatch.StartNew();
        var outcome = await service.SendAsync(s, id);
        await service.QueueReportAsync(s, id);
        await s.CommitAsync();
        clock.Stop();
        Assert.Equal(new SendOutcome(2800, 20, 3), outcome); // the three sample groups have no chat here
        Assert.Equal(2800, await ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE idem_key LIKE 'ann/%/telegram/%'"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"queuing 2,800 copies took {clock.Elapsed}");
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? param = null)
    {
        await using var s = await Db.BeginReadAsync();
        return (await s.QueryAsync<T>(sql, param)).ToList();
    }
}

public sealed class SqliteAnnouncementTests : AnnouncementSuite
{
    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());
}

[Trait("Category", "Postgres")]
public sealed class PostgresAnnouncementTests : AnnouncementSuite
{
    protected override async Task<ITestStore> CreateStoreAsync() => await PostgresTestStore.CreateAsync();
}
