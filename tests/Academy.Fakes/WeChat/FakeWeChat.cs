using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Academy.Fakes.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Academy.Fakes.WeChat;

/*
 * Docs — what this fake encodes. [H] official page, [M] SDK source / several secondary sources / the
 * official global return-code list as commonly copied, [A] assumed here: the channel must not pin those.
 *
 * Every API error is HTTP 200 + {errcode, errmsg} [H].
 *  - cgi-bin/token?grant_type=client_credential&appid&secret → {access_token, expires_in: 7200}; each call issues a
 *    new token and the previous one keeps working for 5 minutes [H Get_access_token]; about 2000 calls a day,
 *    then 45009 [M]; wrong appid 40013, wrong secret 40001 [H/M]. The quota's day is the China calendar day [A].
 *  - cgi-bin/stable_token {grant_type, appid, secret, force_refresh} [H api_getstableaccesstoken]: normal mode
 *    returns the same token while it has more than 5 minutes left (expires_in counts down, never under 300);
 *    in its last 5 minutes a new one is issued and the old one lives out its time; force_refresh invalidates the
 *    old token at once, at most 20 times a day, and a force within 30 s of the last one "does not refresh"
 *    (the current token comes back) [H]; the 21st force answers 45009 [A code]. Isolated from cgi-bin/token [H].
 *    API calls: no token 41001, unknown 40014, replaced or revoked 40001, expired 42001 [M].
 *  - message/custom/send {touser, msgtype, …} [H Customer_Service_Messages]: a follower's message opens 5 sends
 *    within 48 h (each new message starts a fresh allowance); a menu click, follow or QR scan opens 3 sends within
 *    1 minute and does not grant the 5/48 h [H]. Outside any window, or to someone not following: 45015; a window
 *    whose sends are used up: 45047 [H/M]. When windows overlap a send uses the one closing soonest [A].
 *    msgmenu only on a verified account, else 40200 [M]; news with more than one article 45008 [M]; empty text
 *    44004, unknown media_id 40007 [M].
 *  - message/template/send {touser, template_id, url?, miniprogram?, data{key: {value}}} → {msgid} [H]; only to
 *    followers, else 43004 [L→M]; unknown template 40037 [M]; each value is cut to about 20 characters and its
 *    line breaks dropped [M community notice] — TemplateValueLimit, and RejectLongTemplateValues answers 47003 [A]
 *    instead of cutting.
 *  - qrcode/create {expire_seconds?, action_name QR_SCENE|QR_STR_SCENE|QR_LIMIT_SCENE|QR_LIMIT_STR_SCENE,
 *    action_info.scene.scene_id|scene_str} → {ticket, expire_seconds (temporary only), url} [H]; temporary codes
 *    default to 60 s and last at most 2 592 000 s; scene_str 1-64 characters [H]; bad arguments 40097 [M].
 *    cgi-bin/showqrcode?ticket serves the image [H] (here a tiny PNG). Scanning: a non-follower follows with
 *    subscribe + EventKey "qrscene_{scene}" + Ticket, a follower sends SCAN + EventKey "{scene}" [H].
 *  - media/upload?type=image|voice|video|thumb (multipart "media") → {type, media_id, created_at}; kept 3 days;
 *    image ≤ 10 MB, voice ≤ 2 MB, video ≤ 10 MB, thumb ≤ 64 KB [H]; codes 40004/40006/40009 [M].
 *  - menu/create {button: ≤ 3, sub_button ≤ 5 each} [H]; 40016 / 40023 for the counts, 40018 for a name over
 *    16 (top) / 60 (sub) bytes, 40019 for a click without key, 40054 for a view without url [M].
 *  - connect/oauth2/authorize (snsapi_base) redirects to redirect_uri?code&state [H]; sns/oauth2/access_token
 *    {appid, secret, code, grant_type=authorization_code} → {access_token, expires_in, refresh_token, openid,
 *    scope} [H]; a code works once within 5 minutes: unknown/expired 40029, used 40163 [M]; wrong secret 40125 [M].
 *    Who is "in the WeChat browser" is BrowserOpenId, set by the test.
 * Callbacks from WeChat (WeChatCallbacks): plain mode signature/timestamp/nonce(/openid); safe mode adds
 *  encrypt_type=aes and msg_signature with <xml><ToUserName/><Encrypt/></xml>; 5-second wait, 3 tries [H]; XML
 *  only (the JSON push format is not modelled).
 */

/// <summary>
/// An in-process WeChat Official Account platform on a loopback port: the API the account's server calls
/// (tokens, customer-service messages under the window rules, template messages, parametrised QR codes,
/// media, menu, web OAuth), faults per method through <see cref="Faults"/>, and the platform's side of
/// callbacks (<see cref="WeChatCallbacks"/>). Windows, token lifetimes and quotas count with the fake's clock.
/// </summary>
public sealed partial class FakeWeChat : IAsyncDisposable
{
    public const string AppId = "wx5a7c0f1e2d3b4a69";
    public const string AppSecret = "oa-secret-0123456789abcdef012345";

    /// <summary>The account's original id (gh_…), the ToUserName of every callback.</summary>
    public const string OriginalId = "gh_0a1b2c3d4e5f";

    /// <summary>The callback Token and EncodingAESKey (<c>WeChat:Token</c>, <c>WeChat:EncodingAESKey</c>).</summary>
    public const string Token = "AcademyOaToken";
    public const string EncodingAesKey = "QPUC+MVD6Gbg+TdYWX7gsJLzKgWWvkqwtzQYESgKxYE";

    public static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(7200);
    public static readonly TimeSpan TokenOverlap = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private WebApplication? _app;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<ApiCall> _calls = [];
    private readonly Dictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private readonly List<DateTimeOffset> _tokenCalls = [];
    private string? _currentPlainToken;
    private string? _currentStableToken;
    private DateTimeOffset _lastForce = DateTimeOffset.MinValue;
    private readonly List<DateTimeOffset> _forces = [];
    private long _serial;

    private FakeWeChat(TimeProvider time) => _time = time;

    public ApiFaults Faults { get; } = new();

    /// <summary>http://127.0.0.1:{port}: API (<c>/cgi-bin/…</c>, <c>/sns/…</c>) and OAuth page (<c>/connect/oauth2/authorize</c>).</summary>
    public string BaseUrl { get; private set; } = "";

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>cgi-bin/token calls allowed per day before 45009.</summary>
    public int TokenDailyQuota { get; set; } = 2000;

    public IReadOnlyList<ApiCall> Calls
    {
        get { lock (_gate) return [.. _calls]; }
    }

    public IReadOnlyList<ApiCall> CallsTo(string method)
    {
        lock (_gate) return [.. _calls.Where(c => c.Method == method)];
    }

    public static async Task<FakeWeChat> StartAsync(TimeProvider? time = null)
    {
        var fake = new FakeWeChat(time ?? TimeProvider.System);
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

    private sealed record IssuedToken(bool Stable, DateTimeOffset Expires, bool Revoked);

    /// <summary>Every token issued so far answers 40001 from now on (as after another host's force refresh).</summary>
    public void RevokeTokens()
    {
        lock (_gate)
        {
            foreach (var token in _tokens.Keys.ToList()) _tokens[token] = _tokens[token] with { Revoked = true };
            _currentPlainToken = _currentStableToken = null;
        }
    }

    /// <summary>The stable token a normal-mode call would return now, if one is live.</summary>
    public string? CurrentStableToken
    {
        get { lock (_gate) return _currentStableToken is { } t && Live(t) ? t : null; }
    }

    private bool Live(string token) => _tokens.TryGetValue(token, out var issued) && !issued.Revoked && issued.Expires > Now;

    private string Issue(bool stable)
    {
        var token = (stable ? "stable-" : "token-") + (++_serial).ToString(CultureInfo.InvariantCulture) + "-" + RandomText(40);
        _tokens[token] = new IssuedToken(stable, Now + TokenLifetime, false);
        return token;
    }

    private JsonObject GetToken(IReadOnlyDictionary<string, string> query)
    {
        if (query.GetValueOrDefault("grant_type") != "client_credential") return Error(40002, "invalid grant_type");
        if (query.GetValueOrDefault("appid") != AppId) return Error(40013, "invalid appid");
        if (query.GetValueOrDefault("secret") != AppSecret) return Error(40001, "invalid credential, access_token is invalid or not latest");
        var today = ChinaDay(Now);
        _tokenCalls.RemoveAll(t => ChinaDay(t) != today);
        if (_tokenCalls.Count >= TokenDailyQuota) return Error(45009, "reach max api daily quota limit");
        _tokenCalls.Add(Now);
        // The previous token keeps working during the overlap, then stops.
        if (_currentPlainToken is { } previous && _tokens[previous] is { } old && old.Expires > Now + TokenOverlap)
            _tokens[previous] = old with { Expires = Now + TokenOverlap };
        _currentPlainToken = Issue(stable: false);
        return Ok(new JsonObject { ["access_token"] = _currentPlainToken, ["expires_in"] = (int)TokenLifetime.TotalSeconds });
    }

    private JsonObject GetStableToken(JsonObject request)
    {
        if (Text(request, "grant_type") != "client_credential") return Error(40002, "invalid grant_type");
        if (Text(request, "appid") != AppId) return Error(40013, "invalid appid");
        if (Text(request, "secret") != AppSecret) return Error(40001, "invalid credential, access_token is invalid or not latest");
        var force = request["force_refresh"] is JsonValue v && v.TryGetValue<bool>(out var f) && f;
        var now = Now;
        if (force)
        {
            var today = ChinaDay(now);
            _forces.RemoveAll(t => ChinaDay(t) != today);
            if (now - _lastForce < TimeSpan.FromSeconds(30) && _currentStableToken is { } recent && Live(recent))
                return StableReply(recent);
            if (_forces.Count >= 20) return Error(45009, "reach max api daily quota limit");
            _forces.Add(now);
            _lastForce = now;
            if (_currentStableToken is { } replaced) _tokens[replaced] = _tokens[replaced] with { Revoked = true };
            _currentStableToken = Issue(stable: true);
            return StableReply(_currentStableToken);
        }
        // Normal mode: the platform renews 5 minutes before expiry, and both tokens work until the old one expires.
        if (_currentStableToken is not { } current || !Live(current) || _tokens[current].Expires - now <= TokenOverlap)
            _currentStableToken = Issue(stable: true);
        return StableReply(_currentStableToken);
    }

    private JsonObject StableReply(string token) =>
        Ok(new JsonObject { ["access_token"] = token, ["expires_in"] = (int)Math.Ceiling((_tokens[token].Expires - Now).TotalSeconds) });

    private JsonObject? TokenProblem(IReadOnlyDictionary<string, string> query)
    {
        if (!query.TryGetValue("access_token", out var token) || token.Length == 0) return Error(41001, "access_token missing");
        if (!_tokens.TryGetValue(token, out var issued)) return Error(40014, "invalid access_token");
        if (issued.Revoked) return Error(40001, "invalid credential, access_token is invalid or not latest");
        return issued.Expires <= Now ? Error(42001, "access_token expired") : null;
    }

    private static DateOnly ChinaDay(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(ChinaOffset).DateTime);

    // ---- HTTP plumbing ----------------------------------------------------------------------------

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var method = path.StartsWith("/cgi-bin/", StringComparison.Ordinal) ? path["/cgi-bin/".Length..] : path.TrimStart('/');
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var (body, files) = await ReadBodyAsync(context.Request);

        if (Faults.Take(method) is { } fault && await ApiFaults.ServeAsync(context, fault, _stopping.Token))
        {
            Record(method, query, body, files, fault.Kind == FaultKind.Errcode ? 200 : fault.Kind == FaultKind.Status ? fault.Status : 0,
                fault.Kind == FaultKind.Errcode ? fault.Errcode : -1);
            return;
        }

        if (method == "connect/oauth2/authorize")
        {
            string? location, problem;
            lock (_gate) (location, problem) = Authorize(query);
            Record(method, query, body, files, location is null ? 400 : 302, location is null ? 40013 : 0);
            if (location is null)
            {
                context.Response.StatusCode = 400;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(problem!);
            }
            else context.Response.Redirect(location);
            return;
        }
        if (method == "showqrcode")
        {
            byte[]? image;
            lock (_gate) image = QrImage(query.GetValueOrDefault("ticket"));
            Record(method, query, body, files, image is null ? 404 : 200, 0);
            if (image is null) context.Response.StatusCode = 404;
            else
            {
                context.Response.ContentType = "image/png";
                await context.Response.Body.WriteAsync(image);
            }
            return;
        }

        JsonObject reply;
        lock (_gate) reply = Dispatch(method, query, body, files);
        Record(method, query, body, files, 200, reply["errcode"]?.GetValue<int>() ?? 0);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(reply.ToJsonString());
    }

    private JsonObject Dispatch(string method, IReadOnlyDictionary<string, string> query, string body, IReadOnlyList<ApiFile> files)
    {
        if (method == "token") return GetToken(query);
        if (method == "sns/oauth2/access_token") return OAuthToken(query);
        JsonObject? request = null;
        if (method != "media/upload")
        {
            try
            {
                request = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
            }
            catch (JsonException)
            {
                return Error(47001, "data format error");
            }
        }
        if (method == "stable_token") return GetStableToken(request!);
        if (TokenProblem(query) is { } tokenError) return tokenError;
        return method switch
        {
            "media/upload" => UploadMedia(query, files),
            "message/custom/send" => SendCustom(request!),
            "message/template/send" => SendTemplate(request!),
            "qrcode/create" => CreateQrCode(request!),
            "menu/create" => CreateMenu(request!),
            _ => Error(48001, "api unauthorized"),
        };
    }

    private void Record(string method, IReadOnlyDictionary<string, string> query, string body, IReadOnlyList<ApiFile> files, int status, int errcode)
    {
        lock (_gate) _calls.Add(new ApiCall(method, query, body, files, status, errcode, Now));
    }

    private static async Task<(string Body, IReadOnlyList<ApiFile> Files)> ReadBodyAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            var files = new List<ApiFile>();
            foreach (var file in form.Files)
            {
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer);
                files.Add(new ApiFile(file.Name, file.FileName, file.ContentType, buffer.ToArray()));
            }
            return ("", files);
        }
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return (await reader.ReadToEndAsync(), []);
    }

    private static JsonObject Ok(JsonObject? fields = null)
    {
        var reply = new JsonObject { ["errcode"] = 0, ["errmsg"] = "ok" };
        foreach (var (name, value) in fields ?? []) reply[name] = value?.DeepClone();
        return reply;
    }

    private static JsonObject Error(int errcode, string errmsg) => new() { ["errcode"] = errcode, ["errmsg"] = errmsg };

    private static string RandomText(int length) => WeCom.FakeWeCom.RandomText(length);

    private static string? Text(JsonNode? node, string name) => WeCom.WeComCards.Text(node, name);
}
