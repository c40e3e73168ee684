using Academy.Learning.Messaging;
using Academy.Learning.Storage;

namespace Academy.Learning.Daily;

/// <summary>A message to queue in the outbox under its idempotency key.</summary>
public sealed record QueuedMessage(string Key, OutgoingMessage Message);

/// <summary>A planned moment that was skipped because the host was down past its deadline.</summary>
public sealed record SkippedItem(ProgrammeItem Item, int Day, DateTimeOffset PlannedAt);

/// <summary>
/// Composes the liaison's daily digest and the admins' weekly digest (text and an SVG chart),
/// addressed to their private chats. Read-only: the caller queues what it returns.
/// </summary>
public sealed class Digests
{
    /// <summary>Each liaison's digest of programme day <paramref name="day"/>, one per liaison and reachable private chat.</summary>
    public Task<IReadOnlyList<QueuedMessage>> LiaisonDigestsAsync(DbSession s, StoredCohort cohort, int day, IReadOnlyList<SkippedItem> skipped) =>
        throw new NotImplementedException();

    /// <summary>The weekly digest of week <paramref name="week"/> (local dates <paramref name="from"/>–<paramref name="to"/>) for every admin.</summary>
    public Task<IReadOnlyList<QueuedMessage>> WeeklyDigestsAsync(DbSession s, StoredCohort cohort, int week, DateOnly from, DateOnly to,
        IReadOnlyList<SkippedItem> skipped) =>
        throw new NotImplementedException();
}
