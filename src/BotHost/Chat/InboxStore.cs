using Academy.Learning.Storage;
using Academy.Learning.Content;

namespace Academy.BotHost.Chat;

/// <summary>A stored inbound update waiting to be (or already) processed.</summary>
public sealed record InboxItem(string Channel, string UpdateId, string Payload, long Attempts);

/// <summary>
/// The durable record of inbound updates. An adapter acknowledges an update to its platform only
/// after <see cref="RecordAsync"/> has committed; the (channel, update id) key turns a re-delivery
/// into a no-op. On SQLite updates are acknowledged into the inbox log, a file of their own
/// (<see cref="AcademyDatabase.InboxLog"/>), so an acknowledgement never waits for SQLite's one writer
/// while a turn holds it; <see cref="TransferAsync"/> moves them into <c>inbox</c>, where they are
/// processed. On PostgreSQL they go straight into <c>inbox</c>.
/// </summary>
public sealed class InboxStore(AcademyDatabase database, TimeProvider time, Operations.AcademyMetrics? metrics = null)
{
    /// <summary>How long processed updates are kept for de-duplication (Telegram re-delivers for up to 24 h).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(48);

    // Group commit: concurrent webhook requests queue their update here; one writer at a time
    // commits everything waiting in one durable transaction and then completes every request.
    // Each request still answers only after its own row is committed.
    private readonly Lock _queueLock = new();
    private List<Waiting> _queue = [];
    private bool _writing;

    // The slowest acknowledgement since the processor last looked (ticks of TimeSpan): how long an
    // update waited from arriving at RecordAsync to its commit. The first of a batch waited longest.
    private long _slowestAcknowledgement;

    private void NoteAcknowledgement(TimeSpan waited)
    {
        var ticks = waited.Ticks;
        for (var seen = Interlocked.Read(ref _slowestAcknowledgement); ticks > seen;)
        {
            var was = Interlocked.CompareExchange(ref _slowestAcknowledgement, ticks, seen);
            if (was == seen) return;
            seen = was;
        }
    }

    /// <summary>
    /// The longest any webhook acknowledgement took since the last call (zero when none came): how the
    /// processor knows its turns are slowing the webhook down.
    /// </summary>
    public TimeSpan TakeSlowestAcknowledgement() => TimeSpan.FromTicks(Interlocked.Exchange(ref _slowestAcknowledgement, 0));

    /// <summary>The most rows one group commit writes (3 parameters each, well under SQLite's limit).</summary>
    public const int MaxBatch = 500;

    private sealed record Waiting(string Channel, string UpdateId, string Payload, long Since)
    {
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Records an update durably; false when it was already recorded (a re-delivery). Returns once
    /// the commit holding it is done; concurrent calls share one commit.
    /// </summary>
    public Task<bool> RecordAsync(string channel, string updateId, string payload, CancellationToken ct = default)
    {
        var waiting = new Waiting(channel, updateId, payload, time.GetTimestamp());
        bool startWriter;
        lock (_queueLock)
        {
            _queue.Add(waiting);
            startWriter = !_writing;
            _writing = true;
        }
        // The writer does not take the request's token: once queued the update is written anyway, and
        // a request that gave up is answered by Telegram's re-delivery, which is a no-op.
        if (startWriter) _ = Task.Run(WriteQueuedAsync, CancellationToken.None);
        return waiting.Done.Task.WaitAsync(ct);
    }

    private async Task WriteQueuedAsync()
    {
        while (true)
        {
            List<Waiting> batch;
            lock (_queueLock)
            {
                if (_queue.Count == 0)
                {
                    _writing = false;
                    return;
                }
                if (_queue.Count <= MaxBatch)
                {
                    batch = _queue;
                    _queue = [];
                }
                else
                {
                    batch = _queue.GetRange(0, MaxBatch);
                    _queue.RemoveRange(0, MaxBatch);
                }
            }
            try
            {
                HashSet<(string, string)> inserted;
                await using (var s = await Acknowledgements.BeginDurableAsync())
                {
                    inserted = await InsertAsync(s, batch.Select(w => (w.Channel, w.UpdateId, w.Payload)).ToList());
                    await s.CommitAsync();
                }
                NoteAcknowledgement(time.GetElapsedTime(batch[0].Since));
                foreach (var channel in batch.Select(w => w.Channel).Distinct())
                    metrics?.UpdatesReceived(channel, inserted.Count(k => k.Item1 == channel));
                // The same update twice in one batch: the first caller gets "new", the re-delivery "seen".
                foreach (var w in batch) w.Done.TrySetResult(inserted.Remove((w.Channel, w.UpdateId)));
            }
            catch (Exception ex)
            {
                // Nothing of this batch is acknowledged: each request fails (500) and the platform re-delivers.
                foreach (var w in batch) w.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>Records a batch of updates in one durable transaction (long polling); returns how many were new.</summary>
    public async Task<int> RecordManyAsync(string channel, IEnumerable<(string UpdateId, string Payload)> updates, CancellationToken ct = default)
    {
        var rows = updates.Select(u => (channel, u.UpdateId, u.Payload)).ToList();
        int inserted = 0;
        foreach (var chunk in rows.Chunk(MaxBatch))
        {
            await using var s = await Acknowledgements.BeginDurableAsync(ct);
            inserted += (await InsertAsync(s, chunk)).Count;
            await s.CommitAsync(ct);
        }
        metrics?.UpdatesReceived(channel, inserted);
        return inserted;
    }

    // Where acknowledgements are committed: the inbox log on SQLite, the store itself on PostgreSQL.
    private AcademyDatabase Acknowledgements => database.InboxLog ?? database;

    // Multi-row statements; RETURNING names the rows that were new (both engines skip the conflicting
    // ones silently, including a duplicate within the statement).
    private Task<HashSet<(string, string)>> InsertAsync(DbSession s, IReadOnlyList<(string Channel, string UpdateId, string Payload)> rows)
    {
        var now = Now();
        return InsertAsync(s, database.InboxLog is null ? IntoInbox : IntoLog, rows.Select(r => (r.Channel, r.UpdateId, now, r.Payload)).ToList());
    }

    private const string IntoInbox = "inbox (channel, update_id, received_at, payload, status, attempts)";
    private const string IntoLog = "inbox_log (channel, update_id, received_at, payload)";

    private static async Task<HashSet<(string, string)>> InsertAsync(DbSession s, string into,
        IReadOnlyList<(string Channel, string UpdateId, long ReceivedAt, string Payload)> rows) =>
        (await MultiRow.InsertReturningAsync<(string, string)>(s, into,
            rows.Select(r => into == IntoInbox
                ? new object?[] { r.Channel, r.UpdateId, r.ReceivedAt, r.Payload, "pending", 0L }
                : new object?[] { r.Channel, r.UpdateId, r.ReceivedAt, r.Payload }).ToList(),
            "ON CONFLICT (channel, update_id) DO NOTHING RETURNING channel, update_id")).ToHashSet();

    /// <summary>How many log rows one transfer moves.</summary>
    public const int MaxTransfer = 1000;

    /// <summary>
    /// SQLite: moves what was acknowledged into the inbox log since the last transfer into <c>inbox</c>,
    /// in the order it was acknowledged (the log's sequence), and returns how many rows were read. The
    /// log keeps its rows for <see cref="Retention"/> (it de-duplicates re-deliveries); the store
    /// remembers how far it has moved, in the same transaction as the rows, so a crash between the two
    /// files moves nothing twice and loses nothing. A no-op on PostgreSQL.
    /// </summary>
    public async Task<int> TransferAsync(CancellationToken ct = default)
    {
        if (database.InboxLog is not { } log) return 0;
        await using var s = await database.BeginAsync(ct);
        var from = await s.ExecuteScalarAsync<long?>("SELECT seq FROM inbox_transfer WHERE id = 1")
                   ?? throw new InvalidOperationException("The store is not paired with its inbox log (run the migrations first).");
        List<LogRow> rows;
        // Sequence order is commit order: the log has one writer, and numbers are drawn inside its transactions.
        await using (var r = await log.BeginReadAsync(ct))
            rows = (await r.QueryAsync<LogRow>(
                "SELECT seq, channel, update_id AS UpdateId, received_at AS ReceivedAt, payload FROM inbox_log WHERE seq > @from ORDER BY seq LIMIT @MaxTransfer",
                new { from, MaxTransfer })).ToList();
        if (rows.Count == 0) return 0;
        // Already in `inbox` (moved before a store restored from a backup, or a playground update): left as it is.
        await MultiRow.InsertAsync(s, IntoInbox, rows.Select(r => new object?[] { r.Channel, r.UpdateId, r.ReceivedAt, r.Payload, "pending", 0L }).ToList(),
            "ON CONFLICT (channel, update_id) DO NOTHING");
        await s.ExecuteAsync("UPDATE inbox_transfer SET seq = @to WHERE id = 1", new { to = rows[^1].Seq });
        await s.CommitAsync(ct);
        return rows.Count;
    }

    private sealed record LogRow(long Seq, string Channel, string UpdateId, long ReceivedAt, string Payload);

    /// <summary>Updates acknowledged but not processed yet, and when the oldest of them arrived (for /metrics).</summary>
    public async Task<(long Count, long? OldestAt)> BacklogAsync(CancellationToken ct = default)
    {
        (long Count, long? OldestAt) pending;
        long moved = 0;
        await using (var s = await database.BeginReadAsync(ct))
        {
            pending = await s.QuerySingleAsync<(long, long?)>("SELECT COUNT(*), MIN(received_at) FROM inbox WHERE status = 'pending'");
            if (database.InboxLog is not null) moved = await s.ExecuteScalarAsync<long?>("SELECT seq FROM inbox_transfer WHERE id = 1") ?? 0;
        }
        if (database.InboxLog is not { } log) return pending;
        await using var l = await log.BeginReadAsync(ct);
        var waiting = await l.QuerySingleAsync<(long Count, long? OldestAt)>(
            "SELECT COUNT(*), MIN(received_at) FROM inbox_log WHERE seq > @moved", new { moved });
        return (pending.Count + waiting.Count,
            pending.OldestAt is { } a && waiting.OldestAt is { } b ? Math.Min(a, b) : pending.OldestAt ?? waiting.OldestAt);
    }

    /// <summary>The oldest pending updates, in arrival order (numeric ids of one batch in numeric order).</summary>
    public async Task<IReadOnlyList<InboxItem>> PendingAsync(int limit, CancellationToken ct = default)
    {
        await using var s = await database.BeginReadAsync(ct);
        return (await s.QueryAsync<InboxItem>(
            """
            SELECT channel, update_id AS UpdateId, payload, attempts FROM inbox
            WHERE status = 'pending' ORDER BY received_at, LENGTH(update_id), update_id LIMIT @limit
            """, new { limit })).ToList();
    }

    /// <summary>Marks an update done inside the transaction that applied its effects. False if another worker got there first.</summary>
    public async Task<bool> MarkDoneAsync(DbSession s, InboxItem item) =>
        await s.ExecuteAsync(
            "UPDATE inbox SET status = 'done', processed_at = @now WHERE channel = @Channel AND update_id = @UpdateId AND status = 'pending'",
            new { item.Channel, item.UpdateId, now = Now() }) == 1;

    /// <summary>
    /// Claims pending updates for this transaction by marking them done up front, before their turns
    /// run (which then commit with it): the ones returned are this worker's. On PostgreSQL another host
    /// that claims the same rows waits for this commit and then finds them done.
    /// </summary>
    public async Task<HashSet<(string Channel, string UpdateId)>> ClaimAsync(DbSession s, IReadOnlyList<InboxItem> items)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(items);
        var claimed = new HashSet<(string, string)>();
        foreach (var channel in items.GroupBy(i => i.Channel))
        {
            var ids = channel.Select(i => i.UpdateId).ToList();
            claimed.UnionWith(await s.QueryAsync<(string, string)>(
                """
                UPDATE inbox SET status = 'done', processed_at = @now
                WHERE channel = @channel AND update_id IN @ids AND status = 'pending'
                RETURNING channel, update_id
                """, new { channel = channel.Key, ids = SqlList.Of(ids), now = Now() }));
        }
        return claimed;
    }

    /// <summary>Counts a failed attempt; after <paramref name="maxAttempts"/> the update is parked as failed (kept, not lost).</summary>
    public async Task RecordFailureAsync(InboxItem item, string error, int maxAttempts, CancellationToken ct = default)
    {
        await using var s = await database.BeginAsync(ct);
        await RecordFailureAsync(s, item, error, maxAttempts);
        await s.CommitAsync(ct);
    }

    /// <summary>Counts a failed attempt inside <paramref name="s"/> (a batch that goes on with the other updates).</summary>
    public Task RecordFailureAsync(DbSession s, InboxItem item, string error, int maxAttempts) =>
        s.ExecuteAsync(
            """
            UPDATE inbox SET attempts = attempts + 1, error = @error,
                status = CASE WHEN attempts + 1 >= @maxAttempts THEN 'failed' ELSE status END
            WHERE channel = @Channel AND update_id = @UpdateId
            """, new { item.Channel, item.UpdateId, error, maxAttempts });

    /// <summary>Forgets processed updates older than <see cref="Retention"/> (and, on SQLite, moved log rows as old).</summary>
    public async Task<int> PruneAsync(CancellationToken ct = default)
    {
        var cutoff = (time.GetUtcNow() - Retention).ToUnixTimeMilliseconds();
        int deleted;
        long moved = 0;
        await using (var s = await database.BeginAsync(ct))
        {
            deleted = await s.ExecuteAsync("DELETE FROM inbox WHERE status = 'done' AND received_at < @cutoff", new { cutoff });
            if (database.InboxLog is not null) moved = await s.ExecuteScalarAsync<long?>("SELECT seq FROM inbox_transfer WHERE id = 1") ?? 0;
            await s.CommitAsync(ct);
        }
        if (database.InboxLog is { } log)
        {
            await using var l = await log.BeginAsync(ct);
            await l.ExecuteAsync("DELETE FROM inbox_log WHERE received_at < @cutoff AND seq <= @moved", new { cutoff, moved });
            await l.CommitAsync(ct);
        }
        return deleted;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
