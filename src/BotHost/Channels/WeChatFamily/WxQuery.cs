namespace Academy.BotHost.Channels.WeChatFamily;

/// <summary>
/// The callback's query parameters read from the raw query string. ASP.NET's <c>Request.Query</c>
/// form-decodes a literal <c>+</c> into a space, which breaks a Base64 <c>echostr</c>; here values are
/// only percent-decoded, so <c>+</c> stays <c>+</c> and <c>%2B</c> becomes <c>+</c> too.
/// </summary>
public sealed class WxQuery
{
    private readonly Dictionary<string, string> _values;

    private WxQuery(Dictionary<string, string> values) => _values = values;

    /// <summary>Parses <paramref name="rawQuery"/> (with or without its leading <c>?</c>). The first of repeated keys wins.</summary>
    public static WxQuery Parse(string? rawQuery)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var query = (rawQuery ?? "").TrimStart('?');
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            values.TryAdd(key, value);
        }
        return new WxQuery(values);
    }

    public string? this[string key] => _values.GetValueOrDefault(key);

    public string? Signature => this["signature"];

    public string? MsgSignature => this["msg_signature"];

    public string? Timestamp => this["timestamp"];

    public string? Nonce => this["nonce"];

    public string? EchoStr => this["echostr"];

    /// <summary><c>aes</c> when an Official Account posts in safe (or compatible) mode.</summary>
    public string? EncryptType => this["encrypt_type"];

    /// <summary>The follower's OpenID, which an Official Account adds to each POST.</summary>
    public string? OpenId => this["openid"];

    public IReadOnlyDictionary<string, string> All => _values;
}
