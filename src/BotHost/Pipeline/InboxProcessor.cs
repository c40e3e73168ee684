using Academy.BotHost.Channels;
using Academy.Learning.Messaging;
using Academy.Learning.Storage;

namespace Academy.BotHost.Pipeline;

/// <summary>
/// Drains the inbox in batches: each pending update is mapped, run through the pipeline and marked
/// done in the same transaction as everything it caused (one commit per batch), so a crash anywhere
/// leaves it pending and it runs again with no partial effects. Wakes on <see cref="Signal"/> or
/// every second.
/// </summary>
public sealed class InboxProcessor(
    InboxStore inbox, AcademyDatabase database, TurnPipeline pipeline, IEnumerable<IInboundMapper> mappers,
    Outbox outbox, TimeProvider time, ILogger<InboxProcessor> logger) : BackgroundService
{
    private const int MaxAttempts = 5;
    private readonly Dictionary<string, IInboundMapper> _mappers = mappers.ToDictionary(m => m.Channel);
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Wakes the processor after new updates were recorded.</summary>
    public void Signal()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPrune = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var processed = await DrainOnceAsync(stoppingToken);
                if (processed == 0) await _wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                if (time.GetUtcNow() >= nextPrune)
                {
                    nextPrune = time.GetUtcNow().AddHours(1);
                    await inbox.PruneAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A store that is down, or anything else a round throws: the updates stay pending and the
                // loop goes on (a dead loop would stop taking updates while the webhook still acknowledges them).
                logger.LogError(ex, "Inbox processing failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    /// <summary>How many pending updates one round takes into one transaction.</summary>
    public const int BatchSize = 200;

    /// <summary>
    /// How long one batch may hold the store's writer: on SQLite the webhook's acknowledgements wait
    /// for it, so a batch commits what it has done by then and leaves the rest for the next round.
    /// </summary>
    public TimeSpan MaxBatchTime { get; init; } = TimeSpan.FromMilliseconds(40);

    /// <summary>Processes the pending updates once; returns how many were taken up.</summary>
    public async Task<int> DrainOnceAsync(CancellationToken ct = default)
    {
        await inbox.TransferAsync(ct);
        var items = await inbox.PendingAsync(BatchSize, ct);
        if (items.Count == 0) return 0;
        int taken;
        try
        {
            taken = await ProcessBatchAsync(items, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The batch as a whole failed (its commit, or a turn that broke the connection): nothing of
            // it was kept. One at a time, a poison update gets its failure counted and the rest go through.
            logger.LogWarning(ex, "Inbox batch of {Count} failed; processing its updates one at a time", items.Count);
            foreach (var item in items) await ProcessAsync(item, ct);
            taken = items.Count;
        }
        outbox.Notify();
        return taken;
    }

    // One transaction for the batch, committed once: each turn runs inside its own savepoint, so a
    // failing turn is rolled back alone and its failure counted, and the others are kept. Turns run
    // in arrival order, so one chat's updates are handled in the order they came.
    private async Task<int> ProcessBatchAsync(IReadOnlyList<InboxItem> items, CancellationToken ct)
    {
        await using var s = await database.BeginAsync(ct);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        int taken = 0;
        foreach (var item in items)
        {
            // The rest stay pending, still in order: a later round takes them first.
            if (taken > 0 && System.Diagnostics.Stopwatch.GetElapsedTime(started) > MaxBatchTime) break;
            taken++;
            await s.Transaction.SaveAsync("turn", ct);
            try
            {
                await pipeline.HandleAsync(Map(item), s);
                // Another host took this update first: its effects are theirs, ours are undone.
                if (await inbox.MarkDoneAsync(s, item)) await s.Transaction.ReleaseAsync("turn", ct);
                else await s.Transaction.RollbackAsync("turn", ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                await s.Transaction.RollbackAsync("turn", ct);
                logger.LogError(ex, "Update {Channel}/{UpdateId} failed (attempt {Attempt})", item.Channel, item.UpdateId, item.Attempts + 1);
                await inbox.RecordFailureAsync(s, item, ex.GetType().Name + ": " + ex.Message, MaxAttempts);
            }
        }
        await s.CommitAsync(ct);
        return taken;
    }

    private ChatEvent Map(InboxItem item) =>
        _mappers.TryGetValue(item.Channel, out var mapper)
            ? mapper.Map(item.Payload)
            : throw new InvalidOperationException($"No mapper for channel '{item.Channel}'.");

    private async Task ProcessAsync(InboxItem item, CancellationToken ct)
    {
        try
        {
            var e = Map(item);
            await using var s = await database.BeginAsync(ct);
            await pipeline.HandleAsync(e, s);
            if (await inbox.MarkDoneAsync(s, item)) await s.CommitAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The update stays in the inbox: retried, then parked as failed for an operator — never lost.
            logger.LogError(ex, "Update {Channel}/{UpdateId} failed (attempt {Attempt})", item.Channel, item.UpdateId, item.Attempts + 1);
            await inbox.RecordFailureAsync(item, ex.GetType().Name + ": " + ex.Message, MaxAttempts, ct);
        }
    }
}
