using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Academy.Scheduler;

/// <summary>
/// Work repeated for as long as the host runs (the announcements' live reports, the exam sweep). One
/// implementation per task, registered as <c>IRecurringTask</c>; the scheduler runs it, so with
/// <c>Scheduler:Enabled</c> false it does not run on that host at all.
/// </summary>
/// <remarks>
/// Each run begins <see cref="Interval"/> after the previous one ended (it never overlaps itself, on any
/// host); on PostgreSQL exactly one host of the cluster runs each round, and another one carries on when
/// that host dies. A round missed while every host was down runs once, as soon as one is up again. A
/// round that throws is logged and the next one comes at the usual time, so make a round idempotent and
/// let it pick up whatever the failed one left.
/// </remarks>
public interface IRecurringTask
{
    /// <summary>Stable and unique: it names the task's job and trigger in the scheduler's store.</summary>
    string Name { get; }

    /// <summary>The pause between the end of one run and the start of the next.</summary>
    TimeSpan Interval { get; }

    Task RunAsync(CancellationToken ct);
}

/// <summary>Gives every <see cref="IRecurringTask"/> its job and repeating trigger in the scheduler's store.</summary>
public sealed class RecurringTasks(IEnumerable<IRecurringTask> tasks, ISchedulerFactory schedulers, TimeProvider time, ILogger<RecurringTasks> logger)
{
    public const string Group = "recurring";

    public static JobKey JobKeyOf(string name) => new(name, Group);

    public static TriggerKey TriggerKeyOf(string name) => new(name, Group);

    /// <summary>
    /// Run at start: a task's trigger is created when missing and replaced when its interval was edited;
    /// one that already matches is left alone, so a restart (or a second host starting) does not move its
    /// next run. Tasks this build no longer has lose their schedule.
    /// </summary>
    public async Task ScheduleAsync(CancellationToken ct = default)
    {
        var wanted = tasks.ToList();
        var twice = wanted.GroupBy(t => t.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (twice.Count > 0) throw new InvalidOperationException($"Recurring task names must be unique: {string.Join(", ", twice)}.");
        foreach (var task in wanted)
        {
            if (string.IsNullOrWhiteSpace(task.Name)) throw new InvalidOperationException($"{task.GetType().Name} has no recurring task name.");
            if (task.Interval <= TimeSpan.Zero) throw new InvalidOperationException($"Recurring task {task.Name}: the interval must be positive.");
        }

        var scheduler = await schedulers.GetScheduler(ct);
        foreach (var task in wanted)
        {
            if (await scheduler.GetTrigger(TriggerKeyOf(task.Name), ct) is ISimpleTrigger current && Matches(current, task)) continue;
            var job = JobBuilder.Create<RecurringJob>()
                .WithIdentity(JobKeyOf(task.Name))
                // No recovery firing for a round cut off by its host's death: the trigger that host held is
                // released when another host notices, and fires at once; its round does the whole work again,
                // and a recovery firing as well would make two rounds where one is due.
                .RequestRecovery(false)
                .DisallowConcurrentExecution(true)
                .Build();
            await scheduler.ScheduleJob(job, [TriggerFor(task)], ScheduleJobOptions.Replacing, ct);
            logger.LogInformation("Recurring task {Task} scheduled every {Interval}", task.Name, task.Interval);
        }

        var names = wanted.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var stored = await scheduler.QueryJobs(new JobQuery { Group = GroupMatcher<JobKey>.GroupEquals(Group), Take = PagedQuery.All }, ct);
        foreach (var orphan in stored.Items.Where(j => !names.Contains(j.Key.Name)))
        {
            await scheduler.DeleteJob(orphan.Key, ct);
            logger.LogInformation("Removed the schedule of recurring task {Task}: this build has no such task", orphan.Key.Name);
        }
    }

    private static bool Matches(ISimpleTrigger trigger, IRecurringTask task) =>
        trigger.RepeatInterval == task.Interval
        && trigger.RepeatCount == Quartz.Impl.Triggers.SimpleTriggerImpl.RepeatIndefinitely
        && trigger.MeasureIntervalFromCompletion
        && trigger.MisfireInstruction == SimpleTriggerMisfireInstruction.NowWithExistingCount;

    private ITrigger TriggerFor(IRecurringTask task) =>
        TriggerBuilder.Create(time)
            .WithIdentity(TriggerKeyOf(task.Name))
            .ForJob(JobKeyOf(task.Name))
            // As the loops these tasks replace did: the first round one interval after the start.
            .StartAt(time.GetUtcNow() + task.Interval)
            .WithSimpleSchedule(s => s
                .WithInterval(task.Interval)
                .RepeatForever()
                // A fixed pause after each run, not a fixed rate: a slow round is never followed by a burst of catch-up rounds.
                .MeasureIntervalFromCompletion(true)
                // Every host down for a while: one round as soon as one is back, not one per interval missed.
                .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount))
            .Build();
}

/// <summary>Runs one round of the recurring task its job is named after.</summary>
[DisallowConcurrentExecution]
public sealed class RecurringJob(IEnumerable<IRecurringTask> tasks, TimeProvider time, ILogger<RecurringJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = context.JobDetail.Key.Name;
        var task = tasks.FirstOrDefault(t => t.Name == name);
        if (task is null)
        {
            // Only while hosts of two builds share a cluster: the host that has the task runs its next round.
            logger.LogWarning("No recurring task is named {Task} in this build; this round is skipped", name);
            return;
        }
        var start = time.GetUtcNow();
        logger.LogDebug("Recurring task {Task} begins (firing {Firing})", name, context.FireInstanceId);
        try
        {
            await task.RunAsync(cancellationToken);
            logger.LogDebug("Recurring task {Task} ran from {Start:o} to {End:o} (firing {Firing})", name, start, time.GetUtcNow(), context.FireInstanceId);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // A busy database, a refused write: the next round, one interval on, tries again. A round that
            // stopped the schedule would leave attempts open and reports stale for good.
            logger.LogError(ex, "Recurring task {Task} failed; it runs again in {Interval}", name, task.Interval);
        }
    }
}

/// <summary>Schedules the recurring tasks at start, before the scheduler's own hosted service starts it.</summary>
internal sealed class RecurringTasksStart(RecurringTasks recurring) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => recurring.ScheduleAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
