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
}
