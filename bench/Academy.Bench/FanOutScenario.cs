using System.Diagnostics;
using System.Globalization;
using System.Text;
using Academy.BotHost.Hosting;
using Academy.Learning.Daily;
using Academy.Learning.Import;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Academy.BotHost.Features.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Bench;

/// <summary>
/// <c>fanout</c>: one cohort of 2,800 study groups (the national class), each bound to a chat with
/// a few learners; each of the day's triggers (lesson, check-in, quiz, reminder, close) is run as
/// the scheduler's job runs it, and timed from the call to the committed outbox rows.
/// Baseline: the bare minimum the lesson trigger must write — one delivery and one outbox row per
/// group, inserted in one transaction with no reads — measured on the same store in the same run.
/// </summary>
public static class FanOutScenario
{
    public static async Task RunAsync(BenchStore store, BenchOptions options, BenchReport report)
    {
        int groups = options.Quick ? 60 : 2_800, learnersPerGroup = options.Quick ? 3 : 10;
        var clock = new BenchClock(DateTimeOffset.Parse("2026-11-30T00:00:00Z", CultureInfo.InvariantCulture));
        await using var services = Services(store, clock);
        await services.GetRequiredService<Migrator>().MigrateAsync();
        var db = services.GetRequiredService<AcademyDatabase>();
        var cohortId = await SeedAsync(services, db, groups, learnersPerGroup);
        Console.WriteLine($"fanout/{store.Name}: {groups} groups × {learnersPerGroup} learners seeded");

        StoredCohort cohort;
        await using (var s = await db.BeginReadAsync()) cohort = (await CohortStore.GetAsync(s, cohortId))!;
        var programme = services.GetRequiredService<DailyProgramme>();
        var runs = new List<(ProgrammeItem Item, RunResult Result, double Seconds)>();
        foreach (var item in new[] { ProgrammeItem.Lesson, ProgrammeItem.CheckIn, ProgrammeItem.Quiz, ProgrammeItem.Reminder, ProgrammeItem.Close })
        {
            var planned = ProgrammePlan.Find(cohort, item, 1)!;
            clock.Now = planned.At;
            var watch = Stopwatch.StartNew();
            var result = await programme.RunAsync(cohortId, item, 1);
            var seconds = watch.Elapsed.TotalSeconds;
            if (result.Outcome != RunOutcome.Done) throw new InvalidOperationException($"{item}: {result.Outcome}");
            runs.Add((item, result, seconds));
        }

        // The baseline writes as many bytes as the lesson did, in the fastest plain way.
        double lessonPayload;
        await using (var s = await db.BeginReadAsync())
            lessonPayload = await s.ExecuteScalarAsync<double>("SELECT AVG(LENGTH(payload)) FROM outbox WHERE idem_key LIKE '%/lesson/%'");
        var baseline = await BaselineAsync(db, cohortId, (int)lessonPayload);
        foreach (var (item, result, seconds) in runs)
        {
            bool? met = item == ProgrammeItem.Lesson && !options.Quick ? seconds <= 1.0 : null;
            report.Add(new Figure("fanout", store.Name, $"{PlannedItem.NameOf(item)}: {result.MessagesQueued} rows, {result.GroupsReached} groups",
                seconds, "s", "bare inserts", baseline, baseline / seconds,
                item == ProgrammeItem.Lesson ? "≤ 1 s for 2,800 groups" : "", met));
        }
    }

    internal static ServiceProvider Services(BenchStore store, TimeProvider clock, Action<IServiceCollection>? more = null)
    {
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole());
        services.AddSingleton(new AcademyDatabase(store.Options));
        services.AddSingleton<Migrator>();
        services.AddAcademyLearning();
        services.AddAcademyChat();
        services.AddSingleton<IConfiguration>(configuration);
        more?.Invoke(services);
        services.AddSingleton(clock); // registered last: the programme reads this clock
        return services.BuildServiceProvider();
    }

    internal static async Task<long> SeedAsync(IServiceProvider services, AcademyDatabase db, int groups, int learnersPerGroup)
    {
        var importer = services.GetRequiredService<ContentImporter>();
        var pack = Path.Combine(AppContext.BaseDirectory, "content", "digital-safety.yaml");
        var cohort = new StringBuilder(
            """
            cohort:
              code: national-2026
              name: National class
              course: digital-safety
              start: 2026-12-01
              timezone: Asia/Shanghai
              language: zh-Hans
              schedule:
                lesson: "07:30"
                checkin_open: "07:30"
                checkin_close: "21:00"
                quiz: "12:00"
              quiz_questions: 3
              groups:

            """);
        var roster = new StringBuilder("cohort,group,name,phone,role\n");
        for (int g = 1; g <= groups; g++)
        {
            cohort.Append(CultureInfo.InvariantCulture, $"    - code: G{g:0000}\n      name: County group {g}\n");
            for (int l = 0; l < learnersPerGroup; l++)
                roster.Append(CultureInfo.InvariantCulture, $"national-2026,G{g:0000},学员 {g}-{l},+86139{g:0000}{l:000},{(l == 0 ? "liaison" : "learner")}\n");
        }
        var result = await importer.ImportAsync([
            ("digital-safety.yaml", await File.ReadAllBytesAsync(pack)),
            ("national.yaml", Encoding.UTF8.GetBytes(cohort.ToString())),
            ("national.csv", Encoding.UTF8.GetBytes(roster.ToString())),
        ]);
        if (!result.Succeeded)
            throw new InvalidOperationException(string.Join("\n", result.Errors.Select(e => $"{e.File}:{e.Line} {e.Field} {e.MessageKey}")));

        var directory = services.GetRequiredService<LearnerDirectory>();
        await using var w = await db.BeginAsync();
        var cohortId = await w.ExecuteScalarAsync<long>("SELECT id FROM cohorts WHERE code = 'national-2026'");
        foreach (var (id, code) in await w.QueryAsync<(long, string)>("SELECT id, code FROM study_groups WHERE cohort_id = @cohortId", new { cohortId }))
            await directory.BindGroupChatAsync(w, id, new ChatAddress("telegram", "-100" + id.ToString("0000000000", CultureInfo.InvariantCulture)));
        await w.CommitAsync();
        return cohortId;
    }

    /// <summary>
    /// The bare minimum the lesson trigger writes, with nothing else: a delivery and an outbox row per
    /// group carrying a payload of the lesson's size, in multi-row inserts of one transaction. Seconds.
    /// </summary>
    private static async Task<double> BaselineAsync(AcademyDatabase db, long cohortId, int payloadLength)
    {
        var groupIds = new List<long>();
        await using (var r = await db.BeginReadAsync())
            groupIds.AddRange(await r.QueryAsync<long>("SELECT id FROM study_groups WHERE cohort_id = @cohortId", new { cohortId }));
        var payload = new string('x', Math.Max(2, payloadLength));
        var watch = Stopwatch.StartNew();
        await using (var w = await db.BeginAsync())
        {
            foreach (var chunk in groupIds.Chunk(200))
            {
                var deliveries = new StringBuilder("INSERT INTO deliveries (idem_key, cohort_id, group_id, day, kind, delivered_at) VALUES ");
                var rows = new StringBuilder("INSERT INTO outbox (idem_key, channel, chat_id, payload, status, attempts, not_before, created_at) VALUES ");
                var args = new Dapper.DynamicParameters();
                args.Add("cohortId", cohortId);
                args.Add("payload", payload);
                for (int i = 0; i < chunk.Length; i++)
                {
                    deliveries.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"(@k{i}, @cohortId, @g{i}, 99, 'Lesson', 0)");
                    rows.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"(@k{i}, 'baseline', @c{i}, @payload, 'done', 0, 0, 0)");
                    args.Add($"k{i}", $"baseline/{chunk[i]}");
                    args.Add($"g{i}", chunk[i]);
                    args.Add($"c{i}", chunk[i].ToString(CultureInfo.InvariantCulture));
                }
                await w.ExecuteAsync(deliveries.ToString(), args);
                await w.ExecuteAsync(rows.ToString(), args);
            }
            await w.CommitAsync();
        }
        var seconds = watch.Elapsed.TotalSeconds;
        await using (var w = await db.BeginAsync())
        {
            await w.ExecuteAsync("DELETE FROM outbox WHERE channel = 'baseline'");
            await w.ExecuteAsync("DELETE FROM deliveries WHERE day = 99");
            await w.CommitAsync();
        }
        return seconds;
    }
}
