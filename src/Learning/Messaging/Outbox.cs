using Academy.Learning.Storage;

namespace Academy.Learning.Messaging;

/// <summary>
/// Queues outgoing messages in the caller's transaction. The idempotency key names the message
/// (e.g. <c>c3/d5/lesson/g12</c> or <c>reply/telegram/88121/0</c>), so queuing it twice — a job
/// fired twice, an update re-delivered — leaves one row and one send.
/// </summary>
public sealed class Outbox(TimeProvider time)
{
    /// <summary>Raised after a caller commits new rows, so the dispatcher need not wait for its next poll.</summary>
    public event Action? Enqueued;

    /// <summary>Queues a message unless one with the same key exists. Returns true when queued now.</summary>
    public async Task<bool> EnqueueAsync(DbSession s, string idempotencyKey, OutgoingMessage message, DateTimeOffset? notBefore = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(message);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var inserted = await s.ExecuteAsync(
            """
            INSERT INTO outbox (idem_key, channel, chat_id, payload, status, attempts, not_before, created_at, in_order)
            VALUES (@idempotencyKey, @Channel, @ChatId, @payload, 'pending', 0, @notBefore, @now, @inOrder)
            ON CONFLICT (idem_key) DO NOTHING
            """,
            new
            {
                idempotencyKey, message.To.Channel, message.To.ChatId, payload = StoredJson.Serialize(message),
                notBefore = notBefore?.ToUnixTimeMilliseconds() ?? now, now, inOrder = InOrder(message),
            });
        return inserted > 0;
    }

    /// <summary>
    /// Queues many messages in a few multi-row statements (a fan-out to thousands of groups), each
    /// unless one with the same key exists. Returns how many were queued now.
    /// </summary>
    public async Task<int> EnqueueManyAsync(DbSession s, IReadOnlyList<(string Key, OutgoingMessage Message)> messages)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(messages);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return await MultiRow.InsertAsync(s, "outbox (idem_key, channel, chat_id, payload, status, attempts, not_before, created_at, in_order)",
            messages.DistinctBy(m => m.Key)
                .Select(m => new object?[]
                {
                    m.Key, m.Message.To.Channel, m.Message.To.ChatId, StoredJson.Serialize(m.Message), "pending", 0L, now, now, InOrder(m.Message),
                })
                .ToList(),
            "ON CONFLICT (idem_key) DO NOTHING");
    }

    // An answer to a button press goes beside its chat's order, not in it (see migration 0019).
    private static long InOrder(OutgoingMessage message) => message.AnswersCallbackId is null ? 1 : 0;

    /// <summary>Tells the dispatcher that committed rows are waiting.</summary>
    public void Notify() => Enqueued?.Invoke();

    /// <summary>Reads a stored payload back.</summary>
    public static OutgoingMessage Deserialize(string payload) => StoredJson.Deserialize<OutgoingMessage>(payload);
}
