using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Academy.BotHost.Channels.Zalo.ZaloProtocol;

/// <summary>What a Zalo Bot Platform update carries.</summary>
public enum ZbUpdateKind
{
    /// <summary><c>message.text.received</c> (or no event_name but a text, as in the documentation's sample).</summary>
    Text,

    /// <summary><c>message.image.received</c>.</summary>
    Image,

    /// <summary><c>message.sticker.received</c>.</summary>
    Sticker,

    /// <summary><c>message.unsupported.received</c>: voice, file, link preview, a protected user's message….</summary>
    Unsupported,

    /// <summary>An event name not documented yet.</summary>
    Other,
}

public enum ZbChatType
{
    Private,

    /// <summary>In the schema, but ordinary (Marketplace) bots cannot be added to groups: Academy ignores these.</summary>
    Group,

    Unknown,
}

/// <summary>
/// One bot update: <c>{event_name, message: {message_id, date (Unix ms), text | photo_url | sticker, from {id,
/// display_name | first_name, is_bot}, chat {id, chat_type}}}</c>. For a private chat <see cref="ChatId"/> is
/// the sender's id. There is no update id: a redelivery is recognised by <see cref="DedupeKey"/>.
/// </summary>
public sealed record ZbUpdate(string EventName, ZbUpdateKind Kind, string MessageId, string FromId, string? FromName, bool FromBot,
    string ChatId, ZbChatType ChatType, DateTimeOffset? Date, string? Text, string? PhotoUrl, string? Caption, string? Sticker)
{
    public string DedupeKey => EventName + ":" + MessageId;
}

/// <summary>A Bot API refusal: <c>{"ok": false, "error_code": …, "description": …}</c>, with the HTTP status it came with.</summary>
public sealed record ZbApiError(int Code, string? Description, int HttpStatus)
{
    /// <summary>The token in the URL is wrong or revoked (regenerated in the Bot Creator).</summary>
    public bool IsUnauthorized => Code == 401 || HttpStatus == 401;

    /// <summary>Too many requests: back off. The limits are not published.</summary>
    public bool IsRateLimited => Code == 429 || HttpStatus == 429;

    public bool IsServerError => Code >= 500 || HttpStatus >= 500;

    public override string ToString() => $"Zalo Bot API error {Code.ToString(CultureInfo.InvariantCulture)}: {Description}";
}

/// <summary>What one <c>getUpdates</c> call brought: one update, nothing new (408), or a refusal.</summary>
public sealed record ZbPoll(ZbUpdate? Update, ZbApiError? Error)
{
    /// <summary>The long poll ran out with nothing new: poll again at once.</summary>
    public bool NothingNew => Update is null && Error is null;
}

/// <summary>
/// The Zalo Bot Platform's wire format: the webhook's secret header, updates (from the webhook or from
/// <c>getUpdates</c>, which returns a single update, not a list) and the <c>{ok, result}</c> envelope.
/// Pure; refusals are typed.
/// </summary>
public static class ZbProtocol
{
    public const string SecretHeader = "X-Bot-Api-Secret-Token";

    /// <summary>The error_code (and, some clients assume, HTTP status) of a long poll that ran out with nothing new.</summary>
    public const int PollTimeout = 408;

    /// <summary>
    /// Whether the webhook's <c>X-Bot-Api-Secret-Token</c> is the configured secret, in time that depends on
    /// neither where they differ nor how long the secret is (both are hashed first).
    /// </summary>
    public static bool SecretMatches(string configured, string? received)
    {
        ArgumentException.ThrowIfNullOrEmpty(configured);
        if (string.IsNullOrEmpty(received)) return false;
        Span<byte> want = stackalloc byte[32];
        Span<byte> got = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(configured), want);
        SHA256.HashData(Encoding.UTF8.GetBytes(received), got);
        return CryptographicOperations.FixedTimeEquals(want, got);
    }

    /// <summary>A webhook POST: the secret header checked, then the update read.</summary>
    public static ZaloResult<ZbUpdate> OpenWebhook(string configuredSecret, string? secretHeader, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(secretHeader)) return ZaloResult<ZbUpdate>.Fail(ZaloFailure.MissingSignature, "no X-Bot-Api-Secret-Token header");
        if (!SecretMatches(configuredSecret, secretHeader)) return ZaloResult<ZbUpdate>.Fail(ZaloFailure.BadSignature, "X-Bot-Api-Secret-Token is not the configured secret");
        return ParseUpdate(body);
    }

    /// <summary>An update, wrapped as <c>{"ok": true, "result": {…}}</c> (as documented) or bare (as some deliveries are).</summary>
    public static ZaloResult<ZbUpdate> ParseUpdate(ReadOnlySpan<byte> body)
    {
        var root = ZaloJson.ParseObject(body);
        return root.IsOk ? ParseUpdate(root.Value) : root.Error!;
    }

    public static ZaloResult<ZbUpdate> ParseUpdate(JsonElement root)
    {
        var update = root.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object ? result : root;
        if (update.ValueKind != JsonValueKind.Object || !update.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
            return ZaloResult<ZbUpdate>.Fail(ZaloFailure.MissingField, "the update has no message");

        var messageId = ZaloJson.Text(message, "message_id");
        if (messageId is null) return ZaloResult<ZbUpdate>.Fail(ZaloFailure.MissingField, "the update has no message.message_id");
        var from = ZaloJson.Text(message, "from.id");
        if (from is null) return ZaloResult<ZbUpdate>.Fail(ZaloFailure.MissingField, "the update has no message.from.id");
        var chat = ZaloJson.Text(message, "chat.id") ?? from;

        var text = message.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var photo = ZaloJson.FirstText(message, "photo_url", "photo.media_url", "photo");
        var sticker = ZaloJson.Text(message, "sticker");
        var name = ZaloJson.Text(update, "event_name");
        var kind = name switch
        {
            "message.text.received" => ZbUpdateKind.Text,
            "message.image.received" => ZbUpdateKind.Image,
            "message.sticker.received" => ZbUpdateKind.Sticker,
            "message.unsupported.received" => ZbUpdateKind.Unsupported,
            null when text is not null => ZbUpdateKind.Text,
            null when photo is not null => ZbUpdateKind.Image,
            null when sticker is not null => ZbUpdateKind.Sticker,
            null => ZbUpdateKind.Unsupported,
            _ => ZbUpdateKind.Other,
        };
        var chatType = ZaloJson.Text(message, "chat.chat_type")?.ToUpperInvariant() switch
        {
            "PRIVATE" => ZbChatType.Private,
            "GROUP" => ZbChatType.Group,
            _ => ZbChatType.Unknown,
        };
        var date = ZaloJson.Text(message, "date") is { } ms ? ZaloJson.FromUnixMilliseconds(ms) : null;
        var isBot = message.TryGetProperty("from", out var f) && f.ValueKind == JsonValueKind.Object
                    && f.TryGetProperty("is_bot", out var b) && b.ValueKind == JsonValueKind.True;

        return ZaloResult<ZbUpdate>.Ok(new ZbUpdate(
            name ?? EventNameOf(kind), kind, messageId, from, ZaloJson.FirstText(message, "from.display_name", "from.first_name", "from.name"), isBot,
            chat, chatType, date, text, photo, ZaloJson.Text(message, "caption"), sticker));
    }

    /// <summary>
    /// A <c>getUpdates</c> answer. Nothing new is <c>error_code</c> 408 (in the body, or as the HTTP status);
    /// an answer that is not the envelope at all (a proxy's HTML page) is <see cref="ZaloFailure.Malformed"/>.
    /// </summary>
    public static ZaloResult<ZbPoll> ReadGetUpdates(int httpStatus, string? body)
    {
        var answer = ReadEnvelope(httpStatus, body);
        if (!answer.IsOk)
            return httpStatus == PollTimeout ? ZaloResult<ZbPoll>.Ok(new ZbPoll(null, null)) : answer.Error!;
        var (result, error) = answer.Value;
        if (error is not null)
            return ZaloResult<ZbPoll>.Ok(error.Code == PollTimeout || error.HttpStatus == PollTimeout ? new ZbPoll(null, null) : new ZbPoll(null, error));
        if (result is not { } r || r.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined || r.ValueKind == JsonValueKind.Object && !r.EnumerateObject().Any())
            return ZaloResult<ZbPoll>.Ok(new ZbPoll(null, null));
        var update = ParseUpdate(r);
        return update.IsOk ? ZaloResult<ZbPoll>.Ok(new ZbPoll(update.Value, null)) : update.Error!;
    }

    /// <summary>Any Bot API answer: the <c>result</c> on <c>ok: true</c>, else the refusal.</summary>
    public static ZaloResult<(JsonElement? Result, ZbApiError? Error)> ReadEnvelope(int httpStatus, string? body)
    {
        var root = ZaloJson.ParseObject(body);
        if (!root.IsOk)
        {
            var detail = $"HTTP {httpStatus.ToString(CultureInfo.InvariantCulture)} without a Bot API answer ({root.Error!.Detail})";
            return ZaloResult<(JsonElement?, ZbApiError?)>.Fail(ZaloFailure.Malformed, detail);
        }
        var json = root.Value;
        if (!json.TryGetProperty("ok", out var ok) || ok.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            return ZaloResult<(JsonElement?, ZbApiError?)>.Fail(ZaloFailure.MissingField, "the answer has no boolean \"ok\"");
        if (ok.ValueKind == JsonValueKind.True)
            return ZaloResult<(JsonElement?, ZbApiError?)>.Ok((json.TryGetProperty("result", out var result) ? result : null, null));
        var code = int.TryParse(ZaloJson.Text(json, "error_code"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var c) ? c : httpStatus;
        return ZaloResult<(JsonElement?, ZbApiError?)>.Ok((null, new ZbApiError(code, ZaloJson.Text(json, "description"), httpStatus)));
    }

    private static string EventNameOf(ZbUpdateKind kind) => kind switch
    {
        ZbUpdateKind.Text => "message.text.received",
        ZbUpdateKind.Image => "message.image.received",
        ZbUpdateKind.Sticker => "message.sticker.received",
        _ => "message.unsupported.received",
    };
}
