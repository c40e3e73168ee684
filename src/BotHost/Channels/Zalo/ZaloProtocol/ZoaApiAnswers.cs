using System.Globalization;
using System.Text.Json;

namespace Academy.BotHost.Channels.Zalo.ZaloProtocol;

/// <summary>
/// What an Official Account API error means for the sender. Zalo answers errors with HTTP 200 and
/// <c>{"error": non-zero, "message": …}</c>; these are the codes Academy acts on (reported in integrators'
/// documents and SDK error maps, not re-read from an official page).
/// </summary>
public enum ZoaErrorKind
{
    /// <summary>error 0.</summary>
    None,

    /// <summary>−216 (and ZBS −124): the access token is invalid → refresh once, retry once.</summary>
    TokenInvalid,

    /// <summary>−220: the access token expired or was replaced → refresh once, retry once.</summary>
    TokenExpired,

    /// <summary>−230 (and −232): the person has not interacted with the OA within 7 days; nothing can reach them until they write again.</summary>
    OutsideWindow,

    /// <summary>−32: the app's (or the OA's) requests per minute are used up → back off like a 429.</summary>
    RateLimited,

    /// <summary>−211 / −218: a quota (the OA's, or what one person may receive) is used up → not today.</summary>
    QuotaExhausted,

    /// <summary>−234 (and ZBS −133): this message type may not be sent at night (22:00–06:00).</summary>
    NightBlocked,

    /// <summary>−213: the person does not follow the OA.</summary>
    NotFollowing,

    /// <summary>−217 / −227 / −244: the person blocked the OA's messages, restricted this type, or is inactive on Zalo.</summary>
    Unreachable,

    /// <summary>−221: the OA must be verified for this feature.</summary>
    NotVerified,

    /// <summary>−224: the OA's tier (package) does not include this feature (e.g. group chats need Advanced/Premium).</summary>
    TierTooLow,

    /// <summary>−223: the OA has not authorised the app for this API (re-consent in the OA admin).</summary>
    NotAuthorized,

    /// <summary>−237: the group is disabled — its GMF package expired or it was deleted. Report, do not retry.</summary>
    GroupDisabled,

    /// <summary>−403: the OA is not in that group (or may not act there).</summary>
    NotInGroup,

    /// <summary>−201 (and −210, −233): a parameter is invalid, too long or unsupported — the request itself is wrong.</summary>
    InvalidRequest,

    /// <summary>Any other non-zero code.</summary>
    Other,
}

/// <summary>A parsed Official Account API answer: the error code and message, and the <c>data</c> on success.</summary>
public sealed record ZoaApiAnswer(int Error, string? Message, JsonElement? Data)
{
    public bool IsOk => Error == 0;

    public ZoaErrorKind Kind => ZoaApi.Classify(Error);

    /// <summary>Refresh the token (once) and try this call again (once).</summary>
    public bool IsTokenProblem => Kind is ZoaErrorKind.TokenInvalid or ZoaErrorKind.TokenExpired;

    /// <summary>Worth trying again later without changing anything (after a back-off, or another day).</summary>
    public bool IsTransient => Kind is ZoaErrorKind.RateLimited or ZoaErrorKind.QuotaExhausted or ZoaErrorKind.NightBlocked || Error == -100;

    /// <summary>A text member of <c>data</c> (e.g. <c>message_id</c>, <c>group_id</c>).</summary>
    public string? DataText(string path) => Data is { } data ? ZaloJson.Text(data, path) : null;

    public override string ToString() => $"Zalo error {Error.ToString(CultureInfo.InvariantCulture)} ({Kind}): {Message}";
}

/// <summary>
/// A successful OAuth v4 token answer. Zalo writes <c>expires_in</c> (and <c>refresh_token_expires_in</c>) as
/// strings of seconds; the refresh token is single-use and this answer carries its successor, which must be
/// stored before the access token is used.
/// </summary>
public sealed record ZoaTokenGrant(string AccessToken, string RefreshToken, TimeSpan ExpiresIn, TimeSpan? RefreshExpiresIn);

/// <summary>An OAuth refusal: <c>{"error": -14…, "error_name": …, "error_description": …}</c>.</summary>
public sealed record ZoaOAuthError(int Error, string? ErrorName, string? Description)
{
    /// <summary>−14002 invalid app id, −14004 invalid secret key: the configuration is wrong; a person must fix it.</summary>
    public bool IsBadCredentials => Error is -14002 or -14004;

    /// <summary>
    /// The refresh token (or authorisation code) is unknown, used or expired: the grant is gone unless another
    /// host already stored its successor — re-read the store before asking an OA admin to re-authorise.
    /// −14014 for a refresh token is reported by one integrator; −14005 for a code by another.
    /// </summary>
    public bool IsGrantRefused => Error is -14014 or -14005;

    public override string ToString() => $"Zalo OAuth error {Error.ToString(CultureInfo.InvariantCulture)} {ErrorName}";
}

/// <summary>Reads Official Account API and OAuth answers. Pure; never throws on what Zalo sends.</summary>
public static class ZoaApi
{
    public static ZoaErrorKind Classify(int error) => error switch
    {
        0 => ZoaErrorKind.None,
        -216 or -124 => ZoaErrorKind.TokenInvalid,
        -220 => ZoaErrorKind.TokenExpired,
        -230 or -232 => ZoaErrorKind.OutsideWindow,
        -32 => ZoaErrorKind.RateLimited,
        -211 or -218 => ZoaErrorKind.QuotaExhausted,
        -234 or -133 => ZoaErrorKind.NightBlocked,
        -213 => ZoaErrorKind.NotFollowing,
        -217 or -227 or -244 => ZoaErrorKind.Unreachable,
        -221 => ZoaErrorKind.NotVerified,
        -224 => ZoaErrorKind.TierTooLow,
        -223 => ZoaErrorKind.NotAuthorized,
        -237 => ZoaErrorKind.GroupDisabled,
        -403 => ZoaErrorKind.NotInGroup,
        -201 or -210 or -233 => ZoaErrorKind.InvalidRequest,
        _ => ZoaErrorKind.Other,
    };

    /// <summary>
    /// An API answer. A body without a numeric <c>error</c> (an HTML error page, a 5xx, a cut answer) is
    /// <see cref="ZaloFailure.Malformed"/>: the call's outcome is unknown and it may be retried.
    /// </summary>
    public static ZaloResult<ZoaApiAnswer> Read(int httpStatus, string? body)
    {
        var root = ZaloJson.ParseObject(body);
        if (!root.IsOk)
            return ZaloResult<ZoaApiAnswer>.Fail(ZaloFailure.Malformed, $"HTTP {httpStatus.ToString(CultureInfo.InvariantCulture)} without a Zalo answer ({root.Error!.Detail})");
        if (Code(root.Value, "error") is not { } error)
            return ZaloResult<ZoaApiAnswer>.Fail(ZaloFailure.MissingField, $"HTTP {httpStatus.ToString(CultureInfo.InvariantCulture)}: the answer has no numeric \"error\"");
        JsonElement? data = root.Value.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null ? d : null;
        return ZaloResult<ZoaApiAnswer>.Ok(new ZoaApiAnswer(error, ZaloJson.Text(root.Value, "message"), data));
    }

    /// <summary>
    /// An OAuth v4 <c>/v4/oa/access_token</c> answer: the new grant, or the refusal. An answer that is neither
    /// (no token and no error code) is <see cref="ZaloFailure.Malformed"/>.
    /// </summary>
    public static ZaloResult<ZoaTokenGrant> ReadToken(int httpStatus, string? body, out ZoaOAuthError? refusal)
    {
        refusal = null;
        var root = ZaloJson.ParseObject(body);
        if (!root.IsOk)
            return ZaloResult<ZoaTokenGrant>.Fail(ZaloFailure.Malformed, $"HTTP {httpStatus.ToString(CultureInfo.InvariantCulture)} without a token answer ({root.Error!.Detail})");
        var json = root.Value;
        var access = ZaloJson.Text(json, "access_token");
        var refresh = ZaloJson.Text(json, "refresh_token");
        if (Code(json, "error") is { } error && error != 0 || access is null)
        {
            var code = Code(json, "error") ?? 0;
            if (code == 0)
                return ZaloResult<ZoaTokenGrant>.Fail(ZaloFailure.MissingField, "the token answer has neither access_token nor an error code");
            refusal = new ZoaOAuthError(code, ZaloJson.Text(json, "error_name"), ZaloJson.FirstText(json, "error_description", "error_reason", "message"));
            return ZaloResult<ZoaTokenGrant>.Fail(ZaloFailure.Refused, refusal.ToString());
        }
        if (refresh is null) return ZaloResult<ZoaTokenGrant>.Fail(ZaloFailure.MissingField, "the token answer has no refresh_token");
        if (Seconds(json, "expires_in") is not { } expires)
            return ZaloResult<ZoaTokenGrant>.Fail(ZaloFailure.MissingField, "the token answer has no expires_in");
        return ZaloResult<ZoaTokenGrant>.Ok(new ZoaTokenGrant(access, refresh, expires, Seconds(json, "refresh_token_expires_in")));
    }

    private static int? Code(JsonElement root, string name) =>
        int.TryParse(ZaloJson.Text(root, name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) ? code : null;

    private static TimeSpan? Seconds(JsonElement root, string name) =>
        long.TryParse(ZaloJson.Text(root, name), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : null;
}
