namespace Academy.BotHost.Channels.Telegram;

/// <summary>Telegram answered ok=false (or something that is not the Bot API's JSON).</summary>
public sealed class TelegramApiException(string method, int errorCode, string description,
    TimeSpan? retryAfter = null, long? migrateToChatId = null)
    : Exception($"Telegram {method} failed: {errorCode} {description}")
{
    public string Method { get; } = method;
    public int ErrorCode { get; } = errorCode;
    public string Description { get; } = description;
    /// <summary>From parameters.retry_after on 429.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
    /// <summary>From parameters.migrate_to_chat_id when the group became a supergroup.</summary>
    public long? MigrateToChatId { get; } = migrateToChatId;
}

/// <summary>An inbound payload that is not a Telegram update at all (not an object with an integer update_id).</summary>
public sealed class TelegramPayloadException(string message) : Exception(message);
