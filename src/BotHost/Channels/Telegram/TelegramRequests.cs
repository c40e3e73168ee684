using System.Text.Json.Serialization;

namespace Academy.BotHost.Channels.Telegram;

/// <summary>The Bot API method names Academy calls.</summary>
public static class TelegramMethods
{
    public const string GetMe = "getMe";
    public const string GetUpdates = "getUpdates";
    public const string SetWebhook = "setWebhook";
    public const string DeleteWebhook = "deleteWebhook";
    public const string SendMessage = "sendMessage";
    public const string EditMessageText = "editMessageText";
    public const string EditMessageReplyMarkup = "editMessageReplyMarkup";
    public const string AnswerCallbackQuery = "answerCallbackQuery";
    public const string SendPoll = "sendPoll";
    public const string StopPoll = "stopPoll";
    public const string SendPhoto = "sendPhoto";
    public const string SendDocument = "sendDocument";
    public const string GetChatMember = "getChatMember";
    public const string GetChat = "getChat";
    public const string SetMyCommands = "setMyCommands";
}

/// <summary>One Bot API call, rendered and ready to send; <see cref="Payload"/> is one of the request types below.</summary>
public sealed record TelegramRequest(string Method, object Payload)
{
    /// <summary>Everything Academy renders creates a message, except acknowledging a button press.</summary>
    public bool ReturnsMessage => Method != TelegramMethods.AnswerCallbackQuery;
}

/// <summary>A file to upload in a multipart request (the JSON request names it by its field).</summary>
public sealed record FileUpload(string FileName, byte[] Content);

/// <summary>A request that may carry a file: <see cref="TelegramBotClient"/> sends it as multipart/form-data when <see cref="Upload"/> is set.</summary>
public interface IUploadRequest
{
    /// <summary>The form field the file goes in (photo, document).</summary>
    string UploadField { get; }
    FileUpload? Upload { get; }
}

[JsonDerivedType(typeof(InlineKeyboardMarkup))]
[JsonDerivedType(typeof(ReplyKeyboardMarkup))]
[JsonDerivedType(typeof(ReplyKeyboardRemove))]
public abstract record ReplyMarkup;

public sealed record InlineKeyboardButton(string Text, string CallbackData);

public sealed record InlineKeyboardMarkup(IReadOnlyList<IReadOnlyList<InlineKeyboardButton>> InlineKeyboard) : ReplyMarkup;

public sealed record KeyboardButton(string Text, bool? RequestContact = null);

public sealed record ReplyKeyboardMarkup(IReadOnlyList<IReadOnlyList<KeyboardButton>> Keyboard) : ReplyMarkup
{
    public bool? OneTimeKeyboard { get; init; }
    public bool? ResizeKeyboard { get; init; }
}

public sealed record ReplyKeyboardRemove : ReplyMarkup
{
    public bool RemoveKeyboard => true;
}

public sealed record SendMessageRequest(long ChatId, string Text)
{
    public long? MessageThreadId { get; init; }
    public string? ParseMode { get; init; } = "HTML";
    public ReplyMarkup? ReplyMarkup { get; init; }
}

public sealed record EditMessageTextRequest(long ChatId, long MessageId, string Text)
{
    public string? ParseMode { get; init; } = "HTML";
    public InlineKeyboardMarkup? ReplyMarkup { get; init; }
}

public sealed record EditMessageReplyMarkupRequest(long ChatId, long MessageId, InlineKeyboardMarkup? ReplyMarkup);

public sealed record AnswerCallbackQueryRequest(string CallbackQueryId)
{
    /// <summary>A toast (at most 200 characters); none just stops the button's spinner.</summary>
    public string? Text { get; init; }
    public bool? ShowAlert { get; init; }
}

public sealed record InputPollOption(string Text);

/// <summary>
/// A poll, in the shape of Bot API 9.6 and later. Answers come back as poll_answer updates only when
/// <see cref="IsAnonymous"/> is false, which is why it is not optional here.
/// </summary>
public sealed record SendPollRequest(long ChatId, string Question, IReadOnlyList<InputPollOption> Options)
{
    public long? MessageThreadId { get; init; }
    public bool IsAnonymous { get; init; }
    /// <summary>quiz (Telegram knows the correct options and shows them after a vote) or regular.</summary>
    public string Type { get; init; } = "quiz";
    /// <summary>Several options may be chosen (a quiz with several correct answers, since Bot API 9.6).</summary>
    public bool? AllowsMultipleAnswers { get; init; }
    /// <summary>Whether a vote may be changed: Telegram's default is no for a quiz and yes for a regular poll.</summary>
    public bool? AllowsRevoting { get; init; }
    /// <summary>The correct options of a quiz, in increasing order (Bot API 9.6 replaced the single correct_option_id).</summary>
    public IReadOnlyList<int>? CorrectOptionIds { get; init; }
    public string? Explanation { get; init; }
    public ReplyMarkup? ReplyMarkup { get; init; }
}

public sealed record StopPollRequest(long ChatId, long MessageId);

/// <summary>sendPhoto: <see cref="Photo"/> is a URL (or file_id), or <see cref="Upload"/> carries the bytes.</summary>
public sealed record SendPhotoRequest(long ChatId) : IUploadRequest
{
    public long? MessageThreadId { get; init; }
    public string? Photo { get; init; }
    public string? Caption { get; init; }
    public string? ParseMode { get; init; }
    public ReplyMarkup? ReplyMarkup { get; init; }
    [JsonIgnore] public FileUpload? Upload { get; init; }
    [JsonIgnore] public string UploadField => "photo";
}

/// <summary>sendDocument: <see cref="Document"/> is a URL (or file_id), or <see cref="Upload"/> carries the bytes.</summary>
public sealed record SendDocumentRequest(long ChatId) : IUploadRequest
{
    public long? MessageThreadId { get; init; }
    public string? Document { get; init; }
    public string? Caption { get; init; }
    public string? ParseMode { get; init; }
    public ReplyMarkup? ReplyMarkup { get; init; }
    [JsonIgnore] public FileUpload? Upload { get; init; }
    [JsonIgnore] public string UploadField => "document";
}
