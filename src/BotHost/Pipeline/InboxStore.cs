using Academy.Learning.Storage;

namespace Academy.BotHost.Pipeline;

/// <summary>A stored inbound update waiting to be (or already) processed.</summary>
public sealed record InboxItem(string Channel, string UpdateId, string Payload, long Attempts);

/// <summary>
/// The durable record of inbound updates. An adapter acknowledges an update to its platform only
/// after <see cref="RecordAsync"/> has committed; the (channel, update id) key turns a re-delivery
/// into a no-op.
/// </summary>
public sealed class InboxStore(AcademyDatabase database, TimeProvider time, Operations.AcademyMetrics? metrics = null)
{
    /// <summary>How long processed updates are kept for de-duplication (Telegram re-delivers for up to 24 h).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(48);

    /// <summary>Records an update; false when it was already recorded (a re-delivery).</summary>
    public async Task<bool> RecordAsync(string channel, string updateId, string payload, CancellationToken ct = default)
    {
        await using var s = await database.BeginAsync(ct);
        var inserted = await s.ExecuteAsync(
            """
            INSERT INTO inbox (channel, update_id, received_at, payload, status, attempts)
            VALUES (@channel, @updateId, @now, @payload, 'pending', 0)
            ON CONFLICT (channel, update_id) DO NOTHING
            """, new { channel, updateId, payload, now = Now() });
        await s.CommitAsync(ct);
        if (inserted > 0) metrics?.UpdatesReceived(channel);
        return inserted > 0;
    }

    /// <summary>Records a batch of updates in one transaction (long polling); returns how many were new.</summary>
    public async Task<int> RecordManyAsync(string channel, IEnumerable<(string UpdateId, string Payload)> updates, CancellationToken ct = default)
    {
        await using var s = await database.BeginAsync(ct);
        var now = Now();
        int inserted = 0;
        foreach (var (updateId, payload) in updates)
            inserted += await s.ExecuteAsync(
                """
                INSERT INTO inbox (channel, update_id, received_at, payload, status, attempts)
                VALUES (@channel, @updateId, @now, @payload, 'pending', 0)
                ON CONFLICT (channel, update_id) DO NOTHING
                """, new { channel, updateId, payload, now });
        await s.CommitAsync(ct);
        metrics?.UpdatesReceived(channel, inserted);
        return inserted;
    }

    /// <summary>The oldest pending updates.</summary>
    public async Task<IReadOnlyList<InboxItem>> PendingAsync(int limit, CancellationToken ct = default)
    {
        await using var s = await database.BeginReadAsync(ct);
        return (await s.QueryAsync<InboxItem>(
            """
            SELECT channel, update_id AS UpdateId, payload, attempts FROM inbox
            WHERE status = 'pending' ORDER BY received_at, update_id LIMIT @limit
            """, new { limit })).ToList();
    }

    /// <summary>Marks an update done inside the transaction that applied its effects. False if another worker got there first.</summary>
    public async Task<bool> MarkDoneAsync(DbSession s, InboxItem item) =>
        await s.ExecuteAsync(
            "UPDATE inbox SET status = 'done', processed_at = @now WHERE channel = @Channel AND update_id = @UpdateId AND status = 'pending'",
            new { item.Channel, item.UpdateId, now = Now() }) == 1;

    /// <summary>Counts a failed attempt; after <paramref name="maxAttempts"/> the update is parked as failed (kept, not lost).</summary>
    public async Task RecordFailureAsync(InboxItem item, string error, int maxAttempts, CancellationToken ct = default)
    {
        await using var s = await database.BeginAsync(ct);
        await s.ExecuteAsync(
            """
            UPDATE inbox SET attempts = attempts + 1, error = @error,
                status = CASE WHEN attempts + 1 >= @maxAttempts THEN 'failed' ELSE status END
            WHERE channel = @Channel AND update_id = @UpdateId
            """, new { item.Channel, item.UpdateId, error, maxAttempts });
        await s.CommitAsync(ct);
    }

    /// <summary>Forgets processed updates older than <see cref="Retention"/>.</summary>
    public async Task<int> PruneAsync(CancellationToken ct = default)
    {
        await using var s = await database.BeginAsync(ct);
        var cutoff = (time.GetUtcNow() - Retention).ToUnixTimeMilliseconds();
        var deleted = await s.ExecuteAsync("DELETE FROM inbox WHERE status = 'done' AND received_at < @cutoff", new { cutoff });
        await s.CommitAsync(ct);
        return deleted;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
