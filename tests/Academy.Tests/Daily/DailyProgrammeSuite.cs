using Academy.Learning.Daily;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Tests.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Tests.Daily;

/// <summary>
/// The daily programme run by its plan on a fake clock, on each engine (classes at the end of the
/// file): every group gets each moment once, whatever fires twice, late or concurrently.
/// </summary>
public abstract class DailyProgrammeSuite : StoreTestBase
{
    private ServiceProvider _services = null!;
    private DailyProgramme Daily => _services.GetRequiredService<DailyProgramme>();
    private StoredCohort Cohort { get; set; } = null!;
    private Dictionary<string, long> Groups { get; set; } = [];

    // The three sample groups on Telegram; Hanoi also has a playground chat.
    private static readonly (string Group, string Channel, string ChatId)[] Chats =
        [("HN-01", "telegram", "-100101"), ("HN-01", "playground", "hn"), ("HCM-01", "telegram", "-100102"), ("SH-01", "telegram", "-100103")];

    private async Task SetUpAsync()
    {
        await ImportSamplesAsync();
        var services = new ServiceCollection();
        services.AddSingleton(Db);
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton(Catalog.Default);
        services.AddSingleton(Record);
        services.AddSingleton<Outbox>();
        services.AddSingleton<LearnerDirectory>();
        services.AddSingleton<Programme>();
        services.AddSingleton<Digests>();
        services.AddSingleton<DailyProgramme>();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        _services = services.BuildServiceProvider();

        var directory = _services.GetRequiredService<LearnerDirectory>();
        await using var s = await Db.BeginAsync();
        Cohort = (await CohortStore.GetByCodeAsync(s, "sample-2026"))!;
        Groups = (await s.QueryAsync<(string Code, long Id)>("SELECT code, id FROM study_groups")).ToDictionary(g => g.Code, g => g.Id);
        foreach (var (group, channel, chatId) in Chats)
            await directory.BindGroupChatAsync(s, Groups[group], new ChatAddress(channel, chatId));
        await s.CommitAsync();
    }

    private PlannedItem Planned(ProgrammeItem item, int day) => ProgrammePlan.Find(Cohort, item, day)!;

    private async Task<RunResult> RunAtAsync(ProgrammeItem item, int day, TimeSpan? after = null)
    {
        Time.Set(Planned(item, day).At + (after ?? TimeSpan.Zero));
        return await Daily.RunAsync(Cohort.Id, item, day);
    }

    private async Task<List<(string Key, string ChatId, OutgoingMessage Message)>> OutboxAsync(string likeKey = "%")
    {
        await using var s = await Db.BeginReadAsync();
        var rows = await s.QueryAsync<(string Key, string ChatId, string Payload)>(
            "SELECT idem_key, chat_id, payload FROM outbox WHERE idem_key LIKE @likeKey ORDER BY id", new { likeKey });
        return rows.Select(r => (r.Key, r.ChatId, Outbox.Deserialize(r.Payload))).ToList();
    }

    private async Task<List<T>> QueryAsync<T>(string sql, object? param = null)
    {
        await using var s = await Db.BeginReadAsync();
        return (await s.QueryAsync<T>(sql, param)).ToList();
    }

    private async Task CheckInAsync(params string[] phones)
    {
        var directory = _services.GetRequiredService<LearnerDirectory>();
        await using var s = await Db.BeginAsync();
        foreach (var phone in phones)
        {
            var learner = (await directory.FindByPhoneAsync(s, phone))!;
            Assert.Equal(CheckInStatus.Recorded, (await Record.CheckInAsync(s, Cohort.Id, learner.Id)).Status);
        }
        await s.CommitAsync();
    }

    private async Task<List<string>> LearnerNamesAsync(string group) =>
        await QueryAsync<string>(
            """
            SELECT l.name FROM enrollments e JOIN learners l ON l.id = e.learner_id JOIN study_groups g ON g.id = e.group_id
            WHERE g.code = @group AND e.role = 'learner' ORDER BY e.id
            """, new { group });

    [Fact]
    public async Task Walking_the_plan_gives_every_group_chat_each_moment_once_and_a_second_run_nothing()
    {
        await SetUpAsync();
        var plan = ProgrammePlan.For(Cohort).Where(i => i.Item is not (ProgrammeItem.LiaisonDigest or ProgrammeItem.WeeklyDigest)).ToList();
        foreach (var planned in plan)
        {
            Time.Set(planned.At);
            var first = await Daily.RunAsync(Cohort.Id, planned.Item, planned.Day);
            Assert.Equal(RunOutcome.Done, first.Outcome);
            var rows = await CountAsync("outbox");
            Assert.Equal(new RunResult(RunOutcome.AlreadyDone, 0, 0), await Daily.RunAsync(Cohort.Id, planned.Item, planned.Day));
            Assert.Equal(rows, await CountAsync("outbox"));
        }

        var outbox = await OutboxAsync();
        foreach (var (group, channel, chatId) in Chats)
        {
            var mine = outbox.Where(o => o.ChatId == chatId).ToList();
            for (int day = 1; day <= Cohort.LessonCount; day++)
            {
                var prefix = $"c{Cohort.Id}/d{day}/";
                Assert.Single(mine, o => o.Key == $"{prefix}lesson/g{Groups[group]}@{channel}");
                Assert.Single(mine, o => o.Key == $"{prefix}checkin/g{Groups[group]}@{channel}");
                Assert.Equal(3, mine.Count(o => o.Key.StartsWith($"{prefix}quiz/g{Groups[group]}/", StringComparison.Ordinal)));
                // Nobody checked in: every group is reminded once, per chat.
                Assert.Single(mine, o => o.Key == $"{prefix}reminder/g{Groups[group]}@{channel}");
            }
            Assert.Equal(Cohort.LessonCount * 6, mine.Count);
            Assert.Contains(mine, o => o.Message.Text?.Contains("**" + Catalog.Default.Get(group == "SH-01" ? "zh-Hans" : "vi", "lesson.heading",
                ("day", 1), ("title", "")).TrimEnd(), StringComparison.Ordinal) == true);
        }
        Assert.Equal(plan.Count, await CountAsync("programme_runs"));
        Assert.Equal(0, await ScalarAsync<long>("SELECT COUNT(*) FROM programme_runs WHERE outcome <> 'done'"));
        // The close recorded every learner as missed, every day.
        Assert.Equal(20 * Cohort.LessonCount, await ScalarAsync<long>("SELECT COUNT(*) FROM day_status WHERE status = 'missed'"));
        await AssertNoQuestionRepeatsWhileThePoolAllowsAsync();
    }

    // Per group, in the order asked: a question already asked comes again only when every question
    // of that day's topics had been asked.
    private async Task AssertNoQuestionRepeatsWhileThePoolAllowsAsync()
    {
        var asked = await QueryAsync<(long GroupId, long Day, long QuestionId, string Topics)>(
            """
            SELECT d.group_id, d.day, d.question_id, l.topics FROM deliveries d
            JOIN lessons l ON l.course_id = @courseId AND l.day = d.day
            WHERE d.cohort_id = @cohortId AND d.kind = 'Question' ORDER BY d.group_id, d.day, d.idem_key
            """, new { courseId = Cohort.CourseId, cohortId = Cohort.Id });
        var bank = await QueryAsync<(long Id, string Topic)>(
            "SELECT id, topic FROM questions WHERE course_id = @courseId AND retired = 0 AND type <> 'Fill'", new { courseId = Cohort.CourseId });
        Assert.Equal(Groups.Count * Cohort.LessonCount * 3, asked.Count);
        var repeats = 0;
        foreach (var group in asked.GroupBy(a => a.GroupId))
        {
            var used = new HashSet<long>();
            foreach (var a in group)
            {
                var topics = System.Text.Json.JsonSerializer.Deserialize<List<string>>(a.Topics)!;
                var pool = bank.Where(q => topics.Contains(q.Topic)).Select(q => q.Id).ToList();
                Assert.Contains(a.QuestionId, pool);
                if (!used.Add(a.QuestionId))
                {
                    repeats++;
                    Assert.True(pool.All(used.Contains), $"group {a.GroupId} day {a.Day}: question {a.QuestionId} repeated while the pool had fresh ones");
                }
            }
        }
        Assert.True(repeats < asked.Count / 2);
    }

    [Fact]
    public async Task Two_runs_at_once_do_the_work_once()
    {
        await SetUpAsync();
        Time.Set(Planned(ProgrammeItem.Quiz, 1).At);
        var results = await Task.WhenAll(
            Task.Run(() => Daily.RunAsync(Cohort.Id, ProgrammeItem.Quiz, 1)),
            Task.Run(() => Daily.RunAsync(Cohort.Id, ProgrammeItem.Quiz, 1)));
        Assert.Equal([RunOutcome.AlreadyDone, RunOutcome.Done], results.Select(r => r.Outcome).Order().Reverse().ToList());
        Assert.Equal(4 * 3, results.Sum(r => r.MessagesQueued));
        Assert.Equal(Chats.Length * 3, await CountAsync("outbox"));
        Assert.Equal(Groups.Count * 3, await CountAsync("deliveries"));
        Assert.Equal(1, await CountAsync("programme_runs"));
    }

    [Fact]
    public async Task A_moment_past_its_deadline_is_recorded_stale_and_sends_nothing()
    {
        await SetUpAsync();
        // The host was down from before the check-in prompt until after the close.
        var result = await RunAtAsync(ProgrammeItem.CheckIn, 1, Planned(ProgrammeItem.CheckIn, 1).StaleAfter - Planned(ProgrammeItem.CheckIn, 1).At + TimeSpan.FromSeconds(1));
        Assert.Equal(new RunResult(RunOutcome.Stale, 0, 0), result);
        Assert.Equal(0, await CountAsync("outbox"));
        Assert.Equal(0, await CountAsync("deliveries"));
        Assert.Equal("stale", await ScalarAsync<string>("SELECT outcome FROM programme_runs WHERE item = 'checkin' AND day = 1"));
        Assert.Equal(Planned(ProgrammeItem.CheckIn, 1).At.ToUnixTimeMilliseconds(), await ScalarAsync<long>("SELECT planned_at FROM programme_runs"));
        Assert.Equal(RunOutcome.AlreadyDone, (await Daily.RunAsync(Cohort.Id, ProgrammeItem.CheckIn, 1)).Outcome);
        Assert.Equal(0, await CountAsync("outbox"));
    }

    [Fact]
    public async Task After_downtime_a_moment_still_inside_its_day_is_carried_out()
    {
        await SetUpAsync();
        var result = await RunAtAsync(ProgrammeItem.Lesson, 2, TimeSpan.FromHours(9)); // 16:30, the lesson was due at 07:30
        Assert.Equal(new RunResult(RunOutcome.Done, Groups.Count, Chats.Length), result);
        var lessons = await OutboxAsync($"c{Cohort.Id}/d2/lesson/%");
        Assert.Equal(Chats.Select(c => c.ChatId).Order(), lessons.Select(l => l.ChatId).Order());
        Assert.Equal("done", await ScalarAsync<string>("SELECT outcome FROM programme_runs"));
        Assert.Equal(Chats.Length, await ScalarAsync<long>("SELECT messages FROM programme_runs"));
    }

    [Fact]
    public async Task The_reminder_tags_exactly_who_has_not_checked_in_and_skips_a_group_where_everyone_did()
    {
        await SetUpAsync();
        var directory = _services.GetRequiredService<LearnerDirectory>();
        await using (var s = await Db.BeginAsync())
        {
            // Two Hanoi learners have started the bot on Telegram; one of them will check in.
            await directory.LinkIdentityAsync(s, "telegram", "7001", (await directory.FindByPhoneAsync(s, "+84914222333"))!.Id); // Phạm Minh Tuấn
            await directory.LinkIdentityAsync(s, "telegram", "7002", (await directory.FindByPhoneAsync(s, "+84913000111"))!.Id); // Lê Thị Hồng Nhung
            await s.CommitAsync();
        }
        Time.Set(Planned(ProgrammeItem.CheckIn, 1).At + TimeSpan.FromHours(1));
        await CheckInAsync("+84913000111", "+84986112233"); // Lê Thị Hồng Nhung, Vũ Thu Hà (Hanoi)
        var shanghai = await QueryAsync<string>(
            "SELECT l.phone FROM enrollments e JOIN learners l ON l.id = e.learner_id JOIN study_groups g ON g.id = e.group_id WHERE g.code = 'SH-01' AND e.role = 'learner'");
        await CheckInAsync([.. shanghai]);

        var result = await RunAtAsync(ProgrammeItem.Reminder, 1);
        Assert.Equal(RunOutcome.Done, result.Outcome);
        Assert.Equal(2, result.GroupsReached);
        Assert.Equal(3, result.MessagesQueued); // Hanoi on two channels, Ho Chi Minh City on one, Shanghai none

        var reminders = await OutboxAsync($"c{Cohort.Id}/d1/reminder/%");
        Assert.DoesNotContain(reminders, r => r.ChatId == "-100103");
        var hanoiMissing = (await LearnerNamesAsync("HN-01")).Except(["Lê Thị Hồng Nhung", "Vũ Thu Hà"]).ToList();
        var hanoi = reminders.Single(r => r.ChatId == "-100101").Message;
        Assert.Equal(hanoiMissing, hanoi.Mentions.Select(m => m.Name));
        Assert.Equal("7001", hanoi.Mentions.Single(m => m.Name == "Phạm Minh Tuấn").UserId);
        Assert.All(hanoi.Mentions.Where(m => m.Name != "Phạm Minh Tuấn"), m => Assert.Null(m.UserId));
        Assert.Equal(Catalog.Default.Get("vi", "reminder.text", ("day", 1), ("count", 5), ("close", "21:00")), hanoi.Text);
        Assert.StartsWith("Ngày 1", hanoi.Text, StringComparison.Ordinal);
        // On the playground nobody has an account: the same names, untagged.
        var playground = reminders.Single(r => r.ChatId == "hn").Message;
        Assert.Equal(hanoiMissing, playground.Mentions.Select(m => m.Name));
        Assert.All(playground.Mentions, m => Assert.Null(m.UserId));
        var hcm = reminders.Single(r => r.ChatId == "-100102").Message;
        Assert.Equal(await LearnerNamesAsync("HCM-01"), hcm.Mentions.Select(m => m.Name));
        Assert.DoesNotContain(hcm.Mentions, m => m.Name == "Trương Thị Kim Ngân"); // the liaison is not nagged

        Assert.Equal(RunOutcome.AlreadyDone, (await Daily.RunAsync(Cohort.Id, ProgrammeItem.Reminder, 1)).Outcome);
        Assert.Equal(3, await CountAsync("outbox"));
    }

    [Fact]
    public async Task No_reminder_when_everyone_checked_in()
    {
        await SetUpAsync();
        Time.Set(Planned(ProgrammeItem.CheckIn, 1).At);
        await CheckInAsync([.. await QueryAsync<string>(
            "SELECT l.phone FROM enrollments e JOIN learners l ON l.id = e.learner_id WHERE e.role = 'learner'")]);
        Assert.Equal(new RunResult(RunOutcome.Done, 0, 0), await RunAtAsync(ProgrammeItem.Reminder, 1));
        Assert.Equal(0, await CountAsync("outbox"));
        Assert.Equal(1, await CountAsync("programme_runs"));
    }

    [Fact]
    public async Task The_close_records_each_learners_status_once()
    {
        await SetUpAsync();
        Time.Set(Planned(ProgrammeItem.CheckIn, 3).At);
        await CheckInAsync("+84913000111", "+84909123987"); // a Hanoi and a Ho Chi Minh City learner
        var result = await RunAtAsync(ProgrammeItem.Close, 3);
        Assert.Equal(new RunResult(RunOutcome.Done, 3, 0), result);
        var statuses = await QueryAsync<(string Name, string Group, string Status)>(
            """
            SELECT l.name, g.code, s.status FROM day_status s JOIN learners l ON l.id = s.learner_id JOIN study_groups g ON g.id = s.group_id
            WHERE s.day = 3 ORDER BY l.name
            """);
        Assert.Equal(20, statuses.Count);
        Assert.Equal(["Lê Thị Hồng Nhung", "Nguyễn Hoàng Phúc"], statuses.Where(x => x.Status == "checked_in").Select(x => x.Name).Order());
        Assert.Equal(18, statuses.Count(x => x.Status == "missed"));
        Assert.Equal(7, statuses.Count(x => x.Group == "HN-01"));
        Assert.Equal(0, await CountAsync("outbox"));

        Assert.Equal(RunOutcome.AlreadyDone, (await Daily.RunAsync(Cohort.Id, ProgrammeItem.Close, 3)).Outcome);
        Assert.Equal(20, await CountAsync("day_status"));
    }

    [Fact]
    public async Task A_push_earlier_in_the_day_and_the_scheduled_run_send_each_message_once()
    {
        await SetUpAsync();
        var programme = _services.GetRequiredService<Programme>();
        Time.Set(Planned(ProgrammeItem.Lesson, 1).At - TimeSpan.FromHours(1));
        DayDelivery pushed;
        await using (var s = await Db.BeginAsync())
        {
            pushed = await programme.DeliverDayAsync(s, Cohort.Id, Groups["HN-01"], 1);
            await s.CommitAsync();
        }
        Assert.Equal(2 * (1 + 1 + 3), pushed.MessagesQueued); // two chats
        var pushedQuestions = await QueryAsync<long>("SELECT question_id FROM deliveries WHERE kind = 'Question' ORDER BY idem_key");

        foreach (var item in new[] { ProgrammeItem.Lesson, ProgrammeItem.CheckIn, ProgrammeItem.Quiz })
        {
            var result = await RunAtAsync(item, 1);
            Assert.Equal(RunOutcome.Done, result.Outcome);
            Assert.Equal(item == ProgrammeItem.Quiz ? 6 : 2, result.MessagesQueued); // Ho Chi Minh City and Shanghai only
        }
        var outbox = await OutboxAsync();
        Assert.Equal(Chats.Length * 5, outbox.Count);
        Assert.Equal(5, outbox.Count(o => o.ChatId == "-100101"));
        Assert.Equal(5, outbox.Count(o => o.ChatId == "hn"));
        Assert.Equal(pushedQuestions, await QueryAsync<long>(
            "SELECT question_id FROM deliveries WHERE kind = 'Question' AND group_id = @g ORDER BY idem_key", new { g = Groups["HN-01"] }));

        // And the other way round: a push after the scheduled run finds everything sent.
        await using (var s = await Db.BeginAsync())
        {
            Assert.Equal(0, (await programme.DeliverDayAsync(s, Cohort.Id, Groups["SH-01"], 1)).MessagesQueued);
            await s.CommitAsync();
        }
        Assert.Equal(Chats.Length * 5, await CountAsync("outbox"));
    }

    [Fact]
    public async Task A_moment_the_edited_cohort_no_longer_has_is_not_planned()
    {
        await SetUpAsync();
        // The course lost its last lesson since the scheduler planned day 12.
        await using (var s = await Db.BeginAsync())
        {
            await s.ExecuteAsync("UPDATE lessons SET retired = 1 WHERE course_id = @c AND day = 12", new { c = Cohort.CourseId });
            await s.CommitAsync();
        }
        Time.Set(Planned(ProgrammeItem.Lesson, 12).At);
        Assert.Equal(RunOutcome.NotPlanned, (await Daily.RunAsync(Cohort.Id, ProgrammeItem.Lesson, 12)).Outcome);
        Assert.Equal(RunOutcome.NotPlanned, (await Daily.RunAsync(Cohort.Id, ProgrammeItem.Reminder, 12)).Outcome);
        Assert.Equal(RunOutcome.NotPlanned, (await Daily.RunAsync(Cohort.Id + 99, ProgrammeItem.Lesson, 1)).Outcome);
        Assert.Equal(0, await CountAsync("outbox"));
        Assert.Equal(0, await CountAsync("programme_runs"));
    }

    [Fact]
    public async Task A_cohort_of_2800_groups_gets_its_lesson_and_quiz_in_every_chat_once()
    {
        await SetUpAsync();
        await using (var s = await Db.BeginAsync())
        {
            await s.ExecuteAsync(
                """
                INSERT INTO study_groups (cohort_id, code, name, language)
                SELECT @cohortId, 'N-' || CAST(n AS TEXT), '{"en":"National group"}', 'vi'
                FROM (WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 2800) SELECT n FROM seq) numbers
                """, new { cohortId = Cohort.Id });
            await s.ExecuteAsync(
                """
                INSERT INTO group_chats (channel, chat_id, group_id, thread_id, active, bound_at)
                SELECT 'telegram', '-200' || CAST(id AS TEXT), id, NULL, 1, 0 FROM study_groups WHERE code LIKE 'N-%'
                """);
            await s.CommitAsync();
        }
        var groups = Groups.Count + 2800;

        var lesson = await RunAtAsync(ProgrammeItem.Lesson, 1);
        Assert.Equal(new RunResult(RunOutcome.Done, groups, Chats.Length + 2800), lesson);
        var quiz = await RunAtAsync(ProgrammeItem.Quiz, 1);
        Assert.Equal(new RunResult(RunOutcome.Done, groups, 3 * (Chats.Length + 2800)), quiz);
        Assert.Equal(RunOutcome.AlreadyDone, (await Daily.RunAsync(Cohort.Id, ProgrammeItem.Lesson, 1)).Outcome);

        Assert.Equal(4 * (Chats.Length + 2800), await CountAsync("outbox"));
        Assert.Equal(Chats.Length + 2800, await ScalarAsync<long>("SELECT COUNT(DISTINCT chat_id) FROM outbox WHERE idem_key LIKE '%/lesson/%'"));
        Assert.Equal(0, await ScalarAsync<long>(
            "SELECT COUNT(*) FROM (SELECT chat_id FROM outbox GROUP BY chat_id HAVING COUNT(*) <> 4) odd"));
        Assert.Equal(groups, await ScalarAsync<long>("SELECT COUNT(*) FROM deliveries WHERE kind = 'Lesson'"));
        // Within a group the three questions differ; the lesson button points at the group's own delivery.
        Assert.Equal(0, await ScalarAsync<long>(
            "SELECT COUNT(*) FROM (SELECT group_id FROM deliveries WHERE kind = 'Question' GROUP BY group_id HAVING COUNT(DISTINCT question_id) <> 3) odd"));
        var sample = (await OutboxAsync("%/lesson/%")).Last();
        var deliveryId = await ScalarAsync<long>("SELECT id FROM deliveries WHERE idem_key = @k", new { k = sample.Key[..sample.Key.IndexOf('@', StringComparison.Ordinal)] });
        Assert.Equal($"{Programme.LessonReadButton}:{deliveryId}", sample.Message.Buttons[0][0].Data);
    }

    [Fact]
    public async Task The_liaison_digest_follows_the_close_and_lists_what_the_host_missed_and_the_admins_get_the_week()
    {
        await SetUpAsync();
        var directory = _services.GetRequiredService<LearnerDirectory>();
        await using (var s = await Db.BeginAsync())
        {
            // The Hanoi liaison and the admin started the bot on Telegram; the other liaisons did not.
            await directory.LinkIdentityAsync(s, "telegram", "700001", (await directory.FindByPhoneAsync(s, "+84912345678"))!.Id);
            await directory.LinkIdentityAsync(s, "telegram", "700002", (await directory.FindByPhoneAsync(s, "+84903100200"))!.Id);
            await s.CommitAsync();
        }
        var hanoi = await LearnerNamesAsync("HN-01");

        // Day 1: the host was down through the lesson's whole day (stale), back for the check-in.
        Time.Set(Planned(ProgrammeItem.Lesson, 1).StaleAfter.AddMinutes(1));
        Assert.Equal(RunOutcome.Stale, (await Daily.RunAsync(Cohort.Id, ProgrammeItem.Lesson, 1)).Outcome);
        Assert.Equal(RunOutcome.Done, (await RunAtAsync(ProgrammeItem.CheckIn, 1)).Outcome);
        Time.Set(Planned(ProgrammeItem.CheckIn, 1).At.AddMinutes(5));
        await CheckInAsync("+84913000111"); // Lê Thị Hồng Nhung checks in; the others miss

        // The digest fires before the close has run (same instant, no order): it closes the day itself.
        var digest = await RunAtAsync(ProgrammeItem.LiaisonDigest, 1);
        Assert.Equal(RunOutcome.Done, digest.Outcome);
        Assert.Equal(1, digest.MessagesQueued);
        Assert.Equal(RunOutcome.AlreadyDone, (await RunAtAsync(ProgrammeItem.Close, 1)).Outcome);
        Assert.Equal(hanoi.Count - 1, await ScalarAsync<long>(
            "SELECT COUNT(*) FROM day_status d JOIN study_groups g ON g.id = d.group_id WHERE g.code = 'HN-01' AND d.status = 'missed'"));

        var sent = Assert.Single(await OutboxAsync("%/digest/%"));
        Assert.Equal("700001", sent.ChatId);
        Assert.EndsWith(".svg", sent.Message.Attachment!.FileName, StringComparison.Ordinal);
        Assert.Contains(hanoi[1], sent.Message.Text, StringComparison.Ordinal);      // missed, named
        Assert.Contains("Đã bỏ qua", sent.Message.Text, StringComparison.Ordinal);      // the skipped lesson, in the liaison's Vietnamese
        Assert.Equal(RunOutcome.AlreadyDone, (await RunAtAsync(ProgrammeItem.LiaisonDigest, 1)).Outcome);

        // The weekly digest reaches the admin, once.
        var weekly = ProgrammePlan.For(Cohort).First(i => i.Item == ProgrammeItem.WeeklyDigest);
        Time.Set(weekly.At);
        Assert.Equal(RunOutcome.Done, (await Daily.RunAsync(Cohort.Id, ProgrammeItem.WeeklyDigest, weekly.Day)).Outcome);
        Assert.Equal(RunOutcome.AlreadyDone, (await Daily.RunAsync(Cohort.Id, ProgrammeItem.WeeklyDigest, weekly.Day)).Outcome);
        var admin = Assert.Single(await OutboxAsync("%/weekly/%"));
        Assert.Equal("700002", admin.ChatId);
        Assert.NotNull(admin.Message.Attachment);
    }
}

public sealed class SqliteDailyProgrammeTests : DailyProgrammeSuite
{
    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());
}

[Trait("Category", "Postgres")]
public sealed class PostgresDailyProgrammeTests : DailyProgrammeSuite
{
    protected override async Task<ITestStore> CreateStoreAsync() => await PostgresTestStore.CreateAsync();
}
