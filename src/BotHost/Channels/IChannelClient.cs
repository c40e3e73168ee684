using Academy.Learning.Messaging;

namespace Academy.BotHost.Channels;

/// <summary>
/// What a channel can do and how fast: the dispatcher paces by these, handlers shape messages by them.
/// </summary>
/// <param name="MessagesPerSecond">Overall send rate for the bot.</param>
/// <param name="PerChatInterval">Minimum spacing between two sends into one chat.</param>
/// <param name="GroupMessagesPerMinute">At most this many sends into one group chat per minute.</param>
public sealed record ChannelCapabilities(
    double MessagesPerSecond,
    TimeSpan PerChatInterval,
    int GroupMessagesPerMinute,
    int MaxTextLength,
    bool NativeQuizPolls,
    int MaxCallbackDataBytes)
{
    /// <summary>Sliding windows every chat is held to (Teams: 8 in 2 s, 60 in 30 s, 1800 an hour).</summary>
    public IReadOnlyList<RateWindow> ChatWindows { get; init; } = [];

    /// <summary>
    /// Whether answers to button presses (toasts) go out at once, outside every rate limit: Telegram's
    /// answerCallbackQuery is not limited (its maintainers: "You can call answerCallbackQuery without
    /// any limits"), and a toast that waited for the group's 20 messages a minute would come too late.
    /// Where false (Teams shows a notice as a message), they are paced as messages.
    /// </summary>
    public bool UnpacedButtonAnswers { get; init; }
}

/// <summary>At most <paramref name="Count"/> sends into one chat in any <paramref name="Per"/>.</summary>
public sealed record RateWindow(int Count, TimeSpan Per);

/// <summary>The outcome of one send.</summary>
public enum SendStatus
{
    Sent,
    /// <summary>Rate-limited or a transient failure: try again after <see cref="SendResult.RetryAfter"/>.</summary>
    RetryLater,
    /// <summary>Refused for good (bad request): do not retry.</summary>
    Failed,
    /// <summary>The chat cannot be reached any more (blocked, kicked, never started): final, and the address goes inactive.</summary>
    Unreachable,
    /// <summary>The request left but no answer came back: it may or may not have arrived. Not retried.</summary>
    Unknown,
    /// <summary>The group moved to a new chat id (<see cref="SendResult.MigratedToChatId"/>): re-address and retry.</summary>
    Migrated,
}

/// <param name="PlatformMessageId">The id of the (first) message created, for edits.</param>
/// <param name="PollId">For a quiz sent as a native poll: the poll's id, which poll answers carry.</param>
/// <param name="RateLimited">The platform refused for sending too fast (HTTP 429), as opposed to a transient fault.</param>
public sealed record SendResult(SendStatus Status, string? PlatformMessageId = null, string? PollId = null,
    TimeSpan? RetryAfter = null, string? Error = null, string? MigratedToChatId = null, bool RateLimited = false);

/// <summary>The sending side of a channel: one message in, one outcome out. Never throws for platform errors.</summary>
public interface IChannelClient
{
    /// <summary>The channel name used in <see cref="Academy.Learning.Model.ChatAddress.Channel"/>.</summary>
    string Channel { get; }

    ChannelCapabilities Capabilities { get; }

    Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct);
}
