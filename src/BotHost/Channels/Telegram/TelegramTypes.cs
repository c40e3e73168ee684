using System.Text.Json;
using System.Text.Json.Serialization;

namespace Academy.BotHost.Channels.Telegram;

// The few Bot API types Academy reads, with only the fields it uses: unknown fields are skipped
// on the way in, so new Bot API versions do not break parsing. Names map by snake_case.

public sealed record Update
{
    public long UpdateId { get; init; }
    public Message? Message { get; init; }
    public Message? EditedMessage { get; init; }
    public Message? ChannelPost { get; init; }
    public Message? EditedChannelPost { get; init; }
    public CallbackQuery? CallbackQuery { get; init; }
    public PollAnswer? PollAnswer { get; init; }
    public ChatMemberUpdated? MyChatMember { get; init; }
    public ChatMemberUpdated? ChatMember { get; init; }
}

public sealed record User
{
    public long Id { get; init; }
    public bool IsBot { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Username { get; init; }
    public string? LanguageCode { get; init; }
    /// <summary>getMe only: true when the bot's privacy mode is off (it sees every group message).</summary>
    public bool? CanReadAllGroupMessages { get; init; }
}

public sealed record Chat
{
    public long Id { get; init; }
    /// <summary>private, group, supergroup or channel.</summary>
    public string? Type { get; init; }
    public string? Title { get; init; }
    public string? Username { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public bool? IsForum { get; init; }
}

public sealed record Message
{
    public long MessageId { get; init; }
    public long? MessageThreadId { get; init; }
    public bool? IsTopicMessage { get; init; }
    public User? From { get; init; }
    /// <summary>Set when a chat (anonymous admin, linked channel) posted rather than a person.</summary>
    public Chat? SenderChat { get; init; }
    public Chat? Chat { get; init; }
    /// <summary>Unix seconds.</summary>
    public long Date { get; init; }
    public string? Text { get; init; }
    public string? Caption { get; init; }
    public Contact? Contact { get; init; }
    public IReadOnlyList<User>? NewChatMembers { get; init; }
    public User? LeftChatMember { get; init; }
    public long? MigrateToChatId { get; init; }
    public long? MigrateFromChatId { get; init; }
    public Poll? Poll { get; init; }
    public IReadOnlyList<PhotoSize>? Photo { get; init; }
    public Document? Document { get; init; }
    public JsonElement? Sticker { get; init; }
}

public sealed record CallbackQuery
{
    public string Id { get; init; } = "";
    public User? From { get; init; }
    /// <summary>Absent for inline-mode messages; an inaccessible message (date 0) still names its chat.</summary>
    public Message? Message { get; init; }
    public string? Data { get; init; }
}

public sealed record PollAnswer
{
    public string PollId { get; init; } = "";
    /// <summary>Set instead of a person when an anonymous admin voted on behalf of the chat.</summary>
    public Chat? VoterChat { get; init; }
    public User? User { get; init; }
    /// <summary>Empty when the vote was retracted.</summary>
    public IReadOnlyList<int> OptionIds { get; init; } = [];
    /// <summary>Bot API 9.6: the chosen options' lasting ids (options can be added to a regular poll); ours never change, so the indices suffice.</summary>
    public IReadOnlyList<string>? OptionPersistentIds { get; init; }
}

public sealed record PollOption
{
    public string Text { get; init; } = "";
    public int VoterCount { get; init; }
}

public sealed record Poll
{
    public string Id { get; init; } = "";
    public string Question { get; init; } = "";
    public IReadOnlyList<PollOption> Options { get; init; } = [];
    public int TotalVoterCount { get; init; }
    public bool IsClosed { get; init; }
    public bool IsAnonymous { get; init; }
    /// <summary>regular or quiz.</summary>
    public string? Type { get; init; }
    public bool AllowsMultipleAnswers { get; init; }
    /// <summary>Bot API 9.6: whether a vote may be changed.</summary>
    public bool? AllowsRevoting { get; init; }
    /// <summary>Before Bot API 9.6: the one correct option of a quiz.</summary>
    public int? CorrectOptionId { get; init; }
    /// <summary>Bot API 9.6 and later: the correct options of a quiz (several for a multiple-answer quiz).</summary>
    public IReadOnlyList<int>? CorrectOptionIds { get; init; }

    /// <summary>A quiz's correct options, whichever shape the server wrote (empty when it did not say).</summary>
    [JsonIgnore]
    public IReadOnlyList<int> CorrectOptions =>
        CorrectOptionIds is { Count: > 0 } ids ? ids : CorrectOptionId is { } id ? [id] : [];
}

public sealed record Contact
{
    public string PhoneNumber { get; init; } = "";
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    /// <summary>Whose number it is, when they are a Telegram user.</summary>
    public long? UserId { get; init; }
}

public sealed record PhotoSize
{
    public string FileId { get; init; } = "";
    public string? FileUniqueId { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
}

public sealed record Document
{
    public string FileId { get; init; } = "";
    public string? FileUniqueId { get; init; }
    public string? FileName { get; init; }
}

/// <summary>One member's state in a chat; status is creator, administrator, member, restricted, left or kicked.</summary>
public sealed record ChatMember
{
    public string Status { get; init; } = "";
    public User? User { get; init; }
    /// <summary>Only for restricted members: whether they are still in the chat.</summary>
    public bool? IsMember { get; init; }
    /// <summary>Only for restricted members: whether they may post.</summary>
    public bool? CanSendMessages { get; init; }

    [JsonIgnore]
    public bool IsInChat => Status switch
    {
        "creator" or "administrator" or "member" => true,
        "restricted" => IsMember ?? false,
        _ => false,
    };
}

public sealed record ChatMemberUpdated
{
    public Chat? Chat { get; init; }
    /// <summary>Who made the change.</summary>
    public User? From { get; init; }
    public long Date { get; init; }
    public ChatMember? OldChatMember { get; init; }
    public ChatMember? NewChatMember { get; init; }
}

public sealed record BotCommand(string Command, string Description);

/// <summary>
/// Which users see a command list: default, all_private_chats, all_group_chats or
/// all_chat_administrators. (chat_administrators is one chat's administrators and needs that chat's id.)
/// </summary>
public sealed record BotCommandScope(string Type)
{
    public static readonly BotCommandScope Default = new("default");
    public static readonly BotCommandScope AllPrivateChats = new("all_private_chats");
    public static readonly BotCommandScope AllGroupChats = new("all_group_chats");
    public static readonly BotCommandScope AllChatAdministrators = new("all_chat_administrators");
}
