using System.Collections.Concurrent;
using System.Globalization;
using Academy.Learning.Storage;
using Academy.Scheduler;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Academy.Learning.Content;

namespace Academy.Bench;

/// <summary>
/// Scheduler lateness, measured with <c>fanout</c> (the issue counts both as that scenario): a minute of triggers, one a second, on the real scheduler (Quartz with its
/// persistent store on the Academy database, clustered on PostgreSQL, registered by
/// <see cref="SchedulerRegistration"/>), scheduled as one-off jobs the way announcements are. Each
/// one's lateness is the time its task starts minus the time it was due. Baseline: a plain
/// <see cref="PeriodicTimer"/> ticking once a second in the same process over the same minute.
/// </summary>
public static class LatenessScenario
{
    private const string Kind = "bench-tick";

    public static async Task RunAsync(BenchStore store, BenchOptions options, BenchReport report)
    {
        int ticks = options.Quick ? 5 : 60;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Scheduler:Enabled"] = "true",
            [$"{StoreOptions.Section}:Provider"] = store.Options.Provider.ToString(),
            [$"{StoreOptions.Section}:ConnectionString"] = store.Options.ConnectionString,
            [$"{StoreOptions.Section}:SqlitePath"] = store.Options.SqlitePath,
        }).Build();
        var recorder = new TickRecorder(TimeProvider.System);
        await using var services = FanOutScenario.Services(store, TimeProvider.System, s =>
        {
            s.AddAcademyScheduler(configuration);
            s.AddSingleton<IOneOffTask>(recorder);
        });
        await services.GetRequiredService<Migrator>().MigrateAsync();
        var scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.Start();
        try
        {
            var jobs = services.GetRequiredService<OneOffJobs>();
            // Whole seconds, two from now: scheduling all of them takes a moment, and due times on the second are what cohorts use.
            var first = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3);
            for (int i = 0; i < ticks; i++)
            {
                var due = first + TimeSpan.FromSeconds(i);
                await jobs.ScheduleAsync(Kind, due.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), due);
            }
            Console.WriteLine($"fanout/{store.Name}: {ticks} triggers, one a second, from {first:HH:mm:ss}");
            var baseline = PeriodicTimerLatenessAsync(first, ticks);
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(ticks + 60));
            while (recorder.Count < ticks) await Task.Delay(100, deadline.Token);
            var quartz = recorder.Lateness.Order().ToList();
            var timer = (await baseline).Order().ToList();
            foreach (var (name, q) in new[] { ("p50", 0.50), ("p99", 0.99), ("max", 1.0) })
            {
                double value = Percentile(quartz, q), reference = Percentile(timer, q);
                bool? met = name == "p99" && !options.Quick ? value < 1.0 : null;
                report.Add(new Figure("fanout", store.Name, $"scheduler lateness {name}, {ticks} triggers", value, "s",
                    "PeriodicTimer", reference, value > 0 ? reference / value : 1, name == "p99" ? "< 1 s" : "", met));
            }
        }
        finally
        {
            await scheduler.Shutdown(waitForJobsToComplete: true);
        }
    }

    // Each tick against the timer's own schedule (its start plus whole seconds), so the baseline is
    // the timer's jitter alone, not how late the timer itself was started on a busy machine.
    private static async Task<List<double>> PeriodicTimerLatenessAsync(DateTimeOffset first, int ticks)
    {
        var lateness = new List<double>();
        var start = first - TimeSpan.FromSeconds(1);
        while (DateTimeOffset.UtcNow < start) await Task.Delay(start - DateTimeOffset.UtcNow);
        var started = DateTimeOffset.UtcNow;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        for (int i = 0; i < ticks && await timer.WaitForNextTickAsync(); i++)
            lateness.Add((DateTimeOffset.UtcNow - (started + TimeSpan.FromSeconds(i + 1))).TotalSeconds);
        return lateness;
    }

    // Nearest rank: of 60 samples, p99 is the largest (an honest worst case, not an interpolation).
    private static double Percentile(List<double> sorted, double q) =>
        sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>The one-off task each trigger runs: notes how late it started (its key is its due time).</summary>
    private sealed class TickRecorder(TimeProvider time) : IOneOffTask
    {
        private readonly ConcurrentBag<double> _lateness = [];

        public string Kind => LatenessScenario.Kind;

        public int Count => _lateness.Count;

        public IEnumerable<double> Lateness => _lateness;

        public Task RunAsync(string key, IReadOnlyDictionary<string, string> data, CancellationToken ct)
        {
            var due = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(key, CultureInfo.InvariantCulture));
            _lateness.Add((time.GetUtcNow() - due).TotalSeconds);
            return Task.CompletedTask;
        }
    }
}
