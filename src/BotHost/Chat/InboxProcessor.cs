using Academy.BotHost.Channels;
using Academy.Learning.Messaging;
using Academy.Learning.Storage;
using Academy.Learning.Content;

namespace Academy.BotHost.Chat;

/// <summary>
/// Drains the inbox in batches: each pending update is mapped, run through the pipeline and marked
/// done in the same transaction as everything it caused (one commit per batch), so a crash anywhere
/// leaves it pending and it runs again with no partial effects. Wakes on <see cref="Signal"/> or
/// every second.
/// </summary>
public sealed class InboxProcessor(
    InboxStore inbox, AcademyDatabase database, TurnPipeline pipeline, IEnumerable<IInboundMapper> mappers,
    Outbox outbox, TimeProvider time, ILogger<InboxProcessor> logger, IConfiguration? configuration = null) : BackgroundService
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
        // Inbox:Process false: this host only receives (acknowledges into the inbox); the updates wait,
        // nothing lost, for a host that processes — another on the same PostgreSQL store, or this one
        // restarted with processing on (e.g. while a content migration runs).
        if (configuration?.GetValue("Inbox:Process", true) == false)
        {
            logger.LogWarning("Inbox:Process is false: updates are acknowledged and kept, not processed, on this host");
            return;
        }
        var nextPrune = DateTimeOffset.MinValue;
        var yieldFor = configuration?.GetValue("Inbox:YieldToWebhook", DefaultYieldToWebhook) ?? DefaultYieldToWebhook;
        var ackTarget = configuration?.GetValue("Inbox:AcknowledgementTarget", DefaultAcknowledgementTarget) ?? DefaultAcknowledgementTarget;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var started = time.GetTimestamp();
                var processed = await DrainOnceAsync(stoppingToken);
                if (processed == 0) await _wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                // Turns can wait, acknowledgements cannot: in a burst the webhook must answer at once (a slow
                // answer holds up the chat's queue at Telegram, none at all is re-delivered), while what it
                // recorded waits safely in the inbox. When an acknowledgement took longer than
                // Inbox:AcknowledgementTarget during the round — the cores are short — the processor rests
                // for the round's length times Inbox:YieldToWebhook (3: a quarter of the time), and goes on flat out otherwise (a
                // steady load the cores can carry is processed at full speed).
                else if (yieldFor > 0 && inbox.TakeSlowestAcknowledgement() > ackTarget)
                    await Task.Delay(time.GetElapsedTime(started) * yieldFor, time, stoppingToken);
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

    /// <summary>How long the processor rests after a round, as a share of the round, while acknowledgements are slow.</summary>
    public const double DefaultYieldToWebhook = 3.0;

    /// <summary>An acknowledgement slower than this (arrival to commit) means the webhook is short of CPU.</summary>
    public static readonly TimeSpan DefaultAcknowledgementTarget = TimeSpan.FromMilliseconds(5);

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

    // One transaction for the batch, committed once. Consecutive updates the pipeline can take together
    // (quiz answers) run as one set-wise run; any other update runs alone inside its own savepoint, so
    // a failing turn is rolled back alone and its failure counted, and the others are kept. A run that
    // fails is undone and its updates taken one at a time. Everything goes in arrival order, so one
    // chat's updates are handled in the order they came.
    private async Task<int> ProcessBatchAsync(IReadOnlyList<InboxItem> items, CancellationToken ct)
    {
        await using var s = await database.BeginAsync(ct);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var events = items.Select(TryMap).ToArray();
        int taken = 0;
        while (taken < items.Count)
        {
            // The rest stay pending, still in order: a later round takes them first.
            if (taken > 0 && System.Diagnostics.Stopwatch.GetElapsedTime(started) > MaxBatchTime) break;
            var run = 0;
            while (taken + run < items.Count && events[taken + run] is { } e && pipeline.CanBatch(e)) run++;
            if (run > 1 && await ProcessRunAsync(s, items.Skip(taken).Take(run).ToList(), events.Skip(taken).Take(run).ToList()!, ct))
            {
                taken += run;
                continue;
            }
            foreach (var item in items.Skip(taken).Take(Math.Max(run, 1)))
            {
                await ProcessInBatchAsync(s, item, events[taken], ct);
                taken++;
            }
        }
        await s.CommitAsync(ct);
        return taken;
    }

    private async Task<bool> ProcessRunAsync(DbSession s, IReadOnlyList<InboxItem> items, IReadOnlyList<ChatEvent> events, CancellationToken ct)
    {
        await s.Transaction.SaveAsync("run", ct);
        try
        {
            // Claimed first: what another host has taken is not run here at all.
            var claimed = await inbox.ClaimAsync(s, items);
            await pipeline.HandleManyAsync(events.Where((_, i) => claimed.Contains((items[i].Channel, items[i].UpdateId))).ToList(), s);
            await s.Transaction.ReleaseAsync("run", ct);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await s.Transaction.RollbackAsync("run", ct);
            logger.LogWarning(ex, "A run of {Count} updates failed together; taking them one at a time", items.Count);
            return false;
        }
    }

    private async Task ProcessInBatchAsync(DbSession s, InboxItem item, ChatEvent? e, CancellationToken ct)
    {
        await s.Transaction.SaveAsync("turn", ct);
        try
        {
            await pipeline.HandleAsync(e ?? Map(item), s);
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

    // A payload that does not map is left to the one-at-a-time path, which counts its failure.
    private ChatEvent? TryMap(InboxItem item)
    {
        try
        {
            return Map(item);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null;
        }
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
