using System.Globalization;
using Academy.Learning.Daily;
using Academy.Learning.Storage;
using Microsoft.Extensions.Logging;
using Quartz;
using Academy.Learning.Content;

namespace Academy.Scheduler;

/// <summary>What one planning pass changed.</summary>
public sealed record PlanReport(int Cohorts, int Replanned, int Scheduled, int Kept, int Removed);

/// <summary>
/// Turns every cohort's <see cref="ProgrammePlan"/> into Quartz triggers: one one-shot trigger per
/// planned moment still ahead of its deadline, keyed by <see cref="PlannedItem.Key"/> in the group
/// <c>cohort-{id}</c>. Runs at start-up, every <see cref="SchedulerOptions.PlanInterval"/>, and when
/// other code calls <see cref="PlanAsync"/> (right after an import).
/// </summary>
/// <remarks>
/// A cohort whose <see cref="ProgrammePlan.Fingerprint"/> equals the one stored with its job is left
/// alone, so a pass over unchanged cohorts writes nothing. Otherwise the cohort's triggers are made to
/// match the plan exactly: moved ones replaced, vanished ones (a shorter course, an earlier end) removed.
/// Trigger keys are derived from the plan and writes replace, so two instances planning at once write
/// the same set; the fingerprint is written last, with the triggers, so a pass cut short is redone.
/// </remarks>
public sealed class ProgrammePlanner(AcademyDatabase database, ISchedulerFactory schedulers, TimeProvider time, SchedulerOptions options,
    ILogger<ProgrammePlanner> logger)
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public async Task<PlanReport> PlanAsync(CancellationToken ct = default)
    {
        // In-process callers (the recurring job, an import) queue; other instances converge instead (see remarks).
        await _oneAtATime.WaitAsync(ct);
        try
        {
            return await PlanAllAsync(ct);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<PlanReport> PlanAllAsync(CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        // Read everything first and let the read transaction go: Quartz writes through its own connections,
        // and on SQLite a store transaction held across them would wait on itself.
        var cohorts = new List<(StoredCohort Cohort, HashSet<string> Handled)>();
        await using (var s = await database.BeginReadAsync(ct))
        {
            foreach (var id in await CohortStore.AllIdsAsync(s))
            {
                if (await CohortStore.GetAsync(s, id) is not { } cohort) continue;
                cohorts.Add((cohort, await ProgrammeRunStore.HandledAsync(s, id)));
            }
        }

        int replanned = 0, scheduled = 0, kept = 0, removed = 0;
        foreach (var (cohort, handled) in cohorts)
        {
            var fingerprint = ProgrammePlan.Fingerprint(cohort);
            var job = await scheduler.GetJobDetail(ProgrammeJob.KeyFor(cohort.Id), ct);
            if (job is not null && job.JobDataMap.TryGetValue(ProgrammeJob.FingerprintKey, out var stored) && Equals(stored, fingerprint)
                && !await LostAnyAsync(scheduler, cohort, handled, ct))
                continue;
            var (added, same, gone) = await ReplanAsync(scheduler, cohort, fingerprint, handled, ct);
            replanned++;
            scheduled += added;
            kept += same;
            removed += gone;
        }

        // Cohorts no longer in the store stop firing.
        var known = cohorts.Select(c => ProgrammeJob.GroupOf(c.Cohort.Id)).ToHashSet(StringComparer.Ordinal);
        var jobs = await scheduler.QueryJobs(new JobQuery { Group = GroupMatcher<JobKey>.GroupStartsWith("cohort-"), Take = PagedQuery.All }, ct);
        foreach (var orphan in jobs.Items.Where(j => !known.Contains(j.Key.Group)))
        {
            await scheduler.DeleteJob(orphan.Key, ct);
            logger.LogInformation("Removed the schedule of {Group}: the cohort is gone", orphan.Key.Group);
        }

        return new PlanReport(cohorts.Count, replanned, scheduled, kept, removed);
    }

    /// <summary>
    /// A moment that is overdue, still within its deadline, not recorded as run, and has no trigger: its
    /// retries ran out (or its trigger was lost). Re-planning the cohort gives it another chance. Cheap in
    /// the steady state: only cohorts with such a moment ask Quartz anything.
    /// </summary>
    private async Task<bool> LostAnyAsync(IScheduler scheduler, StoredCohort cohort, HashSet<string> handled, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var overdue = ProgrammePlan.For(cohort).Where(p => p.At <= now && p.StaleAfter > now && !handled.Contains(p.Key)).ToList();
        foreach (var p in overdue)
            if (!await scheduler.Exists(new TriggerKey(p.Key, ProgrammeJob.GroupOf(cohort.Id)), ct) && !await RanAsync(cohort.Id, p, ct))
            {
                logger.LogWarning("Cohort {Cohort}: {Key} is overdue, not run and has no trigger; scheduling it again", cohort.Cohort.Code, p.Key);
                return true;
            }
        return false;
    }

    // Asked again after the trigger was found missing: a moment that fired since this pass read its
    // runs has its run committed before Quartz deletes the fired trigger, so this read sees it.
    private async Task<bool> RanAsync(long cohortId, PlannedItem p, CancellationToken ct)
    {
        await using var s = await database.BeginReadAsync(ct);
        return await ProgrammeRunStore.HasRunAsync(s, cohortId, p);
    }

    private async Task<(int Scheduled, int Kept, int Removed)> ReplanAsync(IScheduler scheduler, StoredCohort cohort, string fingerprint,
        HashSet<string> handled, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var group = ProgrammeJob.GroupOf(cohort.Id);
        var due = ProgrammePlan.For(cohort).Where(p => p.StaleAfter > now && !handled.Contains(p.Key)).ToDictionary(p => p.Key, StringComparer.Ordinal);

        var existing = (await scheduler.QueryTriggers(new TriggerQuery { Group = GroupMatcher<TriggerKey>.GroupEquals(group), Take = PagedQuery.All }, ct)).Items;
        var gone = existing.Where(t => !due.ContainsKey(t.Key.Name)).Select(t => t.Key).ToList();
        if (gone.Count > 0) await scheduler.UnscheduleJobs(gone, ct);

        // A trigger already at its planned instant is left as it is: replacing it would reset a firing in progress.
        var unchanged = existing.Where(t => due.TryGetValue(t.Key.Name, out var p) && t.StartTimeUtc == p.At).Select(t => t.Key.Name).ToHashSet(StringComparer.Ordinal);
        var triggers = due.Values.Where(p => !unchanged.Contains(p.Key)).Select(p => TriggerFor(cohort.Id, p)).ToList();

        var job = JobBuilder.Create<ProgrammeJob>()
            .WithIdentity(ProgrammeJob.KeyFor(cohort.Id))
            .WithDescription(cohort.Cohort.Code)
            .StoreDurably(true)   // keeps the fingerprint when no trigger is left (a finished course)
            .RequestRecovery(true)
            .DisallowConcurrentExecution(true)
            .UsingJobData(ProgrammeJob.CohortIdKey, cohort.Id.ToString(CultureInfo.InvariantCulture))
            .UsingJobData(ProgrammeJob.FingerprintKey, fingerprint)
            .Build();
        await scheduler.ScheduleJob(job, triggers, ScheduleJobOptions.Replacing, ct);

        logger.LogInformation("Planned cohort {Cohort}: {Scheduled} triggers set, {Kept} unchanged, {Removed} removed",
            cohort.Cohort.Code, triggers.Count, unchanged.Count, gone.Count);
        return (triggers.Count, unchanged.Count, gone.Count);
    }

    private ITrigger TriggerFor(long cohortId, PlannedItem p) =>
        TriggerBuilder.Create(time)
            .WithIdentity(p.Key, ProgrammeJob.GroupOf(cohortId))
            .ForJob(ProgrammeJob.KeyFor(cohortId))
            .StartAt(p.At)
            // Down at the planned time: fire as soon as possible; the runner says whether it is still due.
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            // Same instant: the lesson before the check-in before the quiz…
            .WithPriority(10 - (int)p.Item)
            .WithRetryPolicy(options.RetryPolicy())
            .UsingJobData(ProgrammeJob.ItemKey, p.ItemName)
            .UsingJobData(ProgrammeJob.DayKey, p.Day.ToString(CultureInfo.InvariantCulture))
            .Build();
}

/// <summary>The recurring planning pass. One at a time across the cluster: the planner job's triggers are blocked while it runs.</summary>
[DisallowConcurrentExecution]
public sealed class PlannerJob(ProgrammePlanner planner, ILogger<PlannerJob> logger) : IJob
{
    public static readonly JobKey Key = new("planner", "academy");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var report = await planner.PlanAsync(cancellationToken);
        if (report.Replanned > 0)
            logger.LogInformation("Planning pass: {Cohorts} cohorts, {Replanned} re-planned ({Scheduled} set, {Kept} unchanged, {Removed} removed)",
                report.Cohorts, report.Replanned, report.Scheduled, report.Kept, report.Removed);
    }
}
