using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Channels;

/// <summary>What happened in a chat, in channel-neutral terms.</summary>
public enum ChatEventKind
{
    /// <summary>Text that is not a command.</summary>
    Message,
    /// <summary>A /command with arguments.</summary>
    Command,
    /// <summary>A press on a button we sent.</summary>
    Button,
    /// <summary>A vote (or a retracted vote: no options) on a quiz poll we sent.</summary>
    PollAnswer,
    /// <summary>The person shared a phone number.</summary>
    ContactShared,
    MemberJoined,
    MemberLeft,
    BotAdded,
    BotRemoved,
    /// <summary>A group became a supergroup: its chat id changed to <see cref="ChatEvent.MigratedToChatId"/>.</summary>
    ChatMigrated,
    /// <summary>Nothing Academy acts on (edited messages, stickers, channel posts …); recorded and dropped.</summary>
    Ignored,
}

/// <summary>A person (or bot) on a channel.</summary>
public sealed record ChatUser(string Id, string DisplayName, string? Username = null, string? LanguageCode = null, bool IsBot = false);

/// <summary>
/// One inbound update mapped from a platform payload. <see cref="UpdateId"/> is unique per channel
/// and is the inbox's de-duplication key. <see cref="From"/> is null when nobody identifiable sent
/// it (an anonymous group admin, a channel post).
/// </summary>
public sealed record ChatEvent
{
    public required string Channel { get; init; }
    public required string UpdateId { get; init; }
    public required ChatEventKind Kind { get; init; }
    public ChatAddress? Chat { get; init; }
    public bool IsPrivate { get; init; }
    /// <summary>
    /// The chat is a one-way broadcast channel (Telegram's <c>channel</c>): its posts name no person
    /// who could answer, so it is never a study group's chat.
    /// </summary>
    public bool IsBroadcast { get; init; }
    public ChatUser? From { get; init; }
    public string? Text { get; init; }
    /// <summary>The command without '/' or '@botname', lower case.</summary>
    public string? Command { get; init; }
    public IReadOnlyList<string> Args { get; init; } = [];
    public string? ButtonData { get; init; }
    public string? CallbackId { get; init; }
    /// <summary>The platform's id of the message whose button was pressed, where the platform says (to change its buttons).</summary>
    public string? ButtonMessageId { get; init; }
    public string? PollId { get; init; }
    public IReadOnlyList<int> PollOptions { get; init; } = [];
    public string? ContactPhone { get; init; }
    /// <summary>Whose contact was shared (must be the sender's own).</summary>
    public string? ContactUserId { get; init; }
    /// <summary>The member who joined or left.</summary>
    public ChatUser? Member { get; init; }
    public string? MigratedToChatId { get; init; }
    /// <summary>A photo or document that came with a message (its caption is <see cref="Text"/>), re-sendable by its platform file id.</summary>
    public Academy.Learning.Messaging.Attachment? Attachment { get; init; }
    public DateTimeOffset SentAt { get; init; }
}
