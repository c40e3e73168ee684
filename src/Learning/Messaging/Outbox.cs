using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

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

    /// <summary>The platform's id of the message sent under <paramref name="idempotencyKey"/>, or null when it never went out.</summary>
    public static Task<string?> SentMessageIdAsync(DbSession s, string idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.QuerySingleOrDefaultAsync<string?>(
            "SELECT platform_message_id FROM outbox WHERE idem_key = @idempotencyKey AND status = 'sent'", new { idempotencyKey });
    }

    /// <summary>
    /// What the platform's message <paramref name="platformMessageId"/> in a chat shows now: the latest
    /// sent row that wrote it (the first send or an edit of its text), not an edit of only its buttons.
    /// Null when no row of ours is known to have written it.
    /// </summary>
    public static async Task<OutgoingMessage?> ShownAsync(DbSession s, ChatAddress chat, string platformMessageId)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(chat);
        var payloads = await s.QueryAsync<string>(
            """
            SELECT payload FROM outbox
            WHERE channel = @Channel AND chat_id = @ChatId AND status = 'sent' AND platform_message_id = @platformMessageId
            ORDER BY id DESC LIMIT 20
            """, new { chat.Channel, chat.ChatId, platformMessageId });
        return payloads.Select(Deserialize).FirstOrDefault(m => !m.EditsButtonsOnly && m.AnswersCallbackId is null);
    }

    /// <summary>Reads a stored payload back.</summary>
    public static OutgoingMessage Deserialize(string payload) => StoredJson.Deserialize<OutgoingMessage>(payload);
}
