using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Academy.BotHost.Channels.Telegram;

/// <summary>
/// A typed Bot API client. Every call goes through <see cref="SendRequestAsync{TResult}"/>, the one
/// I/O seam: it POSTs JSON (or multipart/form-data when a request carries file bytes) to
/// {ApiBaseUrl}/bot{token}/{method} and unwraps the {ok, result, …} envelope.
/// The token is part of the URL, so nothing that leaves this class may contain the URL.
/// </summary>
public class TelegramBotClient
{
    /// <summary>
    /// The updates Academy handles. Telegram sends chat_member only when asked, and poll_answer
    /// must be listed for quiz answers to arrive.
    /// </summary>
    public static readonly IReadOnlyList<string> AllowedUpdates =
        ["message", "edited_message", "callback_query", "poll_answer", "my_chat_member", "chat_member"];

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient _http;
    private readonly string _methodBase;
    private readonly string _token;
    private readonly TimeSpan _requestTimeout;

    public TelegramBotClient(HttpClient http, TelegramOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.ValidateApi().ToList();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors), nameof(options));
        _http = http;
        _token = options.BotToken;
        _methodBase = $"{options.ApiBaseUrl.TrimEnd('/')}/bot{options.BotToken}/";
        _requestTimeout = options.RequestTimeout;
    }

    /// <summary>
    /// Calls <paramref name="method"/> and returns its result. Throws <see cref="TelegramApiException"/>
    /// when Telegram refuses; lets <see cref="HttpRequestException"/> (no answer: connection failed
    /// or broke — a timeout while still connecting counts as a connection failure, since nothing left)
    /// and <see cref="OperationCanceledException"/> (the caller's token, or a timeout after the request
    /// left) through, their messages scrubbed of the token.
    /// </summary>
    /// <param name="timeout">Extra time on top of the request timeout, for long polls.</param>
    public virtual async Task<TResult> SendRequestAsync<TResult>(string method, object? payload, CancellationToken ct,
        TimeSpan timeout = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        using var content = new TrackedContent(CreateContent(payload));
        using var request = new HttpRequestMessage(HttpMethod.Post, _methodBase + method) { Content = content };
        // Our own deadline rather than HttpClient.Timeout, so a 50 s long poll and a 20 s send can share one HttpClient.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_requestTimeout + timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
            return Unwrap<TResult>(method, response.StatusCode, body);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested && !content.Started)
        {
            // Still connecting when the time ran out: nothing left, so it is a connection failure (safe to retry).
            throw new HttpRequestException(HttpRequestError.ConnectionError,
                $"Telegram {method}: no connection within {_requestTimeout + timeout}; nothing was sent.", ex);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TaskCanceledException($"Telegram {method} got no answer within {_requestTimeout + timeout}.", new TimeoutException());
        }
        catch (HttpRequestException ex)
        {
            throw new HttpRequestException(ex.HttpRequestError, $"Telegram {method}: {Redact(ex.Message)}", ex.InnerException, ex.StatusCode);
        }
    }

    public Task<User> GetMeAsync(CancellationToken ct = default) =>
        SendRequestAsync<User>(TelegramMethods.GetMe, null, ct);

    /// <summary>
    /// Updates after <paramref name="offset"/> (which confirms everything before it), as raw JSON:
    /// the inbox stores what arrived and the mapper reads it, the same way for webhooks and polling.
    /// </summary>
    public Task<IReadOnlyList<JsonElement>> GetUpdatesAsync(long? offset, int limit = 100, int timeoutSeconds = 30,
        IReadOnlyList<string>? allowedUpdates = null, CancellationToken ct = default) =>
        SendRequestAsync<IReadOnlyList<JsonElement>>(TelegramMethods.GetUpdates,
            new { offset, limit, timeout = timeoutSeconds, allowed_updates = allowedUpdates ?? AllowedUpdates }, ct,
            TimeSpan.FromSeconds(timeoutSeconds));

    public Task<bool> SetWebhookAsync(string url, string? secretToken, IReadOnlyList<string>? allowedUpdates = null,
        int? maxConnections = null, CancellationToken ct = default) =>
        SendRequestAsync<bool>(TelegramMethods.SetWebhook,
            new { url, secret_token = secretToken, allowed_updates = allowedUpdates ?? AllowedUpdates, max_connections = maxConnections }, ct);

    public Task<bool> DeleteWebhookAsync(bool dropPendingUpdates = false, CancellationToken ct = default) =>
        SendRequestAsync<bool>(TelegramMethods.DeleteWebhook, new { drop_pending_updates = dropPendingUpdates }, ct);

    public Task<Message> SendMessageAsync(SendMessageRequest request, CancellationToken ct = default) =>
        SendRequestAsync<Message>(TelegramMethods.SendMessage, request, ct);

    public Task<Message> EditMessageTextAsync(EditMessageTextRequest request, CancellationToken ct = default) =>
        SendRequestAsync<Message>(TelegramMethods.EditMessageText, request, ct);

    public Task<Message> EditMessageReplyMarkupAsync(EditMessageReplyMarkupRequest request, CancellationToken ct = default) =>
        SendRequestAsync<Message>(TelegramMethods.EditMessageReplyMarkup, request, ct);

    public Task<bool> AnswerCallbackQueryAsync(AnswerCallbackQueryRequest request, CancellationToken ct = default) =>
        SendRequestAsync<bool>(TelegramMethods.AnswerCallbackQuery, request, ct);

    /// <summary>The sent message; its <see cref="Message.Poll"/> id is what poll_answer updates carry.</summary>
    public Task<Message> SendPollAsync(SendPollRequest request, CancellationToken ct = default) =>
        SendRequestAsync<Message>(TelegramMethods.SendPoll, request, ct);

    public Task<Poll> StopPollAsync(long chatId, long messageId, CancellationToken ct = default) =>
        SendRequestAsync<Poll>(TelegramMethods.StopPoll, new StopPollRequest(chatId, messageId), ct);

    public Task<Message> SendPhotoAsync(SendPhotoRequest request, CancellationToken ct = default) =>
        SendRequestAsync<Message>(TelegramMethods.SendPhoto, request, ct);

    public Task<Message> SendDocumentAsync(SendDocumentRequest request, CancellationToken ct = default) =>
        SendRequestAsync<Message>(TelegramMethods.SendDocument, request, ct);

    public Task<ChatMember> GetChatMemberAsync(long chatId, long userId, CancellationToken ct = default) =>
        SendRequestAsync<ChatMember>(TelegramMethods.GetChatMember, new { chat_id = chatId, user_id = userId }, ct);

    public Task<Chat> GetChatAsync(long chatId, CancellationToken ct = default) =>
        SendRequestAsync<Chat>(TelegramMethods.GetChat, new { chat_id = chatId }, ct);

    public Task<bool> SetMyCommandsAsync(IReadOnlyList<BotCommand> commands, BotCommandScope? scope = null,
        string? languageCode = null, CancellationToken ct = default) =>
        SendRequestAsync<bool>(TelegramMethods.SetMyCommands,
            new { commands, scope = scope ?? BotCommandScope.Default, language_code = languageCode }, ct);

    private static HttpContent CreateContent(object? payload)
    {
        if (payload is IUploadRequest { Upload: { } upload } uploadRequest)
            return CreateMultipart(payload, uploadRequest.UploadField, upload);
        var json = payload is null ? "{}" : JsonSerializer.Serialize(payload, payload.GetType(), Json);
        return new StringContent(json, Encoding.UTF8, "application/json");
    }

    /// <summary>Multipart fields are strings: nested objects (reply_markup) go as their JSON text, as the Bot API expects.</summary>
    private static MultipartFormDataContent CreateMultipart(object payload, string fileField, FileUpload upload)
    {
        var form = new MultipartFormDataContent();
        using var fields = JsonSerializer.SerializeToDocument(payload, payload.GetType(), Json);
        foreach (var field in fields.RootElement.EnumerateObject())
        {
            var value = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString()! : field.Value.GetRawText();
            form.Add(new StringContent(value, Encoding.UTF8), field.Name);
        }
        var file = new ByteArrayContent(upload.Content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, fileField, upload.FileName);
        return form;
    }

    private static TResult Unwrap<TResult>(string method, HttpStatusCode status, byte[] body)
    {
        Envelope<TResult>? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<Envelope<TResult>>(body, Json);
        }
        catch (JsonException)
        {
            envelope = null;
        }
        // A proxy's HTML error page or a truncated body: keep the HTTP status so 5xx still reads as transient.
        if (envelope is null)
            throw new TelegramApiException(method, (int)status, $"unreadable response (HTTP {(int)status})");
        if (!envelope.Ok)
            throw new TelegramApiException(method, envelope.ErrorCode ?? (int)status, envelope.Description ?? status.ToString(),
                envelope.Parameters?.RetryAfter is { } s ? TimeSpan.FromSeconds(s) : null, envelope.Parameters?.MigrateToChatId);
        if (envelope.Result is null)
            throw new TelegramApiException(method, (int)status, "ok without a result");
        return envelope.Result;
    }

    private string Redact(string text) => text.Replace(_token, "<token>", StringComparison.Ordinal);

    private sealed record Envelope<TResult>(bool Ok, TResult? Result, int? ErrorCode, string? Description, ResponseParameters? Parameters);

    private sealed record ResponseParameters(int? RetryAfter, long? MigrateToChatId);
}
