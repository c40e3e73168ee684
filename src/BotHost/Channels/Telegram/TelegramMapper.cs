using System.Globalization;
using System.Text.Json;
using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Channels.Telegram;

/// <summary>
/// Telegram JSON ↔ Academy's neutral model, as pure functions: inbound updates become
/// <see cref="ChatEvent"/>s here; outbound messages become Bot API requests in TelegramMapper.Outbound.cs.
/// </summary>
public static partial class TelegramMapper
{
    public const string Channel = "telegram";

    /// <summary>The chat type of a broadcast channel, as opposed to a group or supergroup.</summary>
    public const string BroadcastChat = "channel";

    /// <summary>The service account anonymous group admins post as; never a learner.</summary>
    public const long GroupAnonymousBotId = 1087968824;

    /// <summary>
    /// Maps one update. Shapes Academy does not act on (edits, stickers, channel posts, unknown
    /// update types, fields of an unexpected type) map to <see cref="ChatEventKind.Ignored"/>; only
    /// JSON that is not an object with an integer update_id throws <see cref="TelegramPayloadException"/>.
    /// </summary>
    /// <param name="botUserId">Our bot's own user id (getMe), to tell "the bot was added" from "someone joined".</param>
    /// <param name="botUsername">Our bot's username: a group command addressed to another bot (/start@OtherBot) is ignored.</param>
    public static ChatEvent Map(JsonElement update, long botUserId, string? botUsername = null)
    {
        if (update.ValueKind != JsonValueKind.Object
            || !update.TryGetProperty("update_id", out var idElement)
            || idElement.ValueKind != JsonValueKind.Number
            || !idElement.TryGetInt64(out var updateId))
            throw new TelegramPayloadException("A Telegram update must be a JSON object with an integer update_id.");

        Update? parsed;
        try
        {
            parsed = update.Deserialize<Update>(TelegramBotClient.Json);
        }
        catch (JsonException)
        {
            parsed = null; // a known field with an unexpected type: not ours to interpret
        }
        return parsed is null ? Ignored(updateId) : Map(parsed, botUserId, botUsername);
    }

    /// <summary>Parses and maps one update's JSON text (a webhook body).</summary>
    public static ChatEvent Map(string json, long botUserId, string? botUsername = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw new TelegramPayloadException("A Telegram update must be JSON.");
        }
        using (document) return Map(document.RootElement, botUserId, botUsername);
    }

    public static ChatEvent Map(Update update, long botUserId, string? botUsername = null)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Message is { } message) return FromMessage(update.UpdateId, message, botUserId, botUsername);
        if (update.CallbackQuery is { } callback) return FromCallback(update.UpdateId, callback);
        if (update.PollAnswer is { } answer) return FromPollAnswer(update.UpdateId, answer);
        if (update.MyChatMember is { } mine) return FromMemberUpdate(update.UpdateId, mine, ChatEventKind.BotAdded, ChatEventKind.BotRemoved);
        if (update.ChatMember is { } theirs) return FromMemberUpdate(update.UpdateId, theirs, ChatEventKind.MemberJoined, ChatEventKind.MemberLeft);
        // Edits are ignored on purpose: an answer counts as first sent, not as later corrected.
        if (update.EditedMessage is { } edited) return Base(update.UpdateId, edited, ChatEventKind.Ignored);
        return Ignored(update.UpdateId);
    }

    private static ChatEvent FromMessage(long updateId, Message message, long botUserId, string? botUsername)
    {
        if (message.Chat is null) return Ignored(updateId);
        // A broadcast channel's posts (however they arrive) are nobody's requests: /bind there binds nothing.
        if (message.Chat.Type == BroadcastChat) return Base(updateId, message, ChatEventKind.Ignored);

        if (message.MigrateToChatId is { } newChatId)
            return Base(updateId, message, ChatEventKind.ChatMigrated) with { MigratedToChatId = Id(newChatId) };

        if (message.NewChatMembers is { Count: > 0 } joined)
        {
            var bot = joined.FirstOrDefault(u => u.Id == botUserId);
            return Base(updateId, message, bot is null ? ChatEventKind.MemberJoined : ChatEventKind.BotAdded) with
            {
                Member = ToUser(bot ?? joined[0]),
            };
        }

        if (message.LeftChatMember is { } left)
            return Base(updateId, message, left.Id == botUserId ? ChatEventKind.BotRemoved : ChatEventKind.MemberLeft) with
            {
                Member = ToUser(left),
            };

        if (message.Contact is { } contact)
            return Base(updateId, message, ChatEventKind.ContactShared) with
            {
                ContactPhone = NormalizePhone(contact.PhoneNumber),
                ContactUserId = contact.UserId is { } id ? Id(id) : null,
            };

        if (message.Photo is { Count: > 0 } sizes)
            return Base(updateId, message, ChatEventKind.Message) with
            {
                Text = message.Caption,
                Attachment = new Academy.Learning.Messaging.Attachment(Academy.Learning.Messaging.AttachmentKind.Image, "photo.jpg",
                    PlatformFileId: sizes[^1].FileId, PlatformChannel: Channel),
            };
        if (message.Document is { } document)
            return Base(updateId, message, ChatEventKind.Message) with
            {
                Text = message.Caption,
                Attachment = new Academy.Learning.Messaging.Attachment(Academy.Learning.Messaging.AttachmentKind.Document,
                    document.FileName ?? "document", PlatformFileId: document.FileId, PlatformChannel: Channel),
            };

        if (string.IsNullOrEmpty(message.Text)) return Base(updateId, message, ChatEventKind.Ignored);

        var text = message.Text;
        if (TryParseCommand(text, botUsername, out var command, out var args, out var forOtherBot))
            return Base(updateId, message, forOtherBot ? ChatEventKind.Ignored : ChatEventKind.Command) with
            {
                Text = text,
                Command = command,
                Args = args,
            };
        return Base(updateId, message, ChatEventKind.Message) with { Text = text };
    }

    private static ChatEvent FromCallback(long updateId, CallbackQuery callback)
    {
        // Game buttons carry no data; nothing of ours was pressed.
        if (callback.Data is null) return Ignored(updateId);
        var chat = callback.Message?.Chat;
        return new ChatEvent
        {
            Channel = Channel,
            UpdateId = Id(updateId),
            Kind = ChatEventKind.Button,
            Chat = chat is null ? null : Address(chat, callback.Message!),
            IsPrivate = chat?.Type == "private",
            IsBroadcast = chat?.Type == BroadcastChat,
            From = Sender(callback.From, null),
            ButtonData = callback.Data,
            CallbackId = callback.Id,
            // An inaccessible message (date 0: deleted, or too old) can no longer be edited.
            ButtonMessageId = callback.Message is { Date: > 0 } pressed ? Id(pressed.MessageId) : null,
        };
    }

    /// <summary>Poll answers name no chat: the poll id ties them to the delivery.</summary>
    private static ChatEvent FromPollAnswer(long updateId, PollAnswer answer) => new()
    {
        Channel = Channel,
        UpdateId = Id(updateId),
        Kind = ChatEventKind.PollAnswer,
        From = Sender(answer.User, answer.VoterChat),
        PollId = answer.PollId,
        PollOptions = answer.OptionIds,
    };

    /// <summary>
    /// A status change only counts as joining when the member was not in the chat before, so a
    /// promotion to administrator is not a second "added".
    /// </summary>
    private static ChatEvent FromMemberUpdate(long updateId, ChatMemberUpdated change, ChatEventKind joined, ChatEventKind left)
    {
        if (change.Chat is null || change.NewChatMember is not { } now) return Ignored(updateId);
        var wasIn = change.OldChatMember?.IsInChat ?? false;
        var kind = now.Status is "left" or "kicked" ? left
            : now.IsInChat && !wasIn ? joined
            : ChatEventKind.Ignored;
        return new ChatEvent
        {
            Channel = Channel,
            UpdateId = Id(updateId),
            Kind = kind,
            Chat = new ChatAddress(Channel, Id(change.Chat.Id)),
            IsPrivate = change.Chat.Type == "private",
            IsBroadcast = change.Chat.Type == BroadcastChat,
            From = Sender(change.From, null),
            Member = now.User is null ? null : ToUser(now.User),
            SentAt = FromUnix(change.Date),
        };
    }

    private static ChatEvent Base(long updateId, Message message, ChatEventKind kind) => new()
    {
        Channel = Channel,
        UpdateId = Id(updateId),
        Kind = kind,
        Chat = message.Chat is null ? null : Address(message.Chat, message),
        IsPrivate = message.Chat?.Type == "private",
        IsBroadcast = message.Chat?.Type == BroadcastChat,
        From = Sender(message.From, message.SenderChat),
        SentAt = FromUnix(message.Date),
    };

    private static ChatEvent Ignored(long updateId) => new()
    {
        Channel = Channel,
        UpdateId = Id(updateId),
        Kind = ChatEventKind.Ignored,
    };

    /// <summary>
    /// message_thread_id also marks reply threads in ordinary supergroups; only a forum topic is an
    /// address of its own.
    /// </summary>
    private static ChatAddress Address(Chat chat, Message message) =>
        new(Channel, Id(chat.Id), message.IsTopicMessage == true && message.MessageThreadId is { } thread ? Id(thread) : null);

    /// <summary>An anonymous admin posts as the group itself: that is nobody we can hold to an answer.</summary>
    private static ChatUser? Sender(User? from, Chat? senderChat) =>
        from is null || senderChat is not null || from.Id == GroupAnonymousBotId ? null : ToUser(from);

    private static ChatUser ToUser(User user)
    {
        var name = $"{user.FirstName} {user.LastName}".Trim();
        if (name.Length == 0) name = user.Username ?? Id(user.Id);
        return new ChatUser(Id(user.Id), name, string.IsNullOrEmpty(user.Username) ? null : user.Username,
            string.IsNullOrEmpty(user.LanguageCode) ? null : user.LanguageCode, user.IsBot);
    }

    /// <summary>"/Start@AcademyBot  a b" → ("start", ["a", "b"]).</summary>
    internal static bool TryParseCommand(string text, string? botUsername, out string command, out IReadOnlyList<string> args,
        out bool forOtherBot)
    {
        command = "";
        args = [];
        forOtherBot = false;
        if (text.Length < 2 || text[0] != '/') return false;
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var head = parts[0][1..];
        var at = head.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            var target = head[(at + 1)..];
            forOtherBot = botUsername is not null && !string.Equals(target, botUsername.TrimStart('@'), StringComparison.OrdinalIgnoreCase);
            head = head[..at];
        }
        if (head.Length == 0) return false;
        command = head.ToLowerInvariant();
        args = parts[1..];
        return true;
    }

    /// <summary>Telegram sends the sender's own number without '+'; the rest of Academy speaks E.164.</summary>
    private static string? NormalizePhone(string? phone)
    {
        if (phone is null) return null; // a contact card without a number (mangled update): nothing to match
        var trimmed = phone.Trim();
        return trimmed.StartsWith('+') || trimmed.Length == 0 ? trimmed : "+" + trimmed;
    }

    private static DateTimeOffset FromUnix(long seconds) =>
        seconds is > 0 and < 253402300800 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : default;

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
