using System.Text.Json;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Academy.Scheduler;

/// <summary>
/// Something other code wants done once at a given time (kind <c>announcement</c>: send an admin's
/// announcement). One implementation per kind, registered as <c>IOneOffTask</c>.
/// </summary>
/// <remarks>
/// It may run more than once: a retry after an exception, a recovery after a node died mid-run.
/// Make it idempotent the way the programme is (a unique key in the store, outbox rows keyed by
/// <paramref name="key"/>).
/// </remarks>
public interface IOneOffTask
{
    /// <summary>The kind this task handles, as passed to <see cref="OneOffJobs.ScheduleAsync"/>.</summary>
    string Kind { get; }

    Task RunAsync(string key, IReadOnlyDictionary<string, string> data, CancellationToken ct);
}

/// <summary>Schedules and cancels one-off tasks, durably (they survive restarts and run once across a cluster).</summary>
public sealed class OneOffJobs(ISchedulerFactory schedulers, TimeProvider time, SchedulerOptions options)
{
    internal const string KindKey = "kind";
    internal const string TaskKey = "key";
    internal const string DataKey = "data";

    public static JobKey JobKeyOf(string kind, string key) => new(key, GroupOf(kind));

    private static string GroupOf(string kind) => "oneoff-" + kind;

    /// <summary>
    /// Runs the <paramref name="kind"/> task for <paramref name="key"/> at <paramref name="at"/> (now, when it
    /// is past). Scheduling the same kind and key again replaces the time and the data.
    /// </summary>
    public async Task ScheduleAsync(string kind, string key, DateTimeOffset at, IReadOnlyDictionary<string, string>? data = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var scheduler = await schedulers.GetScheduler(ct);
        var job = JobBuilder.Create<OneOffJob>()
            .WithIdentity(JobKeyOf(kind, key))
            .RequestRecovery(true)
            .UsingJobData(KindKey, kind)
            .UsingJobData(TaskKey, key)
            .UsingJobData(DataKey, JsonSerializer.Serialize(data ?? new Dictionary<string, string>()))
            .Build();
        var trigger = TriggerBuilder.Create(time)
            .WithIdentity(key, GroupOf(kind))
            .ForJob(job)
            .StartAt(at)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .WithRetryPolicy(options.RetryPolicy())
            .Build();
        await scheduler.ScheduleJob(job, [trigger], ScheduleJobOptions.Replacing, ct);
    }

    /// <summary>Cancels a scheduled task; false when there was none (it ran already, or was never scheduled).</summary>
    public async Task<bool> CancelAsync(string kind, string key, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        return await scheduler.DeleteJob(JobKeyOf(kind, key), ct);
    }

    /// <summary>When the task is due, or null when none is scheduled.</summary>
    public async Task<DateTimeOffset?> DueAsync(string kind, string key, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var trigger = await scheduler.GetTrigger(new TriggerKey(key, GroupOf(kind)), ct);
        return trigger?.NextFireTimeUtc ?? trigger?.StartTimeUtc;
    }
}

/// <summary>Runs a scheduled one-off task by its kind.</summary>
public sealed class OneOffJob(IEnumerable<IOneOffTask> tasks, ILogger<OneOffJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var map = context.MergedJobDataMap;
        var kind = ProgrammeJob.Text(map, OneOffJobs.KindKey);
        var key = ProgrammeJob.Text(map, OneOffJobs.TaskKey);
        var data = JsonSerializer.Deserialize<Dictionary<string, string>>(ProgrammeJob.Text(map, OneOffJobs.DataKey)) ?? [];
        var task = tasks.FirstOrDefault(t => t.Kind == kind);
        if (task is null)
        {
            // A build that no longer knows the kind: retrying cannot help, and the row stays visible in the log.
            logger.LogError("No one-off task handles kind {Kind}; {Key} is dropped", kind, key);
            return;
        }
        await task.RunAsync(key, data, cancellationToken);
        logger.LogInformation("Ran one-off {Kind} {Key}", kind, key);
    }
}
