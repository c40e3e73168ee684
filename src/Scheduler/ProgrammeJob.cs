using System.Globalization;
using Academy.Learning.Daily;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Academy.Scheduler;

/// <summary>
/// Fires one planned moment of one cohort. Thin on purpose: the runner decides whether it is due,
/// done already or stale, and makes a repeat harmless, so a double fire (a recovered job, a re-plan of
/// a moment that already ran) costs one query.
/// </summary>
/// <remarks>
/// One job per cohort (<c>programme</c> in group <c>cohort-{id}</c>) carries every trigger of that
/// cohort, and concurrent execution is disallowed: moments due at the same instant (lesson and check-in
/// at 07:30) run one after the other in trigger priority order, so a group sees the lesson first.
/// An exception is left to Quartz, which re-fires the trigger under its bounded retry policy; a job
/// killed with its process is re-run by another node (RequestRecovery).
/// </remarks>
[DisallowConcurrentExecution]
public sealed class ProgrammeJob(IProgrammeRunner runner, ILogger<ProgrammeJob> logger) : IJob
{
    public const string Name = "programme";
    public const string CohortIdKey = "cohortId";
    public const string ItemKey = "item";
    public const string DayKey = "day";
    public const string FingerprintKey = "fingerprint";

    public static JobKey KeyFor(long cohortId) => new(Name, GroupOf(cohortId));

    public static string GroupOf(long cohortId) => "cohort-" + cohortId.ToString(CultureInfo.InvariantCulture);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.MergedJobDataMap;
        var cohortId = long.Parse(Text(data, CohortIdKey), CultureInfo.InvariantCulture);
        var item = PlannedItem.Parse(Text(data, ItemKey));
        var day = int.Parse(Text(data, DayKey), CultureInfo.InvariantCulture);

        var result = await runner.RunAsync(cohortId, item, day, cancellationToken);
        logger.LogInformation(
            "Cohort {CohortId} {Item} day {Day} (planned {Planned:o}, attempt {Attempt}{Recovering}): {Outcome}, {Groups} groups, {Messages} messages",
            cohortId, PlannedItem.NameOf(item), day, context.ScheduledFireTimeUtc, context.RetryAttempt + 1,
            context.Recovering ? ", recovered" : "", result.Outcome, result.GroupsReached, result.MessagesQueued);
    }

    internal static string Text(JobDataMap data, string key) =>
        data.TryGetValue(key, out var value) && value is not null
            ? Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""
            : throw new JobExecutionException($"Job data '{key}' is missing.");
}
