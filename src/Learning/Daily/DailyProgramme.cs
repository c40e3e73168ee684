using Academy.Learning.Storage;

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
public sealed class DailyProgramme
{
    /// <summary>Runs <paramref name="item"/> of day (or week) <paramref name="day"/> of the cohort, once.</summary>
    public Task<RunResult> RunAsync(long cohortId, ProgrammeItem item, int day, CancellationToken ct = default) =>
        throw new NotImplementedException();
}
