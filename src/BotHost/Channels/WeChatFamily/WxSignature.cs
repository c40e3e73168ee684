using System.Security.Cryptography;
using System.Text;

namespace Academy.BotHost.Channels.WeChatFamily;

/// <summary>
/// The SHA-1 signatures of the WXBizMsgCrypt family: the parts sorted as plain strings, joined
/// without separator, hashed, lower-case hex. Three parts (token, timestamp, nonce) give the Official
/// Account's <c>signature</c>; four (plus the ciphertext) give <c>msg_signature</c>.
/// </summary>
public static class WxSignature
{
    /// <summary>The Official Account's plain-mode <c>signature</c> (also its GET handshake).</summary>
    public static string Plain(string token, string timestamp, string nonce) => Compute(token, timestamp, nonce);

    /// <summary>The <c>msg_signature</c> over the Base64 ciphertext (<c>Encrypt</c>, <c>echostr</c> or a reply's).</summary>
    public static string OverMessage(string token, string timestamp, string nonce, string encrypt) =>
        Compute(token, timestamp, nonce, encrypt);

    /// <summary>Whether an Official Account request (plain-mode POST or GET handshake) carries a valid <c>signature</c>.</summary>
    public static bool VerifyPlain(string token, WxQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Timestamp is { Length: > 0 } timestamp && query.Nonce is { Length: > 0 } nonce &&
               Matches(Plain(token, timestamp, nonce), query.Signature);
    }

    public static string Compute(params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var sorted = (string[])parts.Clone();
        // Culture-aware sorting orders mixed-case Base64 differently from the platform's byte-wise sort.
        Array.Sort(sorted, string.CompareOrdinal);
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(sorted)));
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// Whether <paramref name="received"/> is <paramref name="expected"/>, in time that does not depend
    /// on where they differ (so the signature cannot be guessed byte by byte). Hex case is ignored.
    /// </summary>
    public static bool Matches(string expected, string? received)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (string.IsNullOrEmpty(received)) return false;
        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(expected.ToLowerInvariant()),
            Encoding.ASCII.GetBytes(received.ToLowerInvariant()));
    }
}
