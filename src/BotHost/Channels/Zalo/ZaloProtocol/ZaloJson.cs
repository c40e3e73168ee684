using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Academy.BotHost.Channels.Zalo.ZaloProtocol;

/// <summary>
/// Reads Zalo's JSON: strict UTF-8, a size cap, objects only, and ids read as text whether Zalo wrote them as
/// strings or as (64-bit, sometimes larger) numbers — they are opaque and must never go through a double.
/// </summary>
public static class ZaloJson
{
    /// <summary>No event or answer comes near this; the same bound as the webhook body reader.</summary>
    public const int MaxBytes = 1024 * 1024;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The root object of <paramref name="body"/>, detached from its buffer, or why it is not one.</summary>
    public static ZaloResult<JsonElement> ParseObject(ReadOnlySpan<byte> body)
    {
        if (body.Length > MaxBytes) return ZaloResult<JsonElement>.Fail(ZaloFailure.TooLarge, $"the body is over {MaxBytes} bytes");
        if (body.IsEmpty) return ZaloResult<JsonElement>.Fail(ZaloFailure.Malformed, "the body is empty");
        try
        {
            _ = Strict.GetCharCount(body);
        }
        catch (DecoderFallbackException)
        {
            return ZaloResult<JsonElement>.Fail(ZaloFailure.Malformed, "the body is not UTF-8");
        }
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 32 });
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? ZaloResult<JsonElement>.Ok(document.RootElement.Clone())
                : ZaloResult<JsonElement>.Fail(ZaloFailure.Malformed, "the body is JSON but not an object");
        }
        catch (JsonException ex)
        {
            // The reader's message names the line and byte position, never the content.
            return ZaloResult<JsonElement>.Fail(ZaloFailure.Malformed, "the body is not JSON: " + ex.Message);
        }
    }

    /// <summary>The root object of UTF-8 text (an API answer already read as a string).</summary>
    public static ZaloResult<JsonElement> ParseObject(string? text) => ParseObject(Encoding.UTF8.GetBytes(text ?? ""));

    /// <summary>The member at a dotted path (<c>message.msg_id</c>), or null when any step is absent or not an object.</summary>
    public static JsonElement? At(JsonElement root, string path)
    {
        var current = root;
        foreach (var step in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(step, out var next)) return null;
            current = next;
        }
        return current;
    }

    /// <summary>A string or number member as text (numbers as written, never rounded); null when absent, null or empty.</summary>
    public static string? Text(JsonElement root, string path)
    {
        if (At(root, path) is not { } value) return null;
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        return string.IsNullOrEmpty(text) ? null : text;
    }

    /// <summary>The first of several paths that holds text.</summary>
    public static string? FirstText(JsonElement root, params string[] paths)
    {
        foreach (var path in paths)
            if (Text(root, path) is { } text) return text;
        return null;
    }

    /// <summary>The texts of a string/number array member (or of a single value there), empty when absent.</summary>
    public static IReadOnlyList<string> Texts(JsonElement root, string path)
    {
        if (At(root, path) is not { } value) return [];
        if (value.ValueKind != JsonValueKind.Array)
            return Text(root, path) is { } single ? [single] : [];
        var texts = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            var text = item.ValueKind switch
            {
                JsonValueKind.String => item.GetString(),
                JsonValueKind.Number => item.GetRawText(),
                _ => null,
            };
            if (!string.IsNullOrEmpty(text)) texts.Add(text);
        }
        return texts;
    }

    /// <summary>Unix milliseconds (as Zalo writes event times, in a string or a number) as an instant; null when not a plausible one.</summary>
    public static DateTimeOffset? FromUnixMilliseconds(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
        && ms is >= 0 and <= 253_402_300_799_999 // year 9999
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
}
