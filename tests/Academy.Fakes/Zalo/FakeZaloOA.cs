using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Academy.Fakes.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Academy.Fakes.Zalo;

/*
 * Docs — what this fake encodes. Nothing here comes from an official page read directly (developers.zalo.me is a
 * script-rendered site): [M] = integrators' specifications and SDKs agreeing (hoangnd25/monorepo
 * wip/zalo-platform-integration.md, vyn-huy-nguyen/ai-zalo-bot-oa, the redai SDK docs, eTelecom/eSMS gateway docs),
 * [L] = one secondary source, [A] = assumed here. The channel keeps [L]/[A] facts in configuration; tests should
 * exercise the fake's behaviour, not pin its literal numbers.
 *
 * Every API answer is HTTP 200 + {"error": code, "message": …, "data"?: …}; error 0 is success [M].
 *  - OAuth v4 (OAuthBaseUrl): POST /v4/oa/access_token, form app_id + grant_type, header secret_key (the app secret) [M].
 *    grant_type=authorization_code with code (10 minutes, once [M]) and code_verifier (S256 of it must equal the
 *    challenge given with the code, when one was [M]); grant_type=refresh_token with refresh_token [M]. Success:
 *    {access_token, refresh_token, expires_in: "90000", refresh_token_expires_in: "7776000"}, numbers as strings [M].
 *    The refresh token is single-use and rotates: a refresh returns a new pair and the presented token is dead [M];
 *    two refreshes with the same token: the first wins, the second is refused [M consequence]. Refusals are
 *    {error, error_name, error_reason, error_description, ref_doc}: -14002 app id, -14004 secret key, -14018 grant
 *    type, -14005 code invalid/used/expired [L, one "live" integrator note], -14014 "Invalid refresh token." for a
 *    used/unknown/expired refresh token [L: one integrator's mock]. A refresh kills the previous access token at
 *    once (RefreshRevokesPreviousAccessToken, default on) [L: one integrator note].
 *  - API calls carry the header access_token (not Authorization: Bearer) [M]: none/unknown → -216 "Access token is
 *    invalid" [M]; expired (25 h by the fake's clock, expires_in 90000 [M]) or replaced → -220 "access_token is
 *    expired or removed" [M]. App-level rate limit → -32 "Your application reached limit call api" per minute,
 *    with X-RateLimit-Limit / X-RateLimit-Remain headers [M: 4000/min; off by default here].
 *  - POST /v3.0/oa/message/cs {recipient.user_id, message} [M]: text ≤ 2000 characters (counted as received, so
 *    decomposed Vietnamese counts longer [A]) else -210 [M code meaning]; buttons = message.attachment {type:
 *    "template", payload: {[template_type: "button"], buttons: [{title, type, payload}]}} [L shapes vary], types
 *    oa.query.show/oa.query.hide (payload a string) and oa.open.url ({url}) / oa.open.phone / oa.open.sms [M], at most
 *    MaxButtons (5) [L], title ≤ MaxButtonTitle (100) [A]; request_user_info template with exactly one element [M].
 *    Bad shapes → -201 "<field> is invalid!" [M format]. The window [M, partly L]: free within FreeWindow (48 h)
 *    of the user's last interaction (message, button tap, follow, form) — FreeMessagesPerWindow free sends (null =
 *    unlimited, the 2026 model; 8 in the old model) [L]; beyond them or between 48 h and 7 days,
 *    ExtendedWindow decides: AllowedAndCounted (billable, the 2025+ model) [M] or Refused with
 *    ExtendedWindowRefusalError (-211 "Out of quota") [A]; after HardWindow (7 days) or without any interaction
 *    → -230 "User has not interacted with the OA in the past 7 days" [M]; an unknown user_id → -201 [A].
 *    Success {data: {message_id, user_id, quota: {quota_type: "reply"|"sub_quota", remain?, total?}}} [L field names].
 *  - GET|POST /v3.0/oa/quota/group → data: [{asset_id, product_type gmf10|gmf50|gmf100|gmf1000, quota_type,
 *    valid_through (ms), status available|used}] [M: POST; GET accepted too].
 *  - POST /v3.0/oa/group/creategroupwithoa {group_name, group_description?, asset_id, member_user_ids} [M] →
 *    {group_id, group_link https://zalo.me/g/…, status} [M]; asset unknown -201, used -241 [M]; name ≤ 100 [L];
 *    1..InitialMemberCap members (99 [M]; 200 in one SDK [L]) else -210; every member must follow the OA or have
 *    interacted within 7 days [M], else the whole call is refused with -201 [A: partial creation not modelled];
 *    GroupsPerDay (10) creations per Vietnam calendar day, then -211 [L limit, A code]. The group dies with its
 *    asset: after the asset's valid_through (auto_delete_date) or ExpireGroup, sends get -237 "The group is
 *    disabled" [M].
 *  - POST /v3.0/oa/group/message {recipient.group_id, message.text} [M]: free, no window, 24/24 [M]; text ≤ 2000 [A];
 *    a template attachment (buttons) → -233 [M: none documented in groups]; mentions as [@user_id] markers in the
 *    text ([@group_id] = everyone) [M] or message.mentions [{user_id, offset, length}] [L]; unknown group -201 [A].
 *  - GET /v3.0/oa/user/detail?data={"user_id":…} [M] → {user_id, user_id_by_app, display_name, user_is_follower,
 *    user_last_interaction_date "dd/MM/yyyy", shared_info {phone, name}} [M]; unknown user -201 [A].
 * Webhooks (ZaloOACallbacks): POST with X-ZEvent-Signature: mac=sha256(first + body + timestamp + key) [M], first =
 *  the App ID or the OA id (unconfirmed: either, set per test) [L], key = the OA secret key [M] (one integrator
 *  says the app secret [L] — WebhookKey); 200 expected within ~2 s [M], then retries at 30 s, 5 min, 15 min,
 *  30 min, 1 h with a num_retry header [L] — compressible (RetrySchedule).
 */

/// <summary>
/// An in-process Zalo Official Account platform on a loopback port: OAuth v4 with single-use rotating refresh
/// tokens, the consultation-message API under the interaction window, GMF groups and their expiry, user detail,
/// an app-level rate limit and faults per method through <see cref="Faults"/>; webhooks come from
/// <see cref="ZaloOACallbacks"/>. Windows, token lifetimes and daily limits count with the fake's own clock.
/// </summary>
public sealed partial class FakeZaloOA : IAsyncDisposable
{
    public const string AppId = "3608465248940903967";

    /// <summary>The app's secret key: the <c>secret_key</c> header of token calls (<c>ZaloOA:SecretKey</c>).</summary>
    public const string AppSecret = "zalo-app-secret-K3x9QmV2pL7sT0wZ";

    public const string OaId = "579745863508352884";

    /// <summary>The OA secret key, which signs webhooks unless <see cref="WebhookKey"/> says otherwise.</summary>
    public const string OaSecretKey = "zalo-oa-secret-Hq4Nw8Rt2Yv6Bc1X";

    /// <summary>Method names for <see cref="Faults"/> and <see cref="CallsTo"/>.</summary>
    public const string TokenMethod = "oauth/access_token";

    public const string MessageCs = "message/cs";
    public const string GroupMessage = "group/message";
    public const string CreateGroup = "group/creategroupwithoa";
    public const string GroupQuota = "quota/group";
    public const string UserDetail = "user/detail";

    private static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

    /// <summary>JSON as Zalo writes it: UTF-8 text unescaped (Vietnamese letters as themselves, not \u escapes).</summary>
    internal static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private WebApplication? _app;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<ApiCall> _calls = [];
    private readonly Dictionary<string, AccessGrant> _accessTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RefreshGrant> _refreshTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset Expires, string? Challenge, bool Used)> _codes = new(StringComparer.Ordinal);
    private readonly List<ZaloRefreshAttempt> _refreshes = [];
    private (long Minute, int Count) _rate;
    private long _serial;

    private FakeZaloOA(TimeProvider time) => _time = time;

    public ApiFaults Faults { get; } = new();

    /// <summary>http://127.0.0.1:{port}, for <c>ZaloOA:ApiBaseUrl</c> (paths <c>/v3.0/oa/…</c>).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>For <c>ZaloOA:OAuthBaseUrl</c> (path <c>/v4/oa/access_token</c>).</summary>
    public string OAuthBaseUrl => BaseUrl + "/oauth";

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The key that signs webhooks: the OA secret key, or the app secret under the other reading.</summary>
    public string WebhookKey { get; set; } = OaSecretKey;

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromSeconds(90000);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>A refresh kills the access token issued before it (reported by one integrator); off: it lives out its 25 h.</summary>
    public bool RefreshRevokesPreviousAccessToken { get; set; } = true;

    /// <summary>App-level API calls per minute before -32; null: no limit (the platform's is 4000).</summary>
    public int? RequestsPerMinute { get; set; }

    public IReadOnlyList<ApiCall> Calls
    {
        get { lock (_gate) return [.. _calls]; }
    }

    public IReadOnlyList<ApiCall> CallsTo(string method)
    {
        lock (_gate) return [.. _calls.Where(c => c.Method == method)];
    }

    /// <summary>Every refresh attempt: the token presented and the error it got (0 = a new pair).</summary>
    public IReadOnlyList<ZaloRefreshAttempt> RefreshAttempts
    {
        get { lock (_gate) return [.. _refreshes]; }
    }

    public static async Task<FakeZaloOA> StartAsync(TimeProvider? time = null)
    {
        var fake = new FakeZaloOA(time ?? TimeProvider.System);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake._app = app;
        fake.BaseUrl = app.Urls.Single();
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_app is { } app)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        _stopping.Dispose();
    }

    // ---- Tokens -----------------------------------------------------------------------------------

    private sealed record AccessGrant(DateTimeOffset Expires, bool Revoked);

    private sealed record RefreshGrant(DateTimeOffset Expires, DateTimeOffset? UsedAt);

    /// <summary>
    /// A fresh grant, as the OA admin's consent (or the API Explorer) hands it out: the pair a deployment is seeded
    /// with. Earlier grants stay valid until used or expired.
    /// </summary>
    public (string AccessToken, string RefreshToken) IssueGrant()
    {
        lock (_gate) return NewPair(previousAccess: null);
    }

    /// <summary>An authorisation code (as the redirect after consent brings it), valid 10 minutes, once.</summary>
    public string IssueAuthorizationCode(string? codeChallenge = null)
    {
        lock (_gate)
        {
            var code = "code-" + Next() + "-" + RandomText(24);
            _codes[code] = (Now + TimeSpan.FromMinutes(10), codeChallenge, false);
            return code;
        }
    }

    /// <summary>Whether an access token would be accepted now.</summary>
    public bool IsLive(string accessToken)
    {
        lock (_gate) return _accessTokens.TryGetValue(accessToken, out var grant) && !grant.Revoked && grant.Expires > Now;
    }

    /// <summary>Every access token issued so far answers -220 from now on (as when the OA admin revokes the app).</summary>
    public void RevokeAccessTokens()
    {
        lock (_gate)
            foreach (var token in _accessTokens.Keys.ToList()) _accessTokens[token] = _accessTokens[token] with { Revoked = true };
    }

    private (string, string) NewPair(string? previousAccess)
    {
        if (previousAccess is not null && RefreshRevokesPreviousAccessToken)
            foreach (var token in _accessTokens.Keys.ToList()) _accessTokens[token] = _accessTokens[token] with { Revoked = true };
        var access = "AT-" + Next() + "-" + RandomText(48);
        var refresh = "RT-" + Next() + "-" + RandomText(48);
        _accessTokens[access] = new AccessGrant(Now + AccessTokenLifetime, false);
        _refreshTokens[refresh] = new RefreshGrant(Now + RefreshTokenLifetime, null);
        return (access, refresh);
    }

    private JsonObject Token(IReadOnlyDictionary<string, string> form, string? secretKey)
    {
        if (form.GetValueOrDefault("app_id") != AppId) return OAuthError(-14002, "Invalid appId", "App is not exist");
        if (secretKey != AppSecret) return OAuthError(-14004, "Invalid secret key", "");
        switch (form.GetValueOrDefault("grant_type"))
        {
            case "refresh_token":
            {
                var presented = form.GetValueOrDefault("refresh_token") ?? "";
                var refused = !_refreshTokens.TryGetValue(presented, out var grant) || grant.UsedAt is not null || grant.Expires <= Now;
                _refreshes.Add(new ZaloRefreshAttempt(presented, refused ? -14014 : 0, Now));
                if (refused) return OAuthError(-14014, "Invalid refresh token.", "refresh_token is invalid, used or expired");
                _refreshTokens[presented] = grant! with { UsedAt = Now };
                var (access, refresh) = NewPair(previousAccess: "any");
                return Grant(access, refresh);
            }
            case "authorization_code":
            {
                var code = form.GetValueOrDefault("code") ?? "";
                if (!_codes.TryGetValue(code, out var issued) || issued.Used || issued.Expires <= Now)
                    return OAuthError(-14005, "Invalid authorization code", "the code is invalid, used or expired");
                _codes[code] = issued with { Used = true };
                if (issued.Challenge is not null && Challenge(form.GetValueOrDefault("code_verifier")) != issued.Challenge)
                    return OAuthError(-14005, "Invalid authorization code", "code_verifier does not match the code challenge");
                var (access, refresh) = NewPair(previousAccess: null);
                return Grant(access, refresh);
            }
            default:
                return OAuthError(-14018, "Invalid grant type", "grant_type must be authorization_code or refresh_token");
        }
    }

    /// <summary>The S256 code challenge of a verifier: base64url (no padding) of its SHA-256.</summary>
    public static string Challenge(string? verifier) =>
        Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(verifier ?? "")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private JsonObject Grant(string access, string refresh) => new()
    {
        ["access_token"] = access,
        ["refresh_token"] = refresh,
        ["expires_in"] = ((long)AccessTokenLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        ["refresh_token_expires_in"] = ((long)RefreshTokenLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture),
    };

    private static JsonObject OAuthError(int error, string name, string reason) => new()
    {
        ["error"] = error,
        ["error_name"] = name,
        ["error_reason"] = reason,
        ["error_description"] = reason,
        ["ref_doc"] = "https://developers.zalo.me/docs/official-account/bat-dau/xac-thuc-va-uy-quyen-cho-ung-dung-new",
    };

    private JsonObject? TokenProblem(string? accessToken)
    {
        if (string.IsNullOrEmpty(accessToken) || !_accessTokens.TryGetValue(accessToken, out var grant)) return Error(-216, "Access token is invalid");
        return grant.Revoked || grant.Expires <= Now ? Error(-220, "access_token is expired or removed") : null;
    }

    // ---- HTTP plumbing ----------------------------------------------------------------------------

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        string method;
        if (path == "/oauth/v4/oa/access_token") method = TokenMethod;
        else if (path.StartsWith("/v3.0/oa/", StringComparison.Ordinal) || path.StartsWith("/v2.0/oa/", StringComparison.Ordinal)) method = path["/v3.0/oa/".Length..];
        else
        {
            context.Response.StatusCode = 404;
            return;
        }
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var (body, form) = await ReadBodyAsync(context.Request);

        if (Faults.Take(method) is { } fault && await ApiFaults.ServeAsync(context, fault, _stopping.Token, ErrorAnswer))
        {
            Record(method, query, body, fault.Kind == FaultKind.Errcode ? 200 : fault.Kind == FaultKind.Status ? fault.Status : 0,
                fault.Kind == FaultKind.Errcode ? fault.Errcode : fault.Kind == FaultKind.Slow ? 0 : -1);
            return;
        }

        JsonObject reply;
        (int Limit, int Remain)? rate = null;
        lock (_gate)
        {
            if (method == TokenMethod)
                reply = context.Request.Method == HttpMethods.Post
                    ? Token(form, context.Request.Headers["secret_key"].FirstOrDefault())
                    : OAuthError(-14018, "Invalid grant type", "use POST");
            else
            {
                rate = CountRequest();
                reply = rate is { Remain: < 0 }
                    ? Error(-32, "Your application reached limit call api")
                    : TokenProblem(context.Request.Headers["access_token"].FirstOrDefault()) ?? Dispatch(method, context.Request.Method, query, body);
            }
        }
        Record(method, query, body, 200, reply["error"]?.GetValue<int>() ?? 0);
        if (rate is { } r)
        {
            context.Response.Headers["X-RateLimit-Limit"] = r.Limit.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["X-RateLimit-Remain"] = Math.Max(0, r.Remain).ToString(CultureInfo.InvariantCulture);
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(reply.ToJsonString(Json));
    }

    /// <summary>Counts an API call in the current minute; null when no limit is set.</summary>
    private (int Limit, int Remain)? CountRequest()
    {
        if (RequestsPerMinute is not { } limit) return null;
        var minute = Now.ToUnixTimeSeconds() / 60;
        _rate = _rate.Minute == minute ? (minute, _rate.Count + 1) : (minute, 1);
        return (limit, limit - _rate.Count);
    }

    private JsonObject Dispatch(string method, string verb, IReadOnlyDictionary<string, string> query, string body)
    {
        if (verb == HttpMethods.Get)
            return method switch
            {
                UserDetail => GetUserDetail(GetData(query)),
                GroupQuota => GetGroupQuota(),
                _ => Error(-209, "Not supported this api"),
            };
        JsonObject request;
        try
        {
            request = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            return Error(-201, "body is invalid!");
        }
        return method switch
        {
            MessageCs => SendCs(request),
            GroupQuota => GetGroupQuota(),
            CreateGroup => CreateGroupWithOa(request),
            GroupMessage => SendGroupMessage(request),
            UserDetail => GetUserDetail(request),
            _ => Error(-209, "Not supported this api"),
        };
    }

    /// <summary>A GET's parameters: the JSON in its <c>data</c> query value, or the plain query values.</summary>
    private static JsonObject GetData(IReadOnlyDictionary<string, string> query)
    {
        if (query.TryGetValue("data", out var data))
        {
            try
            {
                if (JsonNode.Parse(data) is JsonObject parsed) return parsed;
            }
            catch (JsonException)
            {
                // Answered as a missing parameter below.
            }
            return [];
        }
        var plain = new JsonObject();
        foreach (var (key, value) in query) plain[key] = value;
        return plain;
    }

    private void Record(string method, IReadOnlyDictionary<string, string> query, string body, int status, int error)
    {
        lock (_gate) _calls.Add(new ApiCall(method, query, body, [], status, error, Now));
    }

    private static async Task<(string Body, IReadOnlyDictionary<string, string> Form)> ReadBodyAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
            return (string.Join('&', fields.Select(f => f.Key + "=" + Uri.EscapeDataString(f.Value))), fields);
        }
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return (await reader.ReadToEndAsync(), new Dictionary<string, string>());
    }

    private (int Status, string Body) ErrorAnswer(ApiFault fault) =>
        (200, Error(fault.Errcode, fault.Errmsg ?? DefaultMessage(fault.Errcode)).ToJsonString(Json));

    /// <summary>Zalo's own wording for the codes tests inject.</summary>
    public static string DefaultMessage(int error) => error switch
    {
        -32 => "Your application reached limit call api",
        -201 => "Parameter is invalid!",
        -210 => "Parameter exceeds allowable limit",
        -211 => "Out of quota",
        -213 => "User has not followed OA",
        -216 => "Access token is invalid",
        -220 => "access_token is expired or removed",
        -221 => "The OA needs to be verified to use this feature",
        -224 => "The OA needs to upgrade OA Tier Package",
        -230 => "User has not interacted with the OA in the past 7 days",
        -233 => "message type is invalid or not support",
        -234 => "This message cannot be sent at night (10:00PM - 6:00AM)",
        -237 => "The group is disabled",
        -403 => "OA is not in group",
        _ => "error " + error.ToString(CultureInfo.InvariantCulture),
    };

    private static JsonObject Ok(JsonNode? data) => new() { ["data"] = data, ["error"] = 0, ["message"] = "Success" };

    private static JsonObject Error(int error, string message) => new() { ["error"] = error, ["message"] = message };

    private string Next() => (++_serial).ToString(CultureInfo.InvariantCulture);

    private static string RandomText(int length) => WeCom.FakeWeCom.RandomText(length);

    /// <summary>Zalo's message ids: 20 lower-case hex characters.</summary>
    internal static string NewMessageId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(10));

    private static DateOnly VietnamDay(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(VietnamOffset).DateTime);
}

/// <summary>A refresh the fake received: the refresh token presented and the error it got (0 when a new pair was issued).</summary>
public sealed record ZaloRefreshAttempt(string RefreshToken, int Error, DateTimeOffset At);
