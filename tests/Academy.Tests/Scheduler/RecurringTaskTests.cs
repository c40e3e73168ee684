using System.Collections.Concurrent;
using System.Diagnostics;
using Academy.Learning.Storage;
using Academy.Scheduler;
using Academy.Tests.Support;
using Quartz;

namespace Academy.Tests.Scheduler;

/// <summary>
/// Recurring tasks on the real Quartz, as the host schedules them: round after round a pause apart and
/// never two at once, a failed round followed by the next, rounds missed while the host was down run
/// once, a restart that leaves the schedule alone, an edited interval that replaces it.
/// </summary>
public sealed class RecurringTaskTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2027-03-10T00:00:00Z");

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task A_task_runs_round_after_round_a_pause_apart_and_a_failed_round_does_not_stop_it(StoreProvider provider)
    {
        await using var store = provider == StoreProvider.Sqlite ? (ITestStore)new SqliteTestStore() : await PostgresTestStore.CreateAsync();
        var beat = new RecordingRecurringTask("beat", TimeSpan.FromMilliseconds(300), busyFor: TimeSpan.FromMilliseconds(100), failRound: 2);
        await using var h = await SchedulerHarness.CreateAsync(store.Options, new ShiftedTime(T0), recurring: [beat]);
        await h.StartAsync();

        await WaitUntilAsync(() => beat.Rounds.Count >= 6, "six rounds");
        var rounds = beat.Rounds.ToList();
        // The second round threw; the ones after it came all the same.
        Assert.True(rounds[1].Failed);
        Assert.All(rounds.Skip(2), r => Assert.False(r.Failed));
        AssertOneAtATime(rounds, beat.Interval);
    }

    [Fact]
    public async Task A_restart_keeps_the_schedule_an_edited_interval_replaces_it_and_a_task_no_longer_built_loses_it()
    {
        await using var store = new SqliteTestStore();
        await using (var first = await SchedulerHarness.CreateAsync(store.Options, new FakeTime(T0),
                         recurring: [new RecordingRecurringTask("a", TimeSpan.FromHours(1)), new RecordingRecurringTask("b", TimeSpan.FromHours(1))]))
        {
            await first.Recurring.ScheduleAsync();
            Assert.Equal(T0.AddHours(1), await NextFireAsync(first, "a"));
        }

        // Ten minutes later a host starts with the same tasks: the next rounds stay where they were.
        await using (var same = await SchedulerHarness.CreateAsync(store.Options, new FakeTime(T0.AddMinutes(10)),
                         recurring: [new RecordingRecurringTask("a", TimeSpan.FromHours(1)), new RecordingRecurringTask("b", TimeSpan.FromHours(1))]))
        {
            await same.Recurring.ScheduleAsync();
            Assert.Equal(T0.AddHours(1), await NextFireAsync(same, "a"));
            Assert.Equal(T0.AddHours(1), await NextFireAsync(same, "b"));
        }

        // Then one with a's interval edited and b gone from the build.
        await using var edited = await SchedulerHarness.CreateAsync(store.Options, new FakeTime(T0.AddMinutes(20)),
            recurring: [new RecordingRecurringTask("a", TimeSpan.FromHours(2))]);
        await edited.Recurring.ScheduleAsync();
        var scheduler = await edited.SchedulerAsync();
        var a = Assert.IsAssignableFrom<ISimpleTrigger>(await scheduler.GetTrigger(RecurringTasks.TriggerKeyOf("a"), CancellationToken.None));
        Assert.Equal(TimeSpan.FromHours(2), a.RepeatInterval);
        Assert.Equal(T0.AddMinutes(20).AddHours(2), a.NextFireTimeUtc);
        Assert.False(await scheduler.Exists(RecurringTasks.JobKeyOf("b"), CancellationToken.None));
        Assert.Null(await scheduler.GetTrigger(RecurringTasks.TriggerKeyOf("b"), CancellationToken.None));
    }

    [Fact]
    public async Task Rounds_missed_while_the_host_was_down_run_once_when_it_is_back()
    {
        await using var store = new SqliteTestStore();
        await using (var before = await SchedulerHarness.CreateAsync(store.Options, new FakeTime(T0),
                         recurring: [new RecordingRecurringTask("minutely", TimeSpan.FromMinutes(1))]))
            await before.Recurring.ScheduleAsync();

        // Down for ten minutes: nine rounds were due meanwhile.
        var minutely = new RecordingRecurringTask("minutely", TimeSpan.FromMinutes(1));
        await using var after = await SchedulerHarness.CreateAsync(store.Options, new ShiftedTime(T0.AddMinutes(10)), recurring: [minutely]);
        await after.StartAsync();
        await WaitUntilAsync(() => minutely.Rounds.Count >= 1, "the missed round");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(minutely.Rounds);
        // The next one comes an interval after that one, not at the old pace.
        Assert.True(await NextFireAsync(after, "minutely") > T0.AddMinutes(10).AddSeconds(50));
    }

    [Fact]
    public async Task Two_tasks_with_one_name_stop_the_start_with_the_name()
    {
        await using var store = new SqliteTestStore();
        await using var h = await SchedulerHarness.CreateAsync(store.Options, new FakeTime(T0),
            recurring: [new RecordingRecurringTask("same", TimeSpan.FromMinutes(1)), new RecordingRecurringTask("same", TimeSpan.FromMinutes(2))]);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => h.Recurring.ScheduleAsync());
        Assert.Equal("Recurring task names must be unique: same.", error.Message);
        Assert.False(await (await h.SchedulerAsync()).Exists(RecurringTasks.JobKeyOf("same"), CancellationToken.None));
    }

    /// <summary>Never two rounds at once; each begins at least an interval (less a little timer slack) after the previous one ended.</summary>
    internal static void AssertOneAtATime(IReadOnlyList<Round> rounds, TimeSpan interval)
    {
        var ordered = rounds.OrderBy(r => r.Start).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            var pause = ordered[i].Start - ordered[i - 1].End;
            Assert.True(pause >= interval * 0.8,
                $"round {i + 1} began {pause.TotalMilliseconds:0} ms after round {i} ended (interval {interval.TotalMilliseconds:0} ms):\n"
                + string.Join("\n", ordered.Select(r => $"{r.Start:HH:mm:ss.fff} – {r.End:HH:mm:ss.fff} {r.Where}")));
        }
    }

    private static async Task<DateTimeOffset?> NextFireAsync(SchedulerHarness h, string name) =>
        (await (await h.SchedulerAsync()).GetTrigger(RecurringTasks.TriggerKeyOf(name), CancellationToken.None))?.NextFireTimeUtc;

    private static async Task WaitUntilAsync(Func<bool> done, string what, int seconds = 20)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds)) Assert.Fail("Timed out waiting for " + what);
            await Task.Delay(50);
        }
    }
}

/// <summary>One round of a recurring task: when it ran (real time), where, and whether it threw.</summary>
public sealed record Round(DateTimeOffset Start, DateTimeOffset End, string Where, bool Failed = false);

/// <summary>A recurring task that records its rounds; it can take a while and fail one round on purpose.</summary>
public sealed class RecordingRecurringTask(string name, TimeSpan interval, TimeSpan busyFor = default, int failRound = 0) : IRecurringTask
{
    private int _round;

    public string Name => name;
    public TimeSpan Interval => interval;
    public ConcurrentQueue<Round> Rounds { get; } = new();

    public async Task RunAsync(CancellationToken ct)
    {
        var start = DateTimeOffset.UtcNow;
        if (busyFor > TimeSpan.Zero) await Task.Delay(busyFor, ct);
        var failed = Interlocked.Increment(ref _round) == failRound;
        Rounds.Enqueue(new Round(start, DateTimeOffset.UtcNow, name, failed));
        if (failed) throw new TimeoutException("a transient failure, on purpose");
    }
}
