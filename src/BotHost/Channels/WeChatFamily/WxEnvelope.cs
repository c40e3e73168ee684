using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Academy.BotHost.Channels.WeChatFamily;

/// <summary>The encrypted wrapper of a callback as posted: the ciphertext and the plain fields beside it.</summary>
/// <param name="ToUserName">CorpID / the account's original id (XML only).</param>
/// <param name="AgentId">The self-built app's AgentID (WeCom XML only).</param>
public sealed record WxCallbackEnvelope(string Encrypt, string? ToUserName, string? AgentId);

/// <summary>An encrypted passive reply (or a callback as the platform signs it): ciphertext, signature and the values signed.</summary>
public sealed record WxSealed(string Encrypt, string MsgSignature, string Timestamp, string Nonce);

/// <summary>
/// Reads and writes the envelopes around the ciphertext: the XML of Official Account safe mode and
/// WeCom apps (<c>&lt;xml&gt;&lt;ToUserName/&gt;&lt;Encrypt/&gt;[&lt;AgentID/&gt;]&lt;/xml&gt;</c>), the smart robot's
/// JSON (<c>{"encrypt": …}</c>), and the matching encrypted replies.
/// </summary>
public static class WxEnvelope
{
    /// <summary>The callback XML's ciphertext and plain fields.</summary>
    public static WxResult<WxCallbackEnvelope> ParseXml(ReadOnlySpan<byte> body)
    {
        var root = WxXml.Parse(body);
        return root.IsOk ? FromXml(WxXml.Fields(root.Value)) : root.Error!;
    }

    /// <summary>The callback XML's ciphertext and plain fields.</summary>
    public static WxResult<WxCallbackEnvelope> ParseXml(string? body)
    {
        var root = WxXml.Parse(body);
        return root.IsOk ? FromXml(WxXml.Fields(root.Value)) : root.Error!;
    }

    /// <summary>The robot's JSON callback ciphertext (<c>encrypt</c>; an Official Account in JSON format writes <c>Encrypt</c>).</summary>
    public static WxResult<WxCallbackEnvelope> ParseJson(ReadOnlySpan<byte> body)
    {
        if (body.Length > WxXml.MaxChars * 4) return WxResult<WxCallbackEnvelope>.Fail(WxFailure.TooLarge, "the JSON body is too large");
        var fields = JsonFields(body);
        if (!fields.IsOk) return fields.Error!;
        var encrypt = fields.Value.GetValueOrDefault("encrypt") ?? fields.Value.GetValueOrDefault("Encrypt");
        return string.IsNullOrEmpty(encrypt)
            ? WxResult<WxCallbackEnvelope>.Fail(WxFailure.MissingParameter, "the JSON body has no \"encrypt\" field")
            : WxResult<WxCallbackEnvelope>.Ok(new WxCallbackEnvelope(encrypt, fields.Value.GetValueOrDefault("ToUserName"), null));
    }

    /// <summary>An XML callback as the platform posts it.</summary>
    public static string BuildXml(string encrypt, string toUserName, string? agentId = null)
    {
        var fields = new List<KeyValuePair<string, string>> { new("ToUserName", toUserName), new("Encrypt", encrypt) };
        if (agentId is not null) fields.Add(new("AgentID", agentId));
        return WxXml.Build(fields);
    }

    /// <summary>A smart-robot JSON callback as the platform posts it.</summary>
    public static string BuildJson(string encrypt) => new JsonObject { ["encrypt"] = encrypt }.ToJsonString();

    /// <summary>An encrypted XML reply: <c>&lt;xml&gt;&lt;Encrypt/&gt;&lt;MsgSignature/&gt;&lt;TimeStamp/&gt;&lt;Nonce/&gt;&lt;/xml&gt;</c>.</summary>
    public static string BuildXmlReply(WxSealed sealedReply)
    {
        ArgumentNullException.ThrowIfNull(sealedReply);
        return WxXml.Build(
            [
                new("Encrypt", sealedReply.Encrypt),
                new("MsgSignature", sealedReply.MsgSignature),
                new("TimeStamp", sealedReply.Timestamp),
                new("Nonce", sealedReply.Nonce),
            ],
            new HashSet<string>(StringComparer.Ordinal) { "TimeStamp" });
    }

    /// <summary>An encrypted JSON reply: <c>{encrypt, msgsignature, timestamp, nonce}</c>, the timestamp a number as documented.</summary>
    public static string BuildJsonReply(WxSealed sealedReply)
    {
        ArgumentNullException.ThrowIfNull(sealedReply);
        return new JsonObject
        {
            ["encrypt"] = sealedReply.Encrypt,
            ["msgsignature"] = sealedReply.MsgSignature,
            ["timestamp"] = long.TryParse(sealedReply.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? JsonValue.Create(seconds)
                : JsonValue.Create(sealedReply.Timestamp),
            ["nonce"] = sealedReply.Nonce,
        }.ToJsonString();
    }

    /// <summary>An encrypted XML reply's parts.</summary>
    public static WxResult<WxSealed> ParseXmlReply(string? body)
    {
        var root = WxXml.Parse(body);
        if (!root.IsOk) return root.Error!;
        var fields = WxXml.Fields(root.Value);
        return Sealed(fields.GetValueOrDefault("Encrypt"), fields.GetValueOrDefault("MsgSignature"),
            fields.GetValueOrDefault("TimeStamp"), fields.GetValueOrDefault("Nonce"));
    }

    /// <summary>An encrypted JSON reply's parts.</summary>
    public static WxResult<WxSealed> ParseJsonReply(string? body)
    {
        var fields = JsonFields(Encoding.UTF8.GetBytes(body ?? ""));
        if (!fields.IsOk) return fields.Error!;
        return Sealed(fields.Value.GetValueOrDefault("encrypt"), fields.Value.GetValueOrDefault("msgsignature"),
            fields.Value.GetValueOrDefault("timestamp"), fields.Value.GetValueOrDefault("nonce"));
    }

    private static WxResult<WxCallbackEnvelope> FromXml(IReadOnlyDictionary<string, string> fields)
    {
        var encrypt = fields.GetValueOrDefault("Encrypt");
        return string.IsNullOrEmpty(encrypt)
            ? WxResult<WxCallbackEnvelope>.Fail(WxFailure.MissingParameter, "the XML body has no <Encrypt> element")
            : WxResult<WxCallbackEnvelope>.Ok(new WxCallbackEnvelope(encrypt, fields.GetValueOrDefault("ToUserName"), fields.GetValueOrDefault("AgentID")));
    }

    private static WxResult<WxSealed> Sealed(string? encrypt, string? signature, string? timestamp, string? nonce)
    {
        foreach (var (name, value) in new[] { ("Encrypt", encrypt), ("MsgSignature", signature), ("TimeStamp", timestamp), ("Nonce", nonce) })
            if (string.IsNullOrEmpty(value)) return WxResult<WxSealed>.Fail(WxFailure.MissingParameter, $"the reply has no {name}");
        return WxResult<WxSealed>.Ok(new WxSealed(encrypt!, signature!, timestamp!, nonce!));
    }

    /// <summary>The top-level string and number fields of a JSON object, as text.</summary>
    private static WxResult<Dictionary<string, string>> JsonFields(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
            using var json = JsonDocument.ParseValue(ref reader);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
                return WxResult<Dictionary<string, string>>.Fail(WxFailure.Malformed, "the JSON body is not an object");
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String) fields.TryAdd(property.Name, property.Value.GetString()!);
                else if (property.Value.ValueKind == JsonValueKind.Number) fields.TryAdd(property.Name, property.Value.GetRawText());
            }
            return WxResult<Dictionary<string, string>>.Ok(fields);
        }
        catch (JsonException ex)
        {
            return WxResult<Dictionary<string, string>>.Fail(WxFailure.Malformed, "the body is not JSON: " + ex.Message);
        }
    }
}
