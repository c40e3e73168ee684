using Academy.BotHost.Channels;
using Academy.Learning.Messaging;
using Academy.Learning.Storage;
using Academy.Learning.Content;

namespace Academy.BotHost.Dispatch;

/// <summary>
/// Sends the outbox at each channel's pace. A row is claimed (status <c>sending</c>, with a lease)
/// before its HTTP call and its outcome recorded after, so a row that succeeded is never sent again.
/// A send that timed out after the request left is marked <c>unknown</c>, not repeated. A send cut off
/// by its sender dying (kill -9, power loss) is sent again once its lease runs out — at least once
/// beats never for a lesson or an announcement — and counted in <c>interrupted</c> as a possible
/// duplicate. One chat's messages go in order, one at a time; a 429 pauses only that chat, unless
/// another chat is still waiting out one too: then the limit is the bot's and every chat waits.
/// </summary>
public sealed class OutboxDispatcher(
    AcademyDatabase database, IEnumerable<IChannelClient> clients, Learning.Messaging.Outbox outbox, Academy.Learning.People.LearnerDirectory directory,
    DispatchOptions options, TimeProvider time, ILogger<OutboxDispatcher> logger, Operations.AcademyMetrics? metrics = null,
    Features.Certificates.CertificateRenderer? certificates = null) : BackgroundService
{
    public const int MaxAttempts = 12;
    private const int MaxInFlight = 64;
    private const int ClaimBatch = 32;
    private static readonly TimeSpan LeaseCheckInterval = TimeSpan.FromSeconds(2);
    private DateTimeOffset _nextLeaseCheck = DateTimeOffset.MinValue;

    private readonly Dictionary<string, IChannelClient> _clients = clients.ToDictionary(c => c.Channel);
    private readonly Dictionary<string, SendPacer> _pacers = clients.ToDictionary(c => c.Channel, c => new SendPacer(c.Capabilities, options.RateShare));
    private readonly HashSet<(string, string)> _inFlight = [];
    private readonly SemaphoreSlim _slots = new(MaxInFlight);
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Lock _gate = new();

    // Outcomes of sends that finish together are written together (one transaction, not one a send).
    private readonly GroupWriter _outcomes = new(database);

    /// <summary>Sends counted by outcome since start (for /metrics and tests).</summary>
    public SendCounters Counters { get; } = new();

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        outbox.Enqueued += Wake;
        return base.StartAsync(cancellationToken);
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        outbox.Enqueued -= Wake;
        return base.StopAsync(cancellationToken);
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A platform counts the last second's sends, including those of the process this one replaced:
        // let that window pass before sending at full rate.
        await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (time.GetUtcNow() >= _nextLeaseCheck)
                {
                    // A write transaction each round (up to 50 a second when busy) would contend with the
                    // inbox for SQLite's one writer; leases run a minute, so a look every few seconds is enough.
                    _nextLeaseCheck = time.GetUtcNow() + LeaseCheckInterval;
                    await ExpireLeasesAsync(stoppingToken);
                }
                var wait = await RoundAsync(stoppingToken);
                await _wake.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A store that is down, or anything else a round throws: rows stay where they are and the
                // next round retries (a dead loop would leave every message unsent until a restart).
                logger.LogError(ex, "Outbox round failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
        // Let the sends already in the air record their outcome.
        for (int i = 0; i < MaxInFlight; i++) await _slots.WaitAsync(CancellationToken.None);
    }

    /// <summary>
    /// One pass over the due rows: launches every send the pacing allows now and returns how long
    /// to wait before the next pass.
    /// </summary>
    private async Task<TimeSpan> RoundAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        List<Row> rows;
        await using (var s = await database.BeginReadAsync(ct))
            // Only each chat's oldest unfinished row may go (order within a chat), and only when it is
            // pending and due: a chat whose head is being sent — by this process or another one on the
            // same database — waits for that send's outcome. Taking heads rather than the oldest rows
            // overall keeps one long backlog from starving the rest.
            // Answers to button presses take no turn in their chat's order (in_order = 0).
            rows = (await s.QueryAsync<Row>(
                """
                SELECT o.id, o.channel, o.chat_id AS ChatId, o.payload, o.attempts, o.in_order AS InOrder FROM outbox o
                WHERE (o.in_order = 0 OR o.id IN (SELECT MIN(id) FROM outbox WHERE status IN ('pending', 'sending') AND in_order = 1 GROUP BY channel, chat_id))
                  AND o.status = 'pending' AND o.not_before <= @now
                ORDER BY o.id LIMIT 1000
                """, new { now = now.ToUnixTimeMilliseconds() })).ToList();

        var nextWake = TimeSpan.FromSeconds(1);
        // A null pacer: an answer to a button press on a channel that does not limit them.
        var batch = new List<(Row Row, IChannelClient Client, SendPacer? Pacer, DateTimeOffset At)>();
        foreach (var row in rows)
        {
            if (!_clients.TryGetValue(row.Channel, out var client))
            {
                await FinishAsync(row, new SendResult(SendStatus.Failed, Error: $"no client for channel '{row.Channel}'"), ct);
                continue;
            }
            if (row.InOrder == 0 && client.Capabilities.UnpacedButtonAnswers)
            {
                batch.Add((row, client, null, now));
                continue;
            }
            lock (_gate)
                if (_inFlight.Contains((row.Channel, row.ChatId))) continue;
            var pacer = _pacers[row.Channel];
            var ready = pacer.ChatReadyAt(row.ChatId);
            now = time.GetUtcNow();
            if (ready > now)
            {
                if (ready - now < nextWake) nextWake = ready - now;
                continue;
            }
            batch.Add((row, client, pacer, pacer.Reserve(row.ChatId, now)));
            if (batch.Count >= ClaimBatch)
            {
                await LaunchAsync(batch, ct);
                batch.Clear();
            }
        }
        await LaunchAsync(batch, ct);
        foreach (var pacer in _pacers.Values) pacer.Trim(time.GetUtcNow());
        return rows.Count >= 1000 ? TimeSpan.Zero : (nextWake < TimeSpan.FromMilliseconds(20) ? TimeSpan.FromMilliseconds(20) : nextWake);
    }

    /// <summary>
    /// Claims a batch of rows in one write (about a second of sends: one transaction a second instead
    /// of one a send, and no database time between a send's turn and its launch), then launches each
    /// at its slot once the platform's window has room.
    /// </summary>
    private async Task LaunchAsync(List<(Row Row, IChannelClient Client, SendPacer? Pacer, DateTimeOffset At)> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return;
        var claimed = await ClaimAsync(batch.Select(b => b.Row.Id).ToList(), ct);
        var waiting = batch.Where(b => claimed.Contains(b.Row.Id)).ToList();
        var held = new List<long>();
        try
        {
            while (waiting.Count > 0)
            {
                var (row, client, pacer, at) = waiting[0];
                await _slots.WaitAsync(ct);
                try
                {
                    if (at > time.GetUtcNow()) await Task.Delay(at - time.GetUtcNow(), time, ct);
                    if (pacer is not null)
                        for (var wait = pacer.WindowWait(time.GetUtcNow()); wait > TimeSpan.Zero; wait = pacer.WindowWait(time.GetUtcNow()))
                            await Task.Delay(wait, time, ct);
                }
                catch (OperationCanceledException)
                {
                    _slots.Release();
                    throw;
                }
                waiting.RemoveAt(0);
                // The whole channel was told to wait since this row was claimed: it goes back, unsent, until then.
                if (pacer is not null && pacer.PausedUntil > time.GetUtcNow())
                {
                    _slots.Release();
                    held.Add(row.Id);
                    continue;
                }
                if (pacer is not null) lock (_gate) _inFlight.Add((row.Channel, row.ChatId));
                var launch = pacer?.Launched(time.GetUtcNow());
                // Not the stopping token: a send that has started finishes (within the client's own
                // timeout) and records its outcome, so a graceful stop leaves nothing in doubt.
                _ = SendAsync(client, pacer, launch, row, CancellationToken.None);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping before these left: they go back unsent, not to a lease that would later count them as interrupted.
            await UnclaimAsync([.. held, .. waiting.Select(w => w.Row.Id)]);
            throw;
        }
        await UnclaimAsync(held);
    }

    private async Task SendAsync(IChannelClient client, SendPacer? pacer, SendPacer.Launch? launch, Row row, CancellationToken ct)
    {
        try
        {
            var message = Learning.Messaging.Outbox.Deserialize(row.Payload);
            // The row's chat id wins over the payload's: a migrated group's pending rows were re-addressed.
            message = message with { To = message.To with { ChatId = row.ChatId }, OutboxId = row.Id };
            if (message.Edits is not null || message.EditsButtonsOnly) message = await ResolveEditAsync(message);
            SendResult result;
            try
            {
                // Certificates travel as references and are rendered here, just before they leave.
                if (certificates is not null) message = await certificates.ResolveAsync(message, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Rendering the attachment of outbox row {Id} failed; will retry", row.Id);
                await FinishAsync(row, new SendResult(SendStatus.RetryLater, RetryAfter: TimeSpan.FromSeconds(30), Error: ex.GetType().Name), CancellationToken.None, message);
                return;
            }
            try
            {
                result = await client.SendAsync(message, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A client must not throw; if one does, the outcome is unknown: do not risk a duplicate.
                result = new SendResult(SendStatus.Unknown, Error: ex.GetType().Name);
            }
            if (pacer is not null) pacer.Completed(launch!, row.ChatId, time.GetUtcNow());
            await FinishAsync(row, result, CancellationToken.None, message);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Recording the outcome of outbox row {Id} failed; its lease will expire to 'unknown'", row.Id);
        }
        finally
        {
            // A send that failed before reaching the client still leaves the window (in the air, it would hold its place forever).
            if (pacer is not null)
            {
                pacer.Completed(launch!, row.ChatId, time.GetUtcNow());
                lock (_gate) _inFlight.Remove((row.Channel, row.ChatId));
            }
            _slots.Release();
            Wake();
        }
    }

    // An edit names the message it replaces by its outbox key (or, for a press, by the platform's id);
    // the chat's order guarantees that row was finished first. Where it never reached the platform, a
    // replacement goes out as a new message, and a change of only its buttons goes nowhere. A choice
    // shown in place of the buttons needs the text it goes under, for channels that replace text whole.
    private async Task<OutgoingMessage> ResolveEditAsync(OutgoingMessage message)
    {
        await using var s = await database.BeginReadAsync(CancellationToken.None);
        if (message.Edits is { } edits) message = message with { EditMessageId = await Learning.Messaging.Outbox.SentMessageIdAsync(s, edits) };
        if (message is { EditsButtonsOnly: true, EditMessageId: { } id } && !string.IsNullOrEmpty(message.Text)
            && await Learning.Messaging.Outbox.ShownAsync(s, message.To, id) is { Text: { } shown, Quiz: null, Attachment: null, Mentions.Count: 0 } earlier)
            message = message with { EditedText = shown, EditedFormat = earlier.Format };
        return message;
    }

    private async Task<HashSet<long>> ClaimAsync(List<long> ids, CancellationToken ct)
    {
        await using var s = await database.BeginAsync(ct);
        var claimed = await s.QueryAsync<long>(
            "UPDATE outbox SET status = 'sending', not_before = @lease WHERE id IN @ids AND status = 'pending' RETURNING id",
            new { ids = SqlList.Of(ids), lease = (time.GetUtcNow() + options.SendLease).ToUnixTimeMilliseconds() });
        await s.CommitAsync(ct);
        return [.. claimed];
    }

    private async Task UnclaimAsync(List<long> ids)
    {
        if (ids.Count == 0) return;
        await using var s = await database.BeginAsync(CancellationToken.None);
        await s.ExecuteAsync("UPDATE outbox SET status = 'pending', not_before = 0 WHERE id IN @ids AND status = 'sending'", new { ids = SqlList.Of(ids) });
        await s.CommitAsync(CancellationToken.None);
    }

    private async Task FinishAsync(Row row, SendResult result, CancellationToken ct, OutgoingMessage? message = null)
    {
        ct.ThrowIfCancellationRequested();
        Counters.Count(result.Status);
        metrics?.Send(row.Channel, MetricName(result.Status));
        if (result.RateLimited) metrics?.RateLimited(row.Channel);
        var now = time.GetUtcNow();
        var wait = result.RetryAfter ?? Backoff(row.Attempts);
        var retry = result.Status == SendStatus.RetryLater && row.Attempts + 1 < MaxAttempts;
        // An unlimited answer to a button press says nothing about the chat's own limit.
        if (retry && (row.InOrder == 1 || _clients.GetValueOrDefault(row.Channel)?.Capabilities.UnpacedButtonAnswers != true))
        {
            if (result.RateLimited) _pacers.GetValueOrDefault(row.Channel)?.RateLimited(row.ChatId, now, now + wait);
            else _pacers.GetValueOrDefault(row.Channel)?.PauseChat(row.ChatId, now + wait);
        }
        await _outcomes.WriteAsync(async s =>
        {
            switch (result.Status)
            {
                case SendStatus.Sent:
                    await s.ExecuteAsync(
                        "UPDATE outbox SET status = 'sent', sent_at = @at, platform_message_id = @PlatformMessageId, error = NULL WHERE id = @Id",
                        new { row.Id, at = now.ToUnixTimeMilliseconds(), result.PlatformMessageId });
                    if (result.PollId is not null && message?.Quiz is { } quiz)
                        await s.ExecuteAsync(
                            "INSERT INTO poll_links (channel, poll_id, delivery_id) VALUES (@Channel, @PollId, @DeliveryId) ON CONFLICT DO NOTHING",
                            new { row.Channel, result.PollId, quiz.DeliveryId });
                    break;
                case SendStatus.RetryLater when retry:
                    await s.ExecuteAsync(
                        "UPDATE outbox SET status = 'pending', attempts = attempts + 1, not_before = @until, error = @Error WHERE id = @Id",
                        new { row.Id, until = (now + wait).ToUnixTimeMilliseconds(), result.Error });
                    break;
                case SendStatus.Migrated when result.MigratedToChatId is { } newId:
                    await directory.MoveChatAsync(s, new Learning.Model.ChatAddress(row.Channel, row.ChatId), newId);
                    await s.ExecuteAsync("UPDATE outbox SET status = 'pending', chat_id = @newId, not_before = @now WHERE id = @Id",
                        new { row.Id, newId, now = now.ToUnixTimeMilliseconds() });
                    break;
                case SendStatus.Unreachable:
                    await s.ExecuteAsync("UPDATE outbox SET status = 'unreachable', error = @Error WHERE id = @Id", new { row.Id, result.Error });
                    await directory.MarkUnreachableAsync(s, new Learning.Model.ChatAddress(row.Channel, row.ChatId));
                    break;
                case SendStatus.Unknown:
                    await s.ExecuteAsync("UPDATE outbox SET status = 'unknown', error = @Error WHERE id = @Id", new { row.Id, result.Error });
                    break;
                default: // Failed, or retries exhausted
                    await s.ExecuteAsync("UPDATE outbox SET status = 'failed', attempts = attempts + 1, error = @Error WHERE id = @Id",
                        new { row.Id, result.Error });
                    break;
            }
        });
        if (result.Status is not SendStatus.Sent)
            logger.LogWarning("Outbox row {Id} to {Channel}: {Status} {Error}", row.Id, row.Channel, result.Status, result.Error);
    }

    // A send that was in the air when its process died (here or on another instance): nobody will
    // record its outcome, so it goes again — the platform may have received it once already.
    private async Task ExpireLeasesAsync(CancellationToken ct)
    {
        await using var s = await database.BeginAsync(ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var expired = await s.ExecuteAsync(
            """
            UPDATE outbox SET status = 'pending', interrupted = interrupted + 1, not_before = @now,
                error = 'the sender stopped mid-send; sent again, may arrive twice'
            WHERE status = 'sending' AND not_before < @now
            """, new { now });
        await s.CommitAsync(ct);
        if (expired > 0) logger.LogWarning("{Count} outbox rows were cut off mid-send by a stopped sender; sending them again (possible duplicates)", expired);
    }

    // 2, 4, 8 … seconds, at most five minutes, with jitter so retries of many chats spread out.
    private static TimeSpan Backoff(long attempts) =>
        TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, attempts + 1)) * (0.8 + Random.Shared.NextDouble() * 0.4));

    private static string MetricName(SendStatus status) => status switch
    {
        SendStatus.Sent => "sent",
        SendStatus.RetryLater => "retry_later",
        SendStatus.Failed => "failed",
        SendStatus.Unreachable => "unreachable",
        SendStatus.Unknown => "unknown",
        SendStatus.Migrated => "migrated",
        _ => status.ToString().ToLowerInvariant(),
    };

    private sealed class Row
    {
        public long Id { get; init; }
        public string Channel { get; init; } = "";
        public string ChatId { get; init; } = "";
        public string Payload { get; init; } = "";
        public long Attempts { get; init; }
        public long InOrder { get; init; }
    }
}

/// <summary>Counts of send outcomes.</summary>
public sealed class SendCounters
{
    private readonly long[] _counts = new long[Enum.GetValues<SendStatus>().Length];

    public void Count(SendStatus status) => Interlocked.Increment(ref _counts[(int)status]);

    public long this[SendStatus status] => Interlocked.Read(ref _counts[(int)status]);
}
