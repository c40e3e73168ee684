using System.Text;
using Academy.Learning.Import;
using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Tests.Storage;

/// <summary>
/// The storage behaviour every engine must show. Run once per engine by the classes at the end of
/// this file; PostgreSQL comes from ./test.sh.
/// </summary>
public abstract class StorageSuite : StoreTestBase
{
    private static readonly Localizer En = Catalog.Default.For("en");

    [Fact]
    public async Task Migrations_are_recorded_and_a_second_run_applies_nothing()
    {
        Assert.Equal(Migrator.LatestVersion, await Migrator.CurrentVersionAsync());
        Assert.Empty(await Migrator.MigrateAsync());
        Assert.Equal(Migrator.Scripts.Count, await CountAsync("schema_migrations"));
    }

    [Fact]
    public async Task Importing_the_samples_then_reimporting_reports_no_change()
    {
        var first = await Importer.ImportAsync(Samples.All);
        Assert.True(first.Succeeded);
        var lines = first.Render(En).ToList();
        Assert.Contains("  lessons: 12 added, 0 updated, 0 retired, 0 unchanged", lines);
        Assert.Contains("  questions: 64 added, 0 updated, 0 retired, 0 unchanged", lines);
        Assert.Contains("  groups: 3 added, 0 updated, 0 retired, 0 unchanged", lines);
        Assert.Contains("  learners: 24 added, 0 updated, 0 retired, 0 unchanged", lines);
        Assert.Equal(12, await CountAsync("lessons"));
        Assert.Equal(64, await CountAsync("questions"));
        Assert.Equal(24, await CountAsync("enrollments"));

        var second = await Importer.ImportAsync(Samples.All);
        Assert.True(second.Succeeded);
        Assert.Equal(
            ["digital-safety.yaml: no changes", "cohort-sample.yaml: no changes", "roster-sample.csv: no changes"],
            second.Render(En).ToList());
    }

    [Fact]
    public async Task Sample_content_reads_back_intact_in_every_language()
    {
        await ImportSamplesAsync();
        await using var s = await Db.BeginReadAsync();
        var cohort = await CohortStore.GetByCodeAsync(s, "sample-2026");
        Assert.NotNull(cohort);
        Assert.Equal("Asia/Ho_Chi_Minh", cohort.Cohort.TimeZoneId);
        Assert.Equal(12, cohort.LessonCount);
        Assert.Equal(new TimeOnly(21, 0), cohort.Cohort.Schedule.CheckInClose);
        var name = await s.ExecuteScalarAsync<string>("SELECT name FROM learners WHERE phone = '+84912345678'");
        Assert.Equal("Trần Văn Hùng", name);
        var chinese = await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM learners WHERE phone LIKE '+86%'");
        Assert.True(chinese > 0);
        var questionId = await s.ExecuteScalarAsync<long>("SELECT id FROM questions WHERE code = 'pw-11'");
        var question = await ContentStore.GetQuestionAsync(s, questionId);
        Assert.NotNull(question);
        Assert.NotEqual(question.Text.English, question.Text.In("zh-Hans"));
        Assert.NotEqual(question.Text.English, question.Text.In("vi"));
    }

    [Fact]
    public async Task Reimporting_an_edited_pack_updates_content_and_keeps_every_learners_record()
    {
        await ImportSamplesAsync();
        var (deliveryId, learnerId, _) = await AnswerOneQuestionAsync("pw-01");
        await using (var s = await Db.BeginAsync())
        {
            var cohortId = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts");
            await Record.CheckInAsync(s, cohortId, learnerId);
            await s.CommitAsync();
        }
        var ledgerBefore = await CountAsync("ledger");

        // Edit: one lesson retitled, question pw-01 removed from the pack, a new question added.
        var pack = File.ReadAllText(Samples.Pack);
        var edited = pack.Replace("en: Everyday Digital Safety", "en: Everyday Digital Safety (2027 edition)", StringComparison.Ordinal);
        edited = RemoveQuestion(edited, "pw-01");
        edited = edited.TrimEnd() + "\n" + """
                - id: pw-99
                  topic: passwords
                  type: true_false
                  text: A passphrase of four random words is stronger than an eight-character password.
                  answer: true
            """ + "\n";
        var report = await Importer.ImportAsync([Samples.Text("digital-safety.yaml", edited)]);
        Assert.True(report.Succeeded, string.Join('\n', report.Render(En)));
        var lines = report.Render(En).ToList();
        Assert.Contains("  course: 0 added, 1 updated, 0 retired, 0 unchanged", lines);
        Assert.Contains("  questions: 1 added, 0 updated, 1 retired, 63 unchanged", lines);

        Assert.Equal(1, await CountAsync("answers"));
        Assert.Equal(1, await CountAsync("checkins"));
        Assert.Equal(ledgerBefore, await CountAsync("ledger"));
        Assert.Equal(1, await ScalarAsync<long>("SELECT retired FROM questions WHERE code = 'pw-01'"));
        Assert.Equal(24, await CountAsync("learners"));
        await using (var check = await Db.BeginReadAsync())
        {
            var progress = await Record.GetProgressAsync(check, await check.ExecuteScalarAsync<long>("SELECT id FROM cohorts"), learnerId);
            Assert.Equal(1, progress.QuestionsAnswered);
            Assert.Equal(1, progress.CheckIns);
            Assert.True(deliveryId > 0);
        }

        // Putting the question back un-retires it.
        var restored = await Importer.ImportAsync([Samples.File(Samples.Pack)]);
        Assert.Contains("  questions: 0 added, 1 updated, 1 retired, 63 unchanged", restored.Render(En).ToList());
    }

    [Fact]
    public async Task A_broken_import_changes_nothing()
    {
        await ImportSamplesAsync();
        var counts = await CountAllAsync();
        var roster = File.ReadAllText(Samples.Roster) + "sample-2026,HN-01,New Person,+84 999 888 777,learner,vi,\nsample-2026,XX-99,Bad Group,+84 999 888 776,learner,,\n";
        var pack = File.ReadAllText(Samples.Pack).Replace("en: Everyday Digital Safety", "en: Changed title", StringComparison.Ordinal);
        var report = await Importer.ImportAsync([Samples.Text("digital-safety.yaml", pack), Samples.Text("roster.csv", roster)]);
        Assert.False(report.Succeeded);
        Assert.Single(report.Errors);
        Assert.Equal(counts, await CountAllAsync());
        Assert.Equal(0, await ScalarAsync<long>("SELECT COUNT(*) FROM learners WHERE phone = '+84999888777'"));
        Assert.DoesNotContain("Changed title", await ScalarAsync<string>("SELECT title FROM courses"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_counts_once_under_concurrent_redelivery()
    {
        await ImportSamplesAsync();
        var (cohortId, learnerId, deliveryId) = await PrepareQuestionDeliveryAsync("pw-01");
        var question = await QuestionAsync("pw-01");
        var right = Response.Choose(question.Correct.ToArray());

        // The same answer arrives 20 times at once (webhook re-delivery, several instances).
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            await using var s = await Db.BeginAsync();
            var outcome = await Record.RecordAnswerAsync(s, deliveryId, learnerId, right);
            await s.CommitAsync();
            return outcome.Status;
        }));
        Assert.Equal(1, outcomes.Count(o => o == AnswerStatus.Recorded));
        Assert.Equal(19, outcomes.Count(o => o == AnswerStatus.AlreadyAnswered));
        Assert.Equal(1, await CountAsync("answers"));
        Assert.Equal(1, await ScalarAsync<long>("SELECT COUNT(*) FROM ledger WHERE kind = 'answer'"));

        // A later, different answer does not replace the first.
        await using var again = await Db.BeginAsync();
        var wrong = Response.Choose(Enumerable.Range(0, question.OptionCount).First(i => !question.Correct.Contains(i)));
        var late = await Record.RecordAnswerAsync(again, deliveryId, learnerId, wrong);
        Assert.Equal(AnswerStatus.AlreadyAnswered, late.Status);
        Assert.True(late.Correct);
        Assert.True(cohortId > 0);
    }

    [Fact]
    public async Task Concurrent_writers_for_different_learners_all_land()
    {
        await ImportSamplesAsync();
        var question = await QuestionAsync("sc-01");
        // Each answers the question as delivered to them: to their group's chat, or (the admin, in no group) privately.
        var learners = (await QueryAsync<(long LearnerId, long CohortId, long? GroupId)>("SELECT learner_id, cohort_id, group_id FROM enrollments")).ToList();
        var deliveries = new Dictionary<long, long>();
        await using (var s = await Db.BeginAsync())
        {
            var questionId = await s.ExecuteScalarAsync<long>("SELECT id FROM questions WHERE code = 'sc-01'");
            foreach (var (learnerId, cohortId, groupId) in learners)
                deliveries[learnerId] = await Record.RecordDeliveryAsync(s, groupId is { } g
                    ? new Delivery($"c{cohortId}/d1/question/g{g}/sc-01", cohortId, g, null, 1, DeliveryKind.Question, QuestionId: questionId)
                    : new Delivery($"c{cohortId}/d1/question/l{learnerId}/sc-01", cohortId, null, learnerId, 1, DeliveryKind.Question, QuestionId: questionId));
            await s.CommitAsync();
        }
        await Task.WhenAll(learners.Select(async (l, i) =>
        {
            await using var s = await Db.BeginAsync();
            await Record.RecordAnswerAsync(s, deliveries[l.LearnerId], l.LearnerId, Response.Choose(i % question.OptionCount));
            await s.CommitAsync();
        }));
        Assert.Equal(learners.Count, await CountAsync("answers"));
        Assert.Equal(learners.Count, await ScalarAsync<long>("SELECT COUNT(*) FROM ledger WHERE kind = 'answer'"));
    }

    [Fact]
    public async Task Deliveries_are_idempotent_by_key()
    {
        await ImportSamplesAsync();
        var (_, _, first) = await PrepareQuestionDeliveryAsync("pw-02");
        var (_, _, second) = await PrepareQuestionDeliveryAsync("pw-02");
        Assert.Equal(first, second);
        Assert.Equal(1, await CountAsync("deliveries"));
    }

    [Fact]
    public async Task Check_in_only_inside_the_window_once_per_day_and_streaks_count_programme_days()
    {
        await ImportSamplesAsync();
        var cohortId = await ScalarAsync<long>("SELECT id FROM cohorts");
        var learnerId = await ScalarAsync<long>("SELECT id FROM learners WHERE phone = '+84913000111'");
        async Task<CheckInOutcome> CheckIn()
        {
            await using var s = await Db.BeginAsync();
            var outcome = await Record.CheckInAsync(s, cohortId, learnerId);
            await s.CommitAsync();
            return outcome;
        }

        Time.Set(DateTimeOffset.Parse("2026-11-30T02:00:00Z"));          // the day before the start
        Assert.Equal(CheckInStatus.NoProgrammeToday, (await CheckIn()).Status);
        Time.Set(DateTimeOffset.Parse("2026-12-01T00:00:00Z"));          // 07:00 local, opens 07:30
        Assert.Equal(CheckInStatus.NotOpenYet, (await CheckIn()).Status);
        Time.Set(DateTimeOffset.Parse("2026-12-01T02:00:00Z"));          // 09:00 local, day 1
        Assert.Equal(new CheckInOutcome(CheckInStatus.Recorded, 1, 1), await CheckIn());
        Assert.Equal(CheckInStatus.AlreadyCheckedIn, (await CheckIn()).Status);
        Time.Set(DateTimeOffset.Parse("2026-12-02T14:30:00Z"));          // 21:30 local, closed at 21:00
        Assert.Equal(CheckInStatus.Closed, (await CheckIn()).Status);
        Time.Set(DateTimeOffset.Parse("2026-12-03T03:00:00Z"));          // day 3: day 2 was missed
        Assert.Equal(new CheckInOutcome(CheckInStatus.Recorded, 3, 1), await CheckIn());
        Time.Set(DateTimeOffset.Parse("2026-12-04T03:00:00Z"));
        Assert.Equal(new CheckInOutcome(CheckInStatus.Recorded, 4, 2), await CheckIn());
        Time.Set(DateTimeOffset.Parse("2026-12-08T03:00:00Z"));          // the sample's holiday
        Assert.Equal(CheckInStatus.NoProgrammeToday, (await CheckIn()).Status);

        Time.Set(DateTimeOffset.Parse("2026-12-04T10:00:00Z"));
        await using var read = await Db.BeginReadAsync();
        var progress = await Record.GetProgressAsync(read, cohortId, learnerId);
        Assert.Equal(3, progress.CheckIns);
        Assert.Equal(2, progress.CurrentStreak);
        Assert.Equal(2, progress.BestStreak);
        Assert.Equal(4, progress.DaysElapsed);
        Assert.Equal(15, progress.Points);                                // 3 check-ins × 5
        Assert.Equal(3, await ScalarAsync<long>("SELECT COUNT(*) FROM ledger WHERE kind = 'checkin'"));
    }

    [Fact]
    public async Task Lessons_read_credit_their_minutes_once_and_progress_adds_up()
    {
        await ImportSamplesAsync();
        var (cohortId, learnerId, deliveryId) = await PrepareQuestionDeliveryAsync("pw-01");
        var lesson = await QueryFirstAsync<(long Id, long Minutes)>("SELECT id, credit_minutes FROM lessons WHERE day = 1");
        var question = await QuestionAsync("pw-01");
        var groupId = await ScalarAsync<long>("SELECT group_id FROM enrollments WHERE learner_id = @learnerId", new { learnerId });
        await using (var s = await Db.BeginAsync())
        {
            await Record.RecordDeliveryAsync(s, new Delivery("c/1/lesson/g", cohortId, groupId, null, 1, DeliveryKind.Lesson, LessonId: lesson.Id));
            Assert.True(await Record.MarkLessonReadAsync(s, cohortId, learnerId, lesson.Id));
            Assert.False(await Record.MarkLessonReadAsync(s, cohortId, learnerId, lesson.Id));
            await Record.RecordAnswerAsync(s, deliveryId, learnerId, Response.Choose(question.Correct.ToArray()));
            await s.CommitAsync();
        }
        await using var read = await Db.BeginReadAsync();
        var progress = await Record.GetProgressAsync(read, cohortId, learnerId);
        Assert.Equal(1, progress.LessonsDelivered);
        Assert.Equal(1, progress.LessonsRead);
        Assert.Equal(10, progress.RequiredLessons);
        Assert.Equal(1, progress.QuestionsAnswered);
        Assert.Equal(1.0, progress.Accuracy);
        Assert.Equal(lesson.Minutes + 2, progress.CreditMinutes);         // the sample pack credits 2 minutes per quiz answer
        Assert.Equal(10, progress.Points);
    }

    [Fact]
    public async Task An_answer_from_someone_not_enrolled_is_not_counted()
    {
        await ImportSamplesAsync();
        var (_, _, deliveryId) = await PrepareQuestionDeliveryAsync("pw-01");
        long strangerId;
        await using (var s = await Db.BeginAsync())
        {
            strangerId = await s.ExecuteScalarAsync<long>(
                "INSERT INTO learners (phone, name, created_at) VALUES ('+4915112345678', 'Stranger', 0) RETURNING id");
            var outcome = await Record.RecordAnswerAsync(s, deliveryId, strangerId, Response.Choose(0));
            Assert.Equal(AnswerStatus.NotEnrolled, outcome.Status);
            await s.CommitAsync();
        }
        Assert.Equal(0, await CountAsync("answers"));
    }

    [Fact]
    public async Task An_answer_to_another_groups_delivery_or_naming_options_the_question_lacks_is_not_counted()
    {
        await ImportSamplesAsync();
        var (cohortId, learnerId, deliveryId) = await PrepareQuestionDeliveryAsync("pw-01"); // to HN-01
        IReadOnlyList<AnswerOutcome> outcomes;
        await using (var s = await Db.BeginAsync())
        {
            var otherGroup = await s.ExecuteScalarAsync<long>(
                "SELECT learner_id FROM enrollments WHERE cohort_id = @cohortId AND role = 'learner' AND group_id <> (SELECT group_id FROM enrollments WHERE learner_id = @learnerId) LIMIT 1",
                new { cohortId, learnerId });
            var admin = await s.ExecuteScalarAsync<long>("SELECT learner_id FROM enrollments WHERE role = 'admin' LIMIT 1");
            var privateDelivery = await Record.RecordDeliveryAsync(s, new Delivery("c/private/pw-01", cohortId, null, otherGroup, 1, DeliveryKind.Question,
                QuestionId: await s.ExecuteScalarAsync<long>("SELECT id FROM questions WHERE code = 'pw-01'")));
            outcomes = await Record.RecordAnswersAsync(s,
            [
                new(deliveryId, otherGroup, Response.Choose(0)),      // a learner of HCM-01 or SH-01
                new(deliveryId, admin, Response.Choose(0)),           // an admin belongs to no group
                new(privateDelivery, learnerId, Response.Choose(0)),  // someone else's private question
                new(deliveryId, learnerId, Response.Choose(7)),       // pw-01 has four options
                new(deliveryId, learnerId, Response.Choose(0, 1)),    // one answer only
                new(deliveryId, learnerId, Response.Choose()),
                new(privateDelivery, otherGroup, Response.Choose(0)), // theirs: counted
            ]);
            await s.CommitAsync();
        }
        Assert.Equal(
            [AnswerStatus.NotYours, AnswerStatus.NotYours, AnswerStatus.NotYours, AnswerStatus.InvalidResponse, AnswerStatus.InvalidResponse,
             AnswerStatus.InvalidResponse, AnswerStatus.Recorded],
            outcomes.Select(o => o.Status));
        Assert.Equal(1, await CountAsync("answers"));
        Assert.Equal(1, await ScalarAsync<long>("SELECT COUNT(*) FROM ledger WHERE kind = 'answer'"));
    }

    [Fact]
    public async Task A_batch_of_answers_gets_answer_by_answer_what_one_at_a_time_would()
    {
        await ImportSamplesAsync();
        var codes = new[] { "pw-01", "pw-02", "pw-03", "pw-04", "pw-05", "pw-06", "pw-07" };
        var deliveries = new List<long>();
        long learnerId = 0;
        foreach (var code in codes)
        {
            var (_, learner, delivery) = await PrepareQuestionDeliveryAsync(code);
            learnerId = learner;
            deliveries.Add(delivery);
        }
        var right = new List<Response>();
        foreach (var code in codes) right.Add(Response.Choose((await QuestionAsync(code)).Correct.ToArray()));
        var wrong = Response.Choose(1); // option b is wrong for pw-01 … pw-07
        long neighbourId, strangerId;
        await using (var s = await Db.BeginAsync())
        {
            neighbourId = await s.ExecuteScalarAsync<long>(
                "SELECT learner_id FROM enrollments WHERE group_id = (SELECT group_id FROM enrollments WHERE learner_id = @learnerId) AND learner_id <> @learnerId AND role = 'learner' LIMIT 1",
                new { learnerId });
            strangerId = await s.ExecuteScalarAsync<long>(
                "INSERT INTO learners (phone, name, created_at) VALUES ('+4915112345678', 'Stranger', 0) RETURNING id");
            // pw-07 was answered (wrongly) before the batch.
            Assert.Equal(AnswerStatus.Recorded, (await Record.RecordAnswerAsync(s, deliveries[6], learnerId, wrong)).Status);
            await s.CommitAsync();
        }

        IReadOnlyList<AnswerOutcome> outcomes;
        await using (var s = await Db.BeginAsync())
        {
            outcomes = await Record.RecordAnswersAsync(s,
            [
                new(deliveries[0], learnerId, right[0]),
                new(deliveries[1], learnerId, wrong),
                new(deliveries[0], learnerId, wrong),        // changes their mind in the same batch: the first answer stands
                new(deliveries[2], learnerId, right[2]),
                new(deliveries[3], learnerId, right[3]),     // the fifth answer today reaches the daily cap of 10 minutes
                new(deliveries[4], learnerId, right[4]),     // points, but no minutes left today
                new(deliveries[5], learnerId, right[5]),
                new(deliveries[6], learnerId, right[6]),     // answered before the batch
                new(deliveries[0], neighbourId, wrong),      // someone else of the group
                new(deliveries[0], strangerId, right[0]),    // not enrolled
                new(999_999, learnerId, right[0]),           // no such delivery
            ]);
            await s.CommitAsync();
        }
        Assert.Equal(
            [AnswerStatus.Recorded, AnswerStatus.Recorded, AnswerStatus.AlreadyAnswered, AnswerStatus.Recorded, AnswerStatus.Recorded,
             AnswerStatus.Recorded, AnswerStatus.Recorded, AnswerStatus.AlreadyAnswered, AnswerStatus.Recorded, AnswerStatus.NotEnrolled,
             AnswerStatus.UnknownDelivery],
            outcomes.Select(o => o.Status));
        // The verdict shown is the counted answer's: right for the changed mind, wrong for the earlier pw-07.
        Assert.Equal([true, false, true, true, true, true, true, false, false], outcomes.Take(9).Select(o => o.Correct));
        Assert.Equal("pw-01", outcomes[9].Question!.Id);
        Assert.Null(outcomes[10].Question);

        Assert.Equal(8, await CountAsync("answers"));
        Assert.Equal(1, await ScalarAsync<long>("SELECT correct FROM answers WHERE delivery_id = @d AND learner_id = @learnerId", new { d = deliveries[0], learnerId }));
        // Ledger, in the order answered: 2 minutes per answer (the pack's rule) up to 10 a day; 10 points right, 2 wrong.
        var ledger = (await QueryAsync<(string SourceKey, long Points, long Minutes)>(
            $"SELECT source_key, points, credit_minutes FROM ledger WHERE learner_id = {learnerId} ORDER BY id")).ToList();
        Assert.Equal(
            [($"answer/{deliveries[6]}", 2L, 2L), ($"answer/{deliveries[0]}", 10L, 2L), ($"answer/{deliveries[1]}", 2L, 2L), ($"answer/{deliveries[2]}", 10L, 2L),
             ($"answer/{deliveries[3]}", 10L, 2L), ($"answer/{deliveries[4]}", 10L, 0L), ($"answer/{deliveries[5]}", 10L, 0L)],
            ledger);
        Assert.Equal(1, await ScalarAsync<long>("SELECT COUNT(*) FROM ledger WHERE learner_id = @neighbourId", new { neighbourId }));

        // The same batch again (a re-run after a crash): nothing new, and each is told its counted answer.
        await using (var s = await Db.BeginAsync())
        {
            var again = await Record.RecordAnswersAsync(s, [new(deliveries[1], learnerId, right[1]), new(deliveries[0], neighbourId, right[0])]);
            Assert.All(again, o => Assert.Equal(AnswerStatus.AlreadyAnswered, o.Status));
            Assert.All(again, o => Assert.False(o.Correct));
            await s.CommitAsync();
        }
        Assert.Equal(8, await CountAsync("answers"));
        Assert.Equal(8, await CountAsync("ledger"));
    }

    [Fact]
    public async Task Upgrading_a_database_keeps_every_row()
    {
        // A database at version 1 (content and people only), with rows written as version 1 knew them …
        await using var old = await CreateStoreAsync();
        await using var db = new AcademyDatabase(old.Options);
        var migrator = new Migrator(db, Time, NullLogger<Migrator>.Instance);
        Assert.Equal([1], await migrator.MigrateAsync(targetVersion: 1));
        await using (var w = await db.BeginAsync())
        {
            var courseId = await w.ExecuteScalarAsync<long>(
                "INSERT INTO courses (code, title, topics, content_hash, updated_at) VALUES ('c', '{\"en\":\"C\"}', '[]', 'h', 0) RETURNING id");
            var cohortId = await w.ExecuteScalarAsync<long>(
                """
                INSERT INTO cohorts (code, course_id, name, start_date, time_zone, language, lesson_time, checkin_open,
                    checkin_close, quiz_time, quiz_questions, skip_weekends, holidays, content_hash)
                VALUES ('k', @courseId, '{"en":"K"}', '2026-12-01', 'Europe/Berlin', 'en', '07:30', '08:00', '21:00', '12:00', 3, 0, '[]', 'h')
                RETURNING id
                """, new { courseId });
            var groupId = await w.ExecuteScalarAsync<long>(
                "INSERT INTO study_groups (cohort_id, code, name, language) VALUES (@cohortId, 'G', '{\"en\":\"G\"}', 'en') RETURNING id", new { cohortId });
            var learnerId = await w.ExecuteScalarAsync<long>(
                "INSERT INTO learners (phone, name, created_at) VALUES ('+4915112345678', 'Anna', 0) RETURNING id");
            await w.ExecuteAsync(
                "INSERT INTO enrollments (cohort_id, learner_id, group_id, role, enrolled_at) VALUES (@cohortId, @learnerId, @groupId, 'learner', 0)",
                new { cohortId, learnerId, groupId });
            await w.CommitAsync();
        }

        // … is upgraded by the next start-up, and keeps everything; new columns read as their defaults.
        var applied = await migrator.MigrateAsync();
        // Numbers are reserved per branch, so the series may have gaps: every script above the first.
        Assert.Equal(Migrator.Scripts.Select(x => x.Version).Where(v => v > 1), applied);
        Assert.Equal(Migrator.LatestVersion, await migrator.CurrentVersionAsync());
        await using (var s = await db.BeginReadAsync())
        {
            Assert.Equal(1, await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM enrollments"));
            Assert.Equal(0, await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM answers")); // the new tables exist
            var cohort = await CohortStore.GetByCodeAsync(s, "k");
            Assert.NotNull(cohort);
            Assert.Equal(new TimeOnly(19, 0), cohort.Cohort.Schedule.Reminder);
            Assert.Equal(new TimeOnly(21, 0), cohort.Cohort.Schedule.Digest);
            Assert.Equal(DayOfWeek.Monday, cohort.Cohort.Schedule.WeeklyDigestDay);
        }

        // The upgraded store takes the current content as any other.
        var importer = new ContentImporter(db, Time);
        Assert.True((await importer.ImportAsync(Samples.All)).Succeeded);
        Assert.Equal(["digital-safety.yaml: no changes", "cohort-sample.yaml: no changes", "roster-sample.csv: no changes"],
            (await importer.ImportAsync(Samples.All)).Render(En).ToList());
    }

    [Fact]
    public async Task Two_processes_migrating_at_once_apply_each_script_once()
    {
        await using var fresh = await CreateStoreAsync();
        await using var a = new AcademyDatabase(fresh.Options);
        await using var b = new AcademyDatabase(fresh.Options);
        var results = await Task.WhenAll(
            new Migrator(a, Time, NullLogger<Migrator>.Instance).MigrateAsync(),
            new Migrator(b, Time, NullLogger<Migrator>.Instance).MigrateAsync());
        Assert.Equal(Migrator.Scripts.Select(x => x.Version), results.SelectMany(r => r).Order());
        await using var s = await a.BeginReadAsync();
        Assert.Equal(Migrator.Scripts.Count, await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Channel_accounts_link_to_roster_learners_with_their_role_and_language()
    {
        await ImportSamplesAsync();
        var directory = new LearnerDirectory(Time);
        await using (var s = await Db.BeginAsync())
        {
            var liaison = await directory.FindByPhoneAsync(s, "+84 912 345 678");
            Assert.NotNull(liaison);
            await directory.LinkIdentityAsync(s, "telegram", "7000000001", liaison.Id);
            await directory.LinkIdentityAsync(s, "telegram", "7000000001", liaison.Id); // again: harmless
            await s.CommitAsync();
        }
        await using var r = await Db.BeginReadAsync();
        var found = await directory.FindByIdentityAsync(r, "telegram", "7000000001");
        Assert.Equal("Trần Văn Hùng", found?.Name);
        Assert.Null(await directory.FindByIdentityAsync(r, "telegram", "7000000002"));
        Assert.Equal(Role.Liaison, await directory.HighestRoleAsync(r, found!.Id));
        var admin = await directory.FindByPhoneAsync(r, "+84903100200");
        Assert.Equal(Role.Admin, await directory.HighestRoleAsync(r, admin!.Id));
        Assert.Null((await directory.EnrollmentsAsync(r, admin.Id)).Single().GroupId);

        // Language: the learner's own, else the group's (Shanghai speaks Chinese).
        var shanghai = await r.ExecuteScalarAsync<long>(
            "SELECT e.learner_id FROM enrollments e JOIN study_groups g ON g.id = e.group_id JOIN learners l ON l.id = e.learner_id WHERE g.code = 'SH-01' AND l.language IS NULL");
        Assert.Equal("zh-Hans", await directory.LanguageOfAsync(r, shanghai));
        Assert.Equal("vi", await directory.LanguageOfAsync(r, found.Id));
        Assert.Equal(Catalog.Default.Get("zh-Hans", "quiz.true"), Catalog.Default.For(await directory.LanguageOfAsync(r, shanghai))["quiz.true"]);
    }

    [Fact]
    public async Task Registration_by_typed_number_links_the_account_keeps_the_chosen_language_and_audits_it()
    {
        await ImportSamplesAsync();
        var directory = new LearnerDirectory(Time);
        var registration = new Registration(directory, Catalog.Default, Time);
        await using (var s = await Db.BeginAsync())
        {
            // Before a language is chosen at /start a typed number registers nobody; a forged language saves nothing.
            Assert.Equal(RegistrationRefusal.StartFirst, (await registration.MatchTypedPhoneAsync(s, "teams", "u1", "+84914222333")).Refusal);
            Assert.Null(await registration.ChooseLanguageAsync(s, "teams", "u1", null, "klingon"));
            Assert.Equal(RegistrationRefusal.StartFirst, (await registration.MatchTypedPhoneAsync(s, "teams", "u1", "+84914222333")).Refusal);

            Assert.Equal("zh-Hans", await registration.ChooseLanguageAsync(s, "teams", "u1", null, "zh-Hans"));
            Assert.Equal(RegistrationRefusal.PhoneFormat, (await registration.MatchTypedPhoneAsync(s, "teams", "u1", "0914222333")).Refusal);
            Assert.Equal(RegistrationRefusal.NotOnRoster, (await registration.MatchTypedPhoneAsync(s, "teams", "u1", "+84 999 000 111")).Refusal);
            // A roster e-mail is the proof for Vũ Thu Hà, not a typed number.
            Assert.Equal(RegistrationRefusal.UseEmail, (await registration.MatchTypedPhoneAsync(s, "teams", "u1", "+84 986 112 233")).Refusal);
            var match = await registration.MatchTypedPhoneAsync(s, "teams", "u1", "+84 914 222 333");
            Assert.Null(match.Refusal);
            Assert.Equal("Phạm Minh Tuấn", match.Learner!.Name);

            var done = await registration.CompleteAsync(s, "teams", "u1", match.Learner, "typed phone number");
            Assert.Equal("zh-Hans", done.Language);
            Assert.Contains("Phạm Minh Tuấn", done.Welcome, StringComparison.Ordinal);
            Assert.Equal(Catalog.Default.Get("zh-Hans", "contact.welcome", ("name", "Phạm Minh Tuấn"), ("cohort", StoredText.In(
                    await s.ExecuteScalarAsync<string>("SELECT name FROM cohorts WHERE code = 'sample-2026'"), "zh-Hans")),
                ("role", "learner"), ("grouped", "yes"), ("group", StoredText.In(
                    await s.ExecuteScalarAsync<string>("SELECT name FROM study_groups WHERE code = 'HN-01'"), "zh-Hans")), ("code", "HN-01")),
                done.Welcome);
            Assert.Equal(await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts WHERE code = 'sample-2026'"), done.OfferExamsOfCohort);
            await s.CommitAsync();
        }
        await using (var r = await Db.BeginReadAsync())
        {
            var linked = await directory.FindByIdentityAsync(r, "teams", "u1");
            Assert.Equal("Phạm Minh Tuấn", linked?.Name);
            Assert.Equal("zh-Hans", linked!.Language); // the language picked at /start is theirs now
            Assert.Null(await ConversationStore.StateAsync(r, "teams", "u1"));
            Assert.Equal($"learner {linked.Id} by typed phone number",
                await r.ExecuteScalarAsync<string>("SELECT detail FROM audit_log WHERE actor = 'teams:u1' AND action = 'linked'"));
        }
        // The same number typed from another account is taken; an admin is offered no pre-test.
        await using (var s = await Db.BeginAsync())
        {
            await registration.ChooseLanguageAsync(s, "teams", "u2", null, "en");
            Assert.Equal(RegistrationRefusal.PhoneTaken, (await registration.MatchTypedPhoneAsync(s, "teams", "u2", "+84914222333")).Refusal);
            var admin = (await directory.FindByPhoneAsync(s, "+84903100200"))!;
            var done = await registration.CompleteAsync(s, "teams", "u2", admin, "organisation e-mail");
            Assert.Null(done.OfferExamsOfCohort);
            Assert.Equal("en", done.Language);
        }
    }

    [Fact]
    public async Task A_shared_contact_registers_only_its_owner_on_the_roster()
    {
        await ImportSamplesAsync();
        var registration = new Registration(new LearnerDirectory(Time), Catalog.Default, Time);
        await using var s = await Db.BeginAsync();
        Assert.Equal(RegistrationRefusal.NotOwnContact, (await registration.MatchContactAsync(s, "5001", "5002", "+84914222333")).Refusal);
        Assert.Equal(RegistrationRefusal.NotOnRoster, (await registration.MatchContactAsync(s, "5001", "5001", "+84 999 000 111")).Refusal);
        Assert.Equal("Phạm Minh Tuấn", (await registration.MatchContactAsync(s, "5001", "5001", "+84914222333")).Learner?.Name);
    }

    [Fact]
    public async Task Clearing_a_features_conversation_state_leaves_another_features_state()
    {
        await using (var s = await Db.BeginAsync())
        {
            await ConversationStore.SetStateAndLanguageAsync(s, "telegram", "1", Registration.AwaitingContact, "vi", Time.GetUtcNow());
            await ConversationStore.ClearStateStartingWithAsync(s, "telegram", "1", "announce:");
            await ConversationStore.SetStateAsync(s, "telegram", "2", "announce:5:text", Time.GetUtcNow());
            await ConversationStore.ClearStateStartingWithAsync(s, "telegram", "2", "announce:");
            await s.CommitAsync();
        }
        await using var r = await Db.BeginReadAsync();
        Assert.Equal(Registration.AwaitingContact, await ConversationStore.StateAsync(r, "telegram", "1"));
        Assert.Equal("vi", await ConversationStore.ChosenLanguageAsync(r, "telegram", "1"));
        Assert.Null(await ConversationStore.StateAsync(r, "telegram", "2"));
    }

    [Fact]
    public async Task A_group_has_one_chat_per_channel_and_a_chat_one_group()
    {
        await ImportSamplesAsync();
        var directory = new LearnerDirectory(Time);
        var groups = (await QueryAsync<long>("SELECT id FROM study_groups ORDER BY id")).ToList();
        await using (var s = await Db.BeginAsync())
        {
            await directory.BindGroupChatAsync(s, groups[0], new ChatAddress("telegram", "-1001234567890123"));
            await directory.BindGroupChatAsync(s, groups[0], new ChatAddress("playground", "g1"));
            await directory.BindGroupChatAsync(s, groups[1], new ChatAddress("telegram", "-1009999"));
            // The first group moves to a new Telegram chat (e.g. after a supergroup upgrade).
            await directory.BindGroupChatAsync(s, groups[0], new ChatAddress("telegram", "-1005555", ThreadId: "42"));
            await s.CommitAsync();
        }
        await using var r = await Db.BeginReadAsync();
        Assert.Equal(
            [new ChatAddress("playground", "g1"), new ChatAddress("telegram", "-1005555", "42")],
            await LearnerDirectory.ChatsOfGroupAsync(r, groups[0]));
        Assert.Null(await LearnerDirectory.GroupOfChatAsync(r, "telegram", "-1001234567890123"));
        Assert.Equal(groups[1], await LearnerDirectory.GroupOfChatAsync(r, "telegram", "-1009999"));
    }

    [Fact]
    public async Task A_refused_chat_is_unreachable_until_the_person_links_again()
    {
        await ImportSamplesAsync();
        var directory = new LearnerDirectory(Time);
        var groupId = (await QueryAsync<long>("SELECT id FROM study_groups ORDER BY id")).First();
        await using (var s = await Db.BeginAsync())
        {
            var learner = (await directory.FindByPhoneAsync(s, "+84913000111"))!;
            await directory.LinkIdentityAsync(s, "telegram", "5003", learner.Id);
            await directory.BindGroupChatAsync(s, groupId, new ChatAddress("telegram", "-100777"));
            await directory.MarkUnreachableAsync(s, new ChatAddress("telegram", "5003"));   // blocked the bot
            await directory.MarkUnreachableAsync(s, new ChatAddress("telegram", "-100777")); // kicked from the group
            await s.CommitAsync();
        }
        await using (var r = await Db.BeginReadAsync())
        {
            Assert.False(await LearnerDirectory.IsReachableAsync(r, "telegram", "5003"));
            Assert.Empty(await LearnerDirectory.ChatsOfGroupAsync(r, groupId));
            Assert.NotNull(await directory.FindByIdentityAsync(r, "telegram", "5003")); // still known
        }
        await using (var s = await Db.BeginAsync())
        {
            var learner = (await directory.FindByPhoneAsync(s, "+84913000111"))!;
            await directory.LinkIdentityAsync(s, "telegram", "5003", learner.Id); // /start again
            await s.CommitAsync();
        }
        await using var again = await Db.BeginReadAsync();
        Assert.True(await LearnerDirectory.IsReachableAsync(again, "telegram", "5003"));
    }

    [Fact]
    public async Task An_arrival_in_a_chat_is_recorded_once_until_the_bot_leaves_it()
    {
        var directory = new LearnerDirectory(Time);
        var group = new ChatAddress("telegram", "-1009876543210");
        async Task<bool> ArriveAsync()
        {
            await using var s = await Db.BeginAsync();
            var first = await directory.RecordArrivalAsync(s, group);
            await s.CommitAsync();
            return first;
        }
        // Two reports of one arrival, at once (two hosts, or a batch): one of them is the first.
        var firsts = await Task.WhenAll(ArriveAsync(), ArriveAsync());
        Assert.Equal(1, firsts.Count(f => f));
        Assert.False(await ArriveAsync());
        await using (var s = await Db.BeginAsync())
        {
            // The same id on another channel is another chat.
            Assert.True(await directory.RecordArrivalAsync(s, group with { Channel = "botframework" }));
            await LearnerDirectory.RecordDepartureAsync(s, group);
            await s.CommitAsync();
        }
        Assert.True(await ArriveAsync());
        Assert.False(await ArriveAsync());
    }

    // ---- helpers ----

    private async Task<(long CohortId, long LearnerId, long DeliveryId)> PrepareQuestionDeliveryAsync(string code)
    {
        await using var s = await Db.BeginAsync();
        var cohortId = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts");
        var learnerId = await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = '+84913000111'");
        var groupId = await s.ExecuteScalarAsync<long>("SELECT group_id FROM enrollments WHERE learner_id = @learnerId", new { learnerId });
        var questionId = await s.ExecuteScalarAsync<long>("SELECT id FROM questions WHERE code = @code", new { code });
        var deliveryId = await Record.RecordDeliveryAsync(s,
            new Delivery($"c{cohortId}/d1/question/g{groupId}/q{questionId}", cohortId, groupId, null, 1, DeliveryKind.Question, QuestionId: questionId));
        await s.CommitAsync();
        return (cohortId, learnerId, deliveryId);
    }

    private async Task<(long DeliveryId, long LearnerId, bool Correct)> AnswerOneQuestionAsync(string code)
    {
        var (_, learnerId, deliveryId) = await PrepareQuestionDeliveryAsync(code);
        var question = await QuestionAsync(code);
        await using var s = await Db.BeginAsync();
        var outcome = await Record.RecordAnswerAsync(s, deliveryId, learnerId, Response.Choose(question.Correct.ToArray()));
        await s.CommitAsync();
        Assert.Equal(AnswerStatus.Recorded, outcome.Status);
        return (deliveryId, learnerId, outcome.Correct);
    }

    private async Task<Question> QuestionAsync(string code)
    {
        await using var s = await Db.BeginReadAsync();
        var id = await s.ExecuteScalarAsync<long>("SELECT id FROM questions WHERE code = @code", new { code });
        return (await ContentStore.GetQuestionAsync(s, id))!;
    }

    private async Task<IEnumerable<T>> QueryAsync<T>(string sql)
    {
        await using var s = await Db.BeginReadAsync();
        return (await s.QueryAsync<T>(sql)).ToList();
    }

    private async Task<T> QueryFirstAsync<T>(string sql) => (await QueryAsync<T>(sql)).First();

    private async Task<string> CountAllAsync()
    {
        var sb = new StringBuilder();
        foreach (var table in new[] { "courses", "lessons", "questions", "cohorts", "study_groups", "learners", "enrollments", "audit_log" })
            sb.Append(table).Append('=').Append(await CountAsync(table)).Append(';');
        sb.Append(await ScalarAsync<string>("SELECT title FROM courses"));
        return sb.ToString();
    }

    private static string RemoveQuestion(string pack, string id)
    {
        var lines = pack.Split('\n').ToList();
        var start = lines.FindIndex(l => l.TrimStart().StartsWith($"- id: {id}", StringComparison.Ordinal));
        Assert.True(start >= 0, $"question {id} not found in the sample pack");
        var indent = lines[start].IndexOf('-', StringComparison.Ordinal);
        var end = start + 1;
        while (end < lines.Count && (lines[end].Trim().Length == 0 || lines[end].Length - lines[end].TrimStart().Length > indent)) end++;
        lines.RemoveRange(start, end - start);
        return string.Join('\n', lines);
    }
}

public sealed class SqliteStorageTests : StorageSuite
{
    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());
}

[Trait("Category", "Postgres")]
public sealed class PostgresStorageTests : StorageSuite
{
    protected override async Task<ITestStore> CreateStoreAsync() => await PostgresTestStore.CreateAsync();
}
