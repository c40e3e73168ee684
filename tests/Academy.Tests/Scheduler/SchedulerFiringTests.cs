using Academy.Tests.Support;

namespace Academy.Tests.Scheduler;

/// <summary>The started scheduler: misfires after downtime, bounded retries, one-off tasks, planners racing on a cluster.</summary>
public sealed class SchedulerFiringTests
{
    private static readonly Dictionary<string, string?> FastRetries = new() { ["Scheduler:RetryDelay"] = "00:00:00.5" };

    private static async Task WaitUntilAsync(Func<bool> done, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!done())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("Timed out waiting for " + what);
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_moment_that_passed_while_the_host_was_down_fires_once_at_start()
    {
        await using var store = new SqliteTestStore();
        long cohortId;
        // Planned the evening before; the host then stays down through 07:30.
        await using (var down = await SchedulerHarness.CreateAsync(store.Options, new FakeTime(DateTimeOffset.Parse("2027-03-09T12:00:00Z"))))
        {
            await down.ImportAsync(SchedulerSamples.Pack(), SchedulerSamples.Cohort("misfire", "Asia/Ho_Chi_Minh", "2027-03-10"));
            cohortId = (await down.CohortAsync("misfire")).Id;
            await down.Planner.PlanAsync();
        }

        // Back at 07:35 local (00:35Z): the lesson and the check-in prompt (07:30) are overdue, the quiz (12:00) is not.
        var runner = new RecordingRunner();
        await using var up = await SchedulerHarness.CreateAsync(store.Options, new ShiftedTime(DateTimeOffset.Parse("2027-03-10T00:35:00Z")), runner: runner);
        await up.StartAsync();
        await WaitUntilAsync(() => runner.Count("lesson/d1") >= 1 && runner.Count("checkin/d1") >= 1, "the overdue moments");
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal(1, runner.Count("lesson/d1"));
        Assert.Equal(1, runner.Count("checkin/d1"));
        Assert.Equal(2, runner.Runs.Count);
        // Fired one-shot triggers are gone; the rest wait.
        var left = await up.TriggersAsync(cohortId);
        Assert.DoesNotContain("lesson/d1", left.Keys);
        Assert.Contains("quiz/d1", left.Keys);
        // Same instant: the lesson went first.
        Assert.Equal("lesson/d1", runner.Runs.First().Key);
    }

    [Fact]
    public async Task A_failing_run_is_refired_until_it_succeeds()
    {
        await using var store = new SqliteTestStore();
        var runner = new RecordingRunner();
        runner.FailFirst("lesson/d1", 2);
        await using var h = await SchedulerHarness.CreateAsync(store.Options, new ShiftedTime(DateTimeOffset.Parse("2027-03-10T00:31:00Z")), FastRetries, runner);
        await h.ImportAsync(SchedulerSamples.Pack(), SchedulerSamples.Cohort("retry", "Asia/Ho_Chi_Minh", "2027-03-10"));
        await h.StartAsync();
        await h.Planner.PlanAsync();

        await WaitUntilAsync(() => runner.Count("lesson/d1") == 1, "the third attempt");
        Assert.Equal(2, runner.Failures.Count(f => f == "lesson/d1"));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(1, runner.Count("lesson/d1"));
    }

    [Fact]
    public async Task One_off_tasks_run_once_at_their_time_and_can_be_moved_or_cancelled()
    {
        await using var store = new SqliteTestStore();
        var task = new RecordingTask();
        var time = new ShiftedTime(DateTimeOffset.Parse("2027-03-10T00:00:00Z"));
        await using var h = await SchedulerHarness.CreateAsync(store.Options, time, task: task);
        await h.StartAsync();
        var now = time.GetUtcNow();

        await h.OneOff.ScheduleAsync("test", "a1", now.AddSeconds(1), new Dictionary<string, string> { ["text"] = "hello" });
        await h.OneOff.ScheduleAsync("test", "a2", now.AddSeconds(1));
        Assert.True(await h.OneOff.CancelAsync("test", "a2"));
        await h.OneOff.ScheduleAsync("test", "a3", now.AddHours(1));
        Assert.Equal(now.AddHours(1), await h.OneOff.DueAsync("test", "a3"));
        await h.OneOff.ScheduleAsync("test", "a3", now.AddSeconds(1)); // moved earlier: replaces, does not add
        await h.OneOff.ScheduleAsync("test", "past", now.AddMinutes(-10)); // already due: runs now

        await WaitUntilAsync(() => task.Runs.Count >= 3, "three one-off runs");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(["a1", "a3", "past"], task.Runs.Select(r => r.Key).Order());
        Assert.Equal("hello", task.Runs.Single(r => r.Key == "a1").Data["text"]);
        Assert.False(await h.OneOff.CancelAsync("test", "a1"));          // ran: nothing left to cancel
        Assert.Null(await h.OneOff.DueAsync("test", "a3"));
    }

    [Fact]
    public async Task Two_clustered_instances_planning_at_once_leave_one_set_and_fire_each_trigger_once()
    {
        await using var store = await PostgresTestStore.CreateAsync();
        var time = new ShiftedTime(DateTimeOffset.Parse("2027-03-10T00:29:57Z")); // 07:29:57 local: day 1 about to begin
        var runner = new RecordingRunner();
        await using var a = await SchedulerHarness.CreateAsync(store.Options, time, runner: runner);
        await using var b = await SchedulerHarness.CreateAsync(store.Options, time, runner: runner);
        await a.ImportAsync(SchedulerSamples.Pack(), SchedulerSamples.Cohort("pair", "Asia/Ho_Chi_Minh", "2027-03-10"));
        var cohort = await a.CohortAsync("pair");

        await Task.WhenAll(a.Planner.PlanAsync(), b.Planner.PlanAsync(), a.Planner.PlanAsync(), b.Planner.PlanAsync());
        var triggers = await a.TriggersAsync(cohort.Id);
        Assert.Equal(Academy.Learning.Daily.ProgrammePlan.For(cohort).Select(p => p.Key).Order(), triggers.Keys.Order());

        await Task.WhenAll(a.StartAsync(), b.StartAsync());
        await WaitUntilAsync(() => runner.Count("lesson/d1") >= 1 && runner.Count("checkin/d1") >= 1, "day 1 on the cluster");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(1, runner.Count("lesson/d1"));
        Assert.Equal(1, runner.Count("checkin/d1"));
        Assert.Equal(2, runner.Runs.Count);
        var nodes = await (await a.SchedulerAsync()).QueryClusterNodes(CancellationToken.None);
        Assert.Equal(2, nodes.Count);
    }
}

public sealed class SchedulerHealthTests
{
    [Fact]
    public async Task Health_reports_the_scheduler_running_beside_the_store()
    {
        await using var app = new AcademyApp(new Dictionary<string, string?> { ["Scheduler:Enabled"] = "true" });
        using var json = System.Text.Json.JsonDocument.Parse(await app.Client.GetStringAsync(new Uri("/health", UriKind.Relative)));
        var checks = json.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("store").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("scheduler").GetProperty("status").GetString());
        Assert.Equal("running, not clustered, instance NON_CLUSTERED", checks.GetProperty("scheduler").GetProperty("description").GetString());
        // The sample cohort is planned at start-up, on the store's own SQLite file.
        await WaitAsync(async () => await app.ScalarAsync<long>("SELECT COUNT(*) FROM qrtz_triggers WHERE trigger_group LIKE 'cohort-%'") > 0);
    }

    [Fact]
    public async Task Health_says_disabled_when_the_scheduler_is_off()
    {
        await using var app = new AcademyApp();
        using var json = System.Text.Json.JsonDocument.Parse(await app.Client.GetStringAsync(new Uri("/health", UriKind.Relative)));
        Assert.Equal("disabled", json.RootElement.GetProperty("checks").GetProperty("scheduler").GetProperty("description").GetString());
    }

    private static async Task WaitAsync(Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(100);
        }
    }
}
