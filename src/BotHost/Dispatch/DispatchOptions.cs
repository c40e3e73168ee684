namespace Academy.BotHost.Dispatch;

/// <summary>Settings of the outbox dispatcher (section <c>Outbox</c>).</summary>
public sealed class DispatchOptions
{
    public const string Section = "Outbox";

    /// <summary>
    /// How long a claimed row belongs to the process sending it. When a sender dies mid-send, its
    /// rows are sent again after this long (and counted as possible duplicates); it must stay above
    /// the longest channel request timeout (Telegram: 20 s), or a slow live send could be repeated.
    /// </summary>
    public TimeSpan SendLease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The part of each channel's overall rate (Telegram: 30 a second per bot) this process uses.
    /// The pacing is per process: when N hosts send for one bot, give each 1/N, or together they
    /// exceed the platform's limit and draw 429s. Per-chat and per-group limits need no share: a
    /// chat's messages go one at a time across all hosts (the outbox's head-of-chat rule).
    /// </summary>
    public double RateShare { get; set; } = 1.0;
}
