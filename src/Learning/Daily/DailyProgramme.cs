using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Microsoft.Extensions.Logging;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Learning.Daily;

/// <summary>What running a planned moment did.</summary>
public enum RunOutcome
{
    /// <summary>Carried out now: rows written (possibly none, e.g. a reminder when everyone checked in).</summary>
    Done,
    /// <summary>Already carried out (or skipped) before: a double fire, a retry, a second instance.</summary>
    AlreadyDone,
    /// <summary>Past its deadline (the host was down): skipped, recorded, listed in the next digest.</summary>
    Stale,
    /// <summary>The cohort's plan, as it is now, has no such moment (edited or removed since it was scheduled).</summary>
    NotPlanned,
}

public sealed record RunResult(RunOutcome Outcome, int GroupsReached, int MessagesQueued);

/// <summary>
/// Carries out one planned moment of a cohort's programme for all its groups: writes the outbox
/// rows (keyed cohort/day/kind/group), records the day's statuses at the close, and composes the
/// digests. What the scheduler's jobs call; it decides everything from the store and the clock.
/// </summary>
/// <remarks>
/// Once: the moment's <c>programme_runs</c> row is inserted first, in the same write transaction as
/// everything the moment writes. A second caller (a double fire, a retry, another instance) waits
/// for that transaction at the row's key and finds it taken; a failure rolls the row back with the
/// work, so a retry does it all. The outbox keys are the second guard: the same message is never
/// queued twice, whoever queues it (<c>/push</c> included).
/// </remarks>
public sealed class DailyProgramme(
    AcademyDatabase db, Programme programme, Digests digests, Outbox outbox, Catalog catalog, TimeProvider time, ILogger<DailyProgramme> logger)
{
    /// <summary>Runs <paramref name="item"/> of day (or week) <paramref name="day"/> of the cohort, once.</summary>
    public async Task<RunResult> RunAsync(long cohortId, ProgrammeItem item, int day, CancellationToken ct = default)
    {
        await using var s = await db.BeginAsync(ct);
        var cohort = await CohortStore.GetAsync(s, cohortId);
        var planned = cohort is null ? null : ProgrammePlan.Find(cohort, item, day);
        if (cohort is null || planned is null)
        {
            logger.LogWarning("Cohort {CohortId}: {Item} of day {Day} is not in the plan any more; nothing done", cohortId, PlannedItem.NameOf(item), day);
            return new RunResult(RunOutcome.NotPlanned, 0, 0);
        }
        var now = time.GetUtcNow();
        if (now > planned.StaleAfter)
        {
            if (!await ProgrammeRunStore.ClaimAsync(s, cohortId, planned, now, ProgrammeRunStore.Stale)) return new RunResult(RunOutcome.AlreadyDone, 0, 0);
            await s.CommitAsync(ct);
            logger.LogWarning("Cohort {CohortId}: {Key} planned at {At:u} was due by {StaleAfter:u}; skipped at {Now:u}",
                cohortId, planned.Key, planned.At, planned.StaleAfter, now);
            return new RunResult(RunOutcome.Stale, 0, 0);
        }
        if (!await ProgrammeRunStore.ClaimAsync(s, cohortId, planned, now, ProgrammeRunStore.Done)) return new RunResult(RunOutcome.AlreadyDone, 0, 0);

        var (groups, messages) = item switch
        {
            ProgrammeItem.Lesson => await DeliverAsync(s, cohort, day, DayParts.Lesson),
            ProgrammeItem.CheckIn => await DeliverAsync(s, cohort, day, DayParts.CheckIn),
            ProgrammeItem.Quiz => await DeliverAsync(s, cohort, day, DayParts.Quiz),
            ProgrammeItem.Reminder => await RemindAsync(s, cohort, day),
            ProgrammeItem.Close => (await CloseAsync(s, cohort, day, now), 0),
            ProgrammeItem.LiaisonDigest => await LiaisonDigestAsync(s, cohort, planned, now),
            ProgrammeItem.WeeklyDigest => await WeeklyDigestAsync(s, cohort, planned),
            _ => throw new ArgumentOutOfRangeException(nameof(item)),
        };
        await ProgrammeRunStore.RecordCountsAsync(s, cohortId, planned.ItemName, day, groups, messages);
        await s.CommitAsync(ct);
        if (messages > 0) outbox.Notify();
        logger.LogInformation("Cohort {CohortId}: {Key} done; {Groups} group(s), {Messages} message(s) queued", cohortId, planned.Key, groups, messages);
        return new RunResult(RunOutcome.Done, groups, messages);
    }

    private async Task<(int, int)> DeliverAsync(DbSession s, StoredCohort cohort, int day, DayParts part)
    {
        var result = await programme.DeliverToCohortAsync(s, cohort, day, part);
        return (result.GroupsReached, result.MessagesQueued);
    }

    // One message per group chat naming the group's learners who have not checked in for the day.
    private async Task<(int, int)> RemindAsync(DbSession s, StoredCohort cohort, int day)
    {
        var cohortId = cohort.Id;
        var missing = await CheckInStore.MissingAsync(s, cohortId, day);
        if (missing.Count == 0) return (0, 0);
        var chats = (await AudienceStore.GroupsAsync(s, cohortId, null)).Where(g => g.Chats.Count > 0).ToDictionary(g => g.Id);
        // Each learner's account per channel, to tag them; the latest link wins when there are several.
        var identities = new Dictionary<(long, string), string>();
        foreach (var (learnerId, channel, externalId) in await AudienceStore.AccountsInCohortAsync(s, cohortId))
            identities[(learnerId, channel)] = externalId;

        var close = LocalTimes.Format(cohort.Cohort.Schedule.CheckInClose);
        var messages = new List<(string, OutgoingMessage)>();
        var groups = 0;
        foreach (var group in missing.GroupBy(m => m.GroupId))
        {
            if (!chats.TryGetValue(group.Key, out var target)) continue;
            groups++;
            var text = catalog.For(target.Language);
            foreach (var chat in target.Chats)
                messages.Add(($"c{cohortId}/d{day}/reminder/g{group.Key}@{chat.Channel}", new OutgoingMessage
                {
                    To = chat,
                    Text = text.Get("reminder.text", ("day", day), ("count", group.Count()), ("close", close)),
                    Buttons = [[new Button(text["checkin.button"], $"{Programme.CheckInButton}:{cohortId}")]],
                    Mentions = group.Select(m => new Mention(m.Name, identities.GetValueOrDefault((m.LearnerId, chat.Channel)))).ToList(),
                }));
        }
        return (groups, await outbox.EnqueueManyAsync(s, messages));
    }

    // Every learner of every group gets the day's status; a second close records nothing new.
    private static Task<int> CloseAsync(DbSession s, StoredCohort cohort, int day, DateTimeOffset now) =>
        CheckInStore.CloseDayAsync(s, cohort.Id, day, now.ToUnixTimeMilliseconds());

    private async Task<(int, int)> LiaisonDigestAsync(DbSession s, StoredCohort cohort, PlannedItem planned, DateTimeOffset now)
    {
        // The close and the digest may share an instant, and Quartz does not order them: the digest
        // records the close itself when it has not run yet (and the close's own trigger then finds it done).
        var close = ProgrammePlan.Find(cohort, ProgrammeItem.Close, planned.Day)!;
        if (await ProgrammeRunStore.ClaimAsync(s, cohort.Id, close, now, ProgrammeRunStore.Done))
        {
            var groups = await CloseAsync(s, cohort, planned.Day, now);
            await ProgrammeRunStore.RecordCountsAsync(s, cohort.Id, close.ItemName, close.Day, groups, 0);
        }
        var previous = planned.Day > 1 ? ProgrammePlan.Find(cohort, ProgrammeItem.LiaisonDigest, planned.Day - 1)?.At : null;
        var skipped = await ProgrammeRunStore.SkippedAsync(s, cohort.Id, previous ?? DateTimeOffset.MinValue, inclusiveFrom: false, planned.At, inclusiveTo: true);
        var queued = await digests.LiaisonDigestsAsync(s, cohort, planned.Day, skipped);
        return (0, await outbox.EnqueueManyAsync(s, queued.Select(q => (q.Key, q.Message)).ToList()));
    }

    private async Task<(int, int)> WeeklyDigestAsync(DbSession s, StoredCohort cohort, PlannedItem planned)
    {
        var calendar = cohort.Calendar;
        var first = calendar.DateOf(1);
        var from = planned.LocalDate.AddDays(-7) < first ? first : planned.LocalDate.AddDays(-7);
        var to = planned.LocalDate.AddDays(-1) > calendar.End ? calendar.End : planned.LocalDate.AddDays(-1);
        var skipped = await ProgrammeRunStore.SkippedAsync(s, cohort.Id, calendar.At(from, TimeOnly.MinValue), inclusiveFrom: true,
            calendar.At(to.AddDays(1), TimeOnly.MinValue), inclusiveTo: false);
        var queued = await digests.WeeklyDigestsAsync(s, cohort, planned.Day, from, to, skipped);
        return (0, await outbox.EnqueueManyAsync(s, queued.Select(q => (q.Key, q.Message)).ToList()));
    }
}
