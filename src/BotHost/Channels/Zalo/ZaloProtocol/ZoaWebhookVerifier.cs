using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Academy.BotHost.Channels.Zalo.ZaloProtocol;

/// <summary>
/// Which id Zalo puts first in the string it hashes for <c>X-ZEvent-Signature</c>. The integrators' documents
/// say the App ID; working community code uses the OA id. Unconfirmed: a setting, checked on a live account.
/// </summary>
public enum ZoaSignatureFirstField
{
    AppId,
    OaId,

    /// <summary>Accept either, and report which one matched (for settling the question on live traffic).</summary>
    Either,
}

/// <summary>Where the timestamp that is hashed comes from: the body's <c>timestamp</c> field (as documented) or an <c>X-ZEvent-Timestamp</c> header (as some integrators read it).</summary>
public enum ZoaTimestampSource
{
    Body,
    Header,
}

/// <summary>
/// The Official Account webhook's signature settings.
/// </summary>
/// <param name="SecretKey">The key appended last. Documented as the OA secret key; one integrator says it is the app's secret key (the same value as the token call's <c>secret_key</c>).</param>
/// <param name="TimestampTolerance">How far the event's timestamp may be from now, either way; null accepts any (a replayed event is then caught only by msg_id dedupe).</param>
public sealed record ZoaWebhookOptions(
    string AppId,
    string OaId,
    string SecretKey,
    ZoaSignatureFirstField FirstField = ZoaSignatureFirstField.AppId,
    TimeSpan? TimestampTolerance = null,
    ZoaTimestampSource TimestampSource = ZoaTimestampSource.Body);

/// <summary>A webhook body whose signature checked out: the parsed object, the timestamp that was hashed, and which first field matched.</summary>
public sealed record ZoaSignedBody(JsonElement Root, string Timestamp, ZoaSignatureFirstField SignedWith);

/// <summary>
/// The Official Account webhook signature: <c>X-ZEvent-Signature: mac=&lt;hex&gt;</c> where hex is the plain
/// SHA-256 (not an HMAC) of <c>firstField + rawBody + timestamp + secretKey</c>, the raw body byte for byte as
/// received. Compared in constant time. Pure: the caller passes "now".
/// </summary>
public sealed class ZoaWebhookVerifier
{
    private const string Prefix = "mac=";

    private readonly ZoaWebhookOptions _options;

    public ZoaWebhookVerifier(ZoaWebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The messages name the setting, never its value.
        if (string.IsNullOrEmpty(options.SecretKey)) throw new ArgumentException("ZaloOA:SecretKey is required to check webhook signatures.", nameof(options));
        if (options.FirstField != ZoaSignatureFirstField.OaId && string.IsNullOrEmpty(options.AppId))
            throw new ArgumentException("ZaloOA:AppId is required when the signature starts with the App ID.", nameof(options));
        if (options.FirstField != ZoaSignatureFirstField.AppId && string.IsNullOrEmpty(options.OaId))
            throw new ArgumentException("ZaloOA:OAId is required when the signature starts with the OA id.", nameof(options));
        if (options.TimestampTolerance is { } tolerance && tolerance <= TimeSpan.Zero)
            throw new ArgumentException("The timestamp tolerance must be positive (or unset).", nameof(options));
        _options = options;
    }

    /// <summary>The lower-case hex SHA-256 of <c>firstField + body + timestamp + secretKey</c>.</summary>
    public static string Compute(string firstField, ReadOnlySpan<byte> body, string timestamp, string secretKey)
    {
        ArgumentNullException.ThrowIfNull(firstField);
        ArgumentNullException.ThrowIfNull(timestamp);
        ArgumentNullException.ThrowIfNull(secretKey);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(firstField));
        sha.AppendData(body);
        sha.AppendData(Encoding.UTF8.GetBytes(timestamp));
        sha.AppendData(Encoding.UTF8.GetBytes(secretKey));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The header value Zalo sends: <c>mac=&lt;hex&gt;</c>.</summary>
    public static string HeaderValue(string firstField, ReadOnlySpan<byte> body, string timestamp, string secretKey) =>
        Prefix + Compute(firstField, body, timestamp, secretKey);

    /// <summary>
    /// Checks a webhook POST: the signature header (<c>mac=&lt;hex&gt;</c>, or the bare hex), the body as received,
    /// and the X-ZEvent-Timestamp header when the timestamp is read from there. Refusals are typed, never thrown.
    /// </summary>
    public ZaloResult<ZoaSignedBody> Verify(string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now, string? timestampHeader = null)
    {
        var received = Received(signatureHeader);
        var root = ZaloJson.ParseObject(body);
        if (received is null)
        {
            if (root.IsOk && !root.Value.EnumerateObject().Any())
                return ZaloResult<ZoaSignedBody>.Fail(ZaloFailure.VerificationProbe, "an unsigned empty object (the console's URL check)");
            return ZaloResult<ZoaSignedBody>.Fail(ZaloFailure.MissingSignature, "no X-ZEvent-Signature header");
        }
        if (!root.IsOk) return root.Error!;

        var timestamp = _options.TimestampSource == ZoaTimestampSource.Header
            ? string.IsNullOrEmpty(timestampHeader) ? null : timestampHeader
            : ZaloJson.Text(root.Value, "timestamp");
        if (timestamp is null)
            return ZaloResult<ZoaSignedBody>.Fail(ZaloFailure.MissingField,
                _options.TimestampSource == ZoaTimestampSource.Header ? "no X-ZEvent-Timestamp header" : "the body has no \"timestamp\"");

        ZoaSignatureFirstField? matched = null;
        if (_options.FirstField != ZoaSignatureFirstField.OaId && Matches(Compute(_options.AppId, body, timestamp, _options.SecretKey), received))
            matched = ZoaSignatureFirstField.AppId;
        else if (_options.FirstField != ZoaSignatureFirstField.AppId && Matches(Compute(_options.OaId, body, timestamp, _options.SecretKey), received))
            matched = ZoaSignatureFirstField.OaId;
        if (matched is null) return ZaloResult<ZoaSignedBody>.Fail(ZaloFailure.BadSignature, "X-ZEvent-Signature does not match the body");

        if (_options.TimestampTolerance is { } tolerance)
        {
            if (ZaloJson.FromUnixMilliseconds(timestamp) is not { } at)
                return ZaloResult<ZoaSignedBody>.Fail(ZaloFailure.StaleTimestamp, "the timestamp is not Unix milliseconds");
            if ((now - at).Duration() > tolerance)
                return ZaloResult<ZoaSignedBody>.Fail(ZaloFailure.StaleTimestamp, $"the event is {(now - at).TotalSeconds:0} s from now, beyond the tolerance");
        }
        return ZaloResult<ZoaSignedBody>.Ok(new ZoaSignedBody(root.Value, timestamp, matched.Value));
    }

    /// <summary>The hex digits of the header, without the <c>mac=</c> prefix; null when there is nothing to compare.</summary>
    private static string? Received(string? header)
    {
        var value = header?.Trim();
        if (string.IsNullOrEmpty(value)) return null;
        if (value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) value = value[Prefix.Length..].Trim();
        return value.Length == 0 ? null : value;
    }

    /// <summary>Equal in time that does not depend on where they differ; hex case is ignored, any other length or character is a mismatch.</summary>
    private static bool Matches(string expected, string received)
    {
        Span<byte> want = stackalloc byte[32];
        Span<byte> got = stackalloc byte[32];
        if (received.Length != 64 || Convert.FromHexString(received, got, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
            return false;
        Convert.FromHexString(expected, want, out _, out _);
        return CryptographicOperations.FixedTimeEquals(want, got);
    }
}
