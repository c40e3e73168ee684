using System.Collections.Concurrent;
using System.Text;
using Academy.BotHost.Hosting;
using Academy.Learning.Daily;
using Academy.Learning.Import;
using Academy.Learning.Storage;
using Academy.Scheduler;
using Academy.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Quartz;
using Academy.BotHost.Features.Announcements;
using Academy.Learning.Content;

namespace Academy.Tests.Scheduler;

/// <summary>
/// The scheduler as the host registers it (same extension, same store), without the web host: a
/// recording runner in place of the daily programme, a clock of the test's choosing. Not started
/// until <see cref="StartAsync"/>, so planning tests read the triggers without anything firing.
/// </summary>
public sealed class SchedulerHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private bool _started;

    private SchedulerHarness(ServiceProvider services) => _services = services;

    public static async Task<SchedulerHarness> CreateAsync(StoreOptions store, TimeProvider time, IDictionary<string, string?>? settings = null,
        RecordingRunner? runner = null, RecordingTask? task = null, IEnumerable<IRecurringTask>? recurring = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = store.Provider.ToString(),
            ["Storage:SqlitePath"] = store.SqlitePath,
            ["Storage:ConnectionString"] = store.ConnectionString,
            ["Scheduler:ClusterCheckinInterval"] = "00:00:01",
            ["Scheduler:ClusterCheckinMisfireThreshold"] = "00:00:02",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) values[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        // ACADEMY_TEST_LOGS=1 shows Quartz's and the planner's logs when a scheduler test needs explaining.
        services.AddLogging(b => { if (Environment.GetEnvironmentVariable("ACADEMY_TEST_LOGS") == "1") b.AddConsole(); });
        services.AddSingleton<IConfiguration>(configuration);
        services.AddAcademyStore(configuration);
        services.AddAcademyLearning();
        services.Replace(ServiceDescriptor.Singleton(time));
        services.AddAcademyScheduler(configuration);
        runner ??= new RecordingRunner();
        services.Replace(ServiceDescriptor.Singleton<IProgrammeRunner>(runner));
        if (task is not null) services.AddSingleton<IOneOffTask>(task);
        foreach (var r in recurring ?? []) services.AddSingleton(r);
        var provider = services.BuildServiceProvider();
        runner.Database = provider.GetRequiredService<AcademyDatabase>();
        await provider.MigrateAcademyStoreAsync();
        return new SchedulerHarness(provider);
    }

    public IServiceProvider Services => _services;
    public ProgrammePlanner Planner => _services.GetRequiredService<ProgrammePlanner>();
    public OneOffJobs OneOff => _services.GetRequiredService<OneOffJobs>();
    public AcademyDatabase Database => _services.GetRequiredService<AcademyDatabase>();
    public RecurringTasks Recurring => _services.GetRequiredService<RecurringTasks>();

    public async Task<IScheduler> SchedulerAsync() => await _services.GetRequiredService<ISchedulerFactory>().GetScheduler(CancellationToken.None);

    /// <summary>Schedules the recurring tasks and starts Quartz (the host's hosted services do the same, inside the host's start-up).</summary>
    public async Task StartAsync()
    {
        await Recurring.ScheduleAsync();
        await (await SchedulerAsync()).Start(CancellationToken.None);
        _started = true;
    }

    public async Task ImportAsync(params (string Name, string Text)[] files)
    {
        var report = await _services.GetRequiredService<ContentImporter>().ImportAsync(
            files.Select(f => (f.Name, (byte[]?)Encoding.UTF8.GetBytes(f.Text))).ToList());
        Assert.True(report.Succeeded, string.Join('\n', report.Errors.Select(e => e.Render(Academy.Learning.Localization.Catalog.Default.For("en")))));
    }

    public async Task<StoredCohort> CohortAsync(string code)
    {
        await using var s = await Database.BeginReadAsync();
        return await CohortStore.GetByCodeAsync(s, code) ?? throw new InvalidOperationException(code);
    }

    /// <summary>The cohort's triggers as stored in Quartz: key → next fire time (UTC).</summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> TriggersAsync(long cohortId)
    {
        var scheduler = await SchedulerAsync();
        var page = await scheduler.QueryTriggers(new TriggerQuery
        {
            Group = GroupMatcher<TriggerKey>.GroupEquals(ProgrammeJob.GroupOf(cohortId)),
            Take = PagedQuery.All,
        }, CancellationToken.None);
        return page.Items.ToDictionary(t => t.Key.Name, t => t.NextFireTimeUtc ?? t.StartTimeUtc);
    }

    public async ValueTask DisposeAsync()
    {
        if (_started) await (await SchedulerAsync()).Shutdown(true, CancellationToken.None);
        await _services.DisposeAsync();
    }
}

/// <summary>Stands in for the daily programme: records each run; can fail the first runs of an item.</summary>
public sealed class RecordingRunner : IProgrammeRunner
{
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new();

    public ConcurrentQueue<(long CohortId, string Key, string? Instance)> Runs { get; } = new();
    public ConcurrentQueue<string> Failures { get; } = new();

    public void FailFirst(string key, int times) => _failuresLeft[key] = times;

    /// <summary>
    /// Where a run is recorded, as the real runner does (programme_runs): the planner trusts that record,
    /// and would otherwise take a moment that just fired for one whose trigger was lost.
    /// </summary>
    public AcademyDatabase? Database { get; set; }

    public async Task<RunResult> RunAsync(long cohortId, ProgrammeItem item, int day, CancellationToken ct)
    {
        var key = item == ProgrammeItem.WeeklyDigest ? $"{PlannedItem.NameOf(item)}/w{day}" : $"{PlannedItem.NameOf(item)}/d{day}";
        if (_failuresLeft.TryGetValue(key, out var left) && left > 0)
        {
            _failuresLeft[key] = left - 1;
            Failures.Enqueue(key);
            throw new TimeoutException("a transient failure, on purpose");
        }
        Runs.Enqueue((cohortId, key, null));
        if (Database is { } db)
        {
            await using var s = await db.BeginAsync(ct);
            await s.ExecuteAsync(
                """
                INSERT INTO programme_runs (cohort_id, item, day, planned_at, ran_at, outcome, groups_reached, messages)
                VALUES (@cohortId, @item, @day, 0, 0, 'done', 1, 1) ON CONFLICT DO NOTHING
                """, new { cohortId, item = PlannedItem.NameOf(item), day });
            await s.CommitAsync(ct);
        }
        return new RunResult(RunOutcome.Done, 1, 1);
    }

    public int Count(string key) => Runs.Count(r => r.Key == key);
}

/// <summary>A one-off task of kind "test" that records what it ran.</summary>
public sealed class RecordingTask : IOneOffTask
{
    public string Kind => "test";
    public ConcurrentQueue<(string Key, IReadOnlyDictionary<string, string> Data)> Runs { get; } = new();

    public Task RunAsync(string key, IReadOnlyDictionary<string, string> data, CancellationToken ct)
    {
        Runs.Enqueue((key, data));
        return Task.CompletedTask;
    }
}

/// <summary>Course packs and cohorts written for scheduler tests.</summary>
public static class SchedulerSamples
{
    public static (string, string) Pack(int lessons = 12)
    {
        var text = File.ReadAllText(Samples.Pack);
        if (lessons < 12)
        {
            // Cut the lessons after day N; the questions hang on topics, not days, so they stay valid.
            var from = text.IndexOf($"\n    - day: {lessons + 1}\n", StringComparison.Ordinal);
            var to = text.IndexOf("\n  questions:", StringComparison.Ordinal);
            text = text[..from] + "\n" + text[to..];
        }
        return ("digital-safety.yaml", text);
    }

    public static (string, string) Cohort(string code, string zone, string start, string lesson = "07:30", string checkinOpen = "07:30",
        string checkinClose = "21:00", string quiz = "12:00", string reminder = "19:00", string digest = "21:15", bool skipWeekends = false,
        string holidays = "[]", string groups = "[G1]") =>
        ($"{code}.yaml", $"""
        cohort:
          code: {code}
          name: {code}
          course: digital-safety
          start: {start}
          timezone: {zone}
          language: en
          schedule:
            lesson: "{lesson}"
            checkin_open: "{checkinOpen}"
            checkin_close: "{checkinClose}"
            quiz: "{quiz}"
            reminder: "{reminder}"
            digest: "{digest}"
            weekly_digest: monday 09:00
          skip_weekends: {(skipWeekends ? "true" : "false")}
          holidays: {holidays}
          groups:
        {string.Concat(groups.Trim('[', ']').Split(',').Select(g => $"    - code: {g.Trim()}\n      name: {g.Trim()}\n"))}
        """);
}
