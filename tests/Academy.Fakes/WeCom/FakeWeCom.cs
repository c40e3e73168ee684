using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Academy.Fakes.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Academy.Fakes.WeCom;

/*
 * Docs — what this fake encodes, and how sure each fact is. [H] official page or official SDK, [M] SDK
 * source / several secondary sources, [A] assumed here (nothing found): the channel keeps those behind
 * configuration, and tests should not pin their literal values.
 *
 * HTTP API (self-built app), https://qyapi.weixin.qq.com/cgi-bin/…; every error is HTTP 200 + {errcode, errmsg}:
 *  - gettoken?corpid&corpsecret → {access_token, expires_in: 7200} [H path/91039]; repeated calls within validity
 *    return the same token [H]; expires_in then counts down [A]; wrong corpid 40013, wrong secret 40001 [M].
 *    API calls: no token 41001, unknown/invalidated token 40014, expired 42001 [M].
 *  - user/getuserid {mobile} → {userid} [H path/96267]; unknown mobile 46004 [M]; member outside the app's
 *    visibility 60011 [A]; "if wrong numbers exceed 20% of the seat limit the API is unusable for a day" [H] →
 *    45009 "api freq out of limit" for 24 h [M: community reports of that code on this API]; a per-minute
 *    throttle (off by default) also answers 45009 [A: the limit's value is not published].
 *  - message/send {touser "a|b"|"@all", agentid, msgtype text|markdown|template_card…} → {invaliduser "a|b", msgid,
 *    response_code for interactive cards} [H path/90236]; all recipients invalid 81013 [M]; wrong agentid 40056 [M];
 *    empty content 44004, text/markdown over 2048 bytes 45002 [M]; card rules in WeComCards [H]; a repeated
 *    task_id 40058 [A code; uniqueness H]; per member 30 a minute and 1000 an hour, the excess silently dropped
 *    (answer still ok, nothing delivered) [H]; enable_duplicate_check with duplicate_check_interval (default 1800 s)
 *    skips identical sends [H].
 *  - message/update_template_card {userids|atall, agentid, response_code, button.replace_name | template_card}
 *    → {invaliduser: []} [H path/94888]; each response_code (from the send, and one per press) works once, for
 *    72 hours [H]; a used, expired or unknown code answers 40058 "invalid response_code" [A code].
 *  - media/upload?type=image|voice|video|file (multipart field "media") → {type, media_id, created_at} [H];
 *    bad type 40004, size over image 10 MB / voice 2 MB / video 10 MB / file 20 MB or under 5 bytes 40006 [M].
 *  - aibot/response?response_code (the smart robot's response_url in callback mode): single use, 1 hour [H
 *    path/101138]; refusal code 40058 [A].
 * Callbacks from WeCom (WeComCallbacks): GET verification with msg_signature/timestamp/nonce/echostr, POST
 *  XML <ToUserName/><AgentID/><Encrypt/> for apps, JSON {"encrypt"} for the robot (receive id ""), a
 *  5-second wait, 3 tries, any status but 200 retried [H path/90238 (app), path/101033 (robot)].
 * Smart robot long connection: see FakeWeCom.Robot.cs.
 */

/// <summary>
/// An in-process WeCom on a loopback port: the self-built app's HTTP API with WeCom's documented limits
/// and errors, the smart robot's long-connection WebSocket, and the platform's side of callbacks. Every
/// HTTP call is recorded with the errcode it got; faults are programmed per method through <see cref="Faults"/>;
/// token expiry and rate limits count with the fake's own clock.
/// </summary>
public sealed partial class FakeWeCom : IAsyncDisposable
{
    public const string CorpId = "ww6a0e1c2b3d4f5a67";
    public const int AgentId = 1000002;
    public const string AppSecret = "app-secret-0123456789abcdefghijklmnopqrstuvw";

    /// <summary>The self-built app's callback Token and EncodingAESKey (<c>WeCom:Token</c>, <c>WeCom:EncodingAESKey</c>).</summary>
    public const string AppToken = "AcademyAppToken";
    public const string AppEncodingAesKey = "ZOQ/UDPu2RellQw1ufZEtaBTT/FLlUraEKGQbycEuhI";

    public const string BotId = "aibAcademyTestBot01";
    public const string BotSecret = "bot-secret-0123456789abcdefghijklmnop";

    /// <summary>The robot's display name, as a group mention shows it (<c>@Academy …</c>).</summary>
    public const string BotName = "Academy";

    /// <summary>The robot's callback-mode Token and EncodingAESKey (<c>WeCom:Robot:Token</c>, <c>WeCom:Robot:EncodingAESKey</c>).</summary>
    public const string RobotToken = "AcademyRobotToken";
    public const string RobotEncodingAesKey = "pEkfk5CRURATCi4MF7RuZOEOcZTSGSyYzYylY+5QHbA";

    public static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(7200);
    public static readonly TimeSpan ResponseCodeLifetime = TimeSpan.FromHours(72);
    public static readonly TimeSpan ResponseUrlLifetime = TimeSpan.FromHours(1);

    private WebApplication? _app;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<ApiCall> _calls = [];
    private readonly Dictionary<string, WeComMember> _members = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, TokenGrant> _tokens = new(StringComparer.Ordinal);
    private string? _currentToken;
    private long _serial;

    private FakeWeCom(TimeProvider time) => _time = time;

    /// <summary>Faults programmed per method (<c>gettoken</c>, <c>message/send</c>, … or a robot command).</summary>
    public ApiFaults Faults { get; } = new();

    /// <summary>http://127.0.0.1:{port}, for <c>WeCom:ApiBaseUrl</c> (the paths are <c>/cgi-bin/…</c> under it).</summary>
    public string BaseUrl { get; private set; } = "";

    public DateTimeOffset Now => _time.GetUtcNow();

    public IReadOnlyList<ApiCall> Calls
    {
        get { lock (_gate) return [.. _calls]; }
    }

    public IReadOnlyList<ApiCall> CallsTo(string method)
    {
        lock (_gate) return [.. _calls.Where(c => c.Method == method)];
    }

    public static async Task<FakeWeCom> StartAsync(TimeProvider? time = null)
    {
        var fake = new FakeWeCom(time ?? TimeProvider.System);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake._app = app;
        fake.BaseUrl = app.Urls.Single();
        fake.StartRobotWatch();
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await CloseRobotConnectionsAsync();
        if (_app is { } app)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        _stopping.Dispose();
    }

    // ---- The organisation -------------------------------------------------------------------------

    /// <summary>A member of the organisation; <paramref name="visible"/> = inside the app's visible range.</summary>
    public void AddMember(string userId, string? mobile = null, string? name = null, bool visible = true)
    {
        lock (_gate) _members[userId] = new WeComMember(userId, mobile, name ?? userId, visible);
    }

    public IReadOnlyList<WeComMember> Members
    {
        get { lock (_gate) return [.. _members.Values]; }
    }

    // ---- Tokens -----------------------------------------------------------------------------------

    /// <summary>The token gettoken hands out now, if any is valid.</summary>
    public string? CurrentToken
    {
        get { lock (_gate) return _currentToken is { } t && _tokens[t].Expires > Now && !_tokens[t].Revoked ? t : null; }
    }

    /// <summary>WeCom "may invalidate tokens early": every token issued so far answers 40014 from now on.</summary>
    public void InvalidateTokens()
    {
        lock (_gate)
        {
            foreach (var token in _tokens.Keys.ToList()) _tokens[token] = _tokens[token] with { Revoked = true };
            _currentToken = null;
        }
    }

    private sealed record TokenGrant(DateTimeOffset Expires, bool Revoked);

    private JsonObject GetToken(IReadOnlyDictionary<string, string> query)
    {
        if (query.GetValueOrDefault("corpid") != CorpId) return Error(40013, "invalid corpid");
        if (query.GetValueOrDefault("corpsecret") != AppSecret) return Error(40001, "invalid credential");
        var now = Now;
        if (_currentToken is not { } token || _tokens[token].Expires <= now || _tokens[token].Revoked)
        {
            token = "wecom-token-" + (++_serial).ToString(CultureInfo.InvariantCulture) + "-" + RandomText(24);
            _tokens[token] = new TokenGrant(now + TokenLifetime, false);
            _currentToken = token;
        }
        var seconds = (long)Math.Ceiling((_tokens[token].Expires - now).TotalSeconds);
        return Ok(new JsonObject { ["access_token"] = token, ["expires_in"] = seconds });
    }

    /// <summary>The errcode for the call's access_token, or null when it may proceed.</summary>
    private JsonObject? TokenProblem(IReadOnlyDictionary<string, string> query)
    {
        if (!query.TryGetValue("access_token", out var token) || token.Length == 0) return Error(41001, "access_token missing");
        if (!_tokens.TryGetValue(token, out var grant) || grant.Revoked) return Error(40014, "invalid access_token");
        return grant.Expires <= Now ? Error(42001, "access_token expired") : null;
    }

    // ---- HTTP plumbing ----------------------------------------------------------------------------

    private async Task HandleAsync(HttpContext context)
    {
        if (context.WebSockets.IsWebSocketRequest)
        {
            await RobotSessionAsync(context);
            return;
        }
        var path = context.Request.Path.Value ?? "";
        if (!path.StartsWith("/cgi-bin/", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            return;
        }
        var method = path["/cgi-bin/".Length..];
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var (body, files) = await ReadBodyAsync(context.Request);

        if (Faults.Take(method) is { } fault)
        {
            var answered = await ApiFaults.ServeAsync(context, fault, _stopping.Token);
            if (answered)
            {
                Record(method, query, body, files, fault.Kind == FaultKind.Errcode ? 200 : fault.Kind == FaultKind.Status ? fault.Status : 0,
                    fault.Kind == FaultKind.Errcode ? fault.Errcode : -1);
                return;
            }
        }

        JsonObject reply;
        lock (_gate) reply = Dispatch(method, query, body, files);
        var errcode = reply["errcode"]?.GetValue<int>() ?? 0;
        Record(method, query, body, files, 200, errcode);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(reply.ToJsonString());
    }

    private JsonObject Dispatch(string method, IReadOnlyDictionary<string, string> query, string body, IReadOnlyList<ApiFile> files)
    {
        if (method == "gettoken") return GetToken(query);
        if (method == "aibot/response") return ResponseUrl(query, body);
        if (TokenProblem(query) is { } tokenError) return tokenError;
        if (method == "media/upload") return UploadMedia(query, files);

        JsonObject request;
        try
        {
            request = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            return Error(47001, "data format error");
        }
        return method switch
        {
            "user/getuserid" => GetUserId(request),
            "message/send" => SendMessage(request),
            "message/update_template_card" => UpdateTemplateCard(request),
            _ => Error(48001, "api forbidden"),
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

    internal static string RandomText(int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        return string.Create(length, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        });
    }

    private static string? Text(JsonNode? node, string name) => WeComCards.Text(node, name);
}

/// <summary>A member of the fake organisation.</summary>
public sealed record WeComMember(string UserId, string? Mobile, string Name, bool Visible);
