using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Academy.Tests.BotFramework;

/// <summary>One Activity the bot posted into a conversation, with the bearer token it carried.</summary>
public sealed record PostedActivity(string ConversationId, JsonObject Body, string? Authorization)
{
    public string Text => Body["text"]?.GetValue<string>() ?? "";

    /// <summary>The Adaptive Card attached, if any.</summary>
    public JsonObject? Card => Body["attachments"]?.AsArray()
        .FirstOrDefault(a => a?["contentType"]?.GetValue<string>() == "application/vnd.microsoft.card.adaptive")?["content"]?.AsObject();

    /// <summary>Every Action.Submit's academy data in the card, in order.</summary>
    public IReadOnlyList<string> SubmitData => Card is null ? [] :
        Regex.Matches(Card.ToJsonString(), "\"academy\":\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
}

/// <summary>
/// Microsoft's side of the Bot Framework on a loopback port: the OpenID metadata and signing keys
/// (an RSA key generated here; tokens are signed with it), the client-credentials token endpoint,
/// the connector (<c>/v3/conversations/…/activities</c>, recorded) and the Teams roster API.
/// </summary>
public sealed class FakeBotConnector : IAsyncDisposable
{
    public const string AppId = "a1b2c3d4-0000-4000-8000-00000000b07";
    public const string AppPassword = "app-Secret~not-for-logs";
    public const string Issuer = "https://api.botframework.com";
    public const string KeyId = "fake-key-1";
    public const string ConnectorToken = "connector-access-token-1";

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<PostedActivity> _posted = [];
    private readonly Dictionary<string, JsonObject> _members = [];
    private int _nextId = 1;
    private int _tokenRequests;
    private int _throttleNext;

    private FakeBotConnector(WebApplication app)
    {
        _app = app;
    }

    public RsaSecurityKey SigningKey { get; } = new(RSA.Create(2048)) { KeyId = KeyId };

    /// <summary>http://127.0.0.1:{port}</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The serviceUrl Activities carry (Teams' end in '/').</summary>
    public string ServiceUrl => BaseUrl + "/teams/";

    public string MetadataUrl => BaseUrl + "/v1/.well-known/openidconfiguration";

    public IReadOnlyList<PostedActivity> Posted
    {
        get { lock (_gate) return [.. _posted]; }
    }

    public int TokenRequests
    {
        get { lock (_gate) return _tokenRequests; }
    }

    /// <summary>The next <paramref name="count"/> posts get 429 with Retry-After: 1.</summary>
    public void ThrottleNext(int count)
    {
        lock (_gate) _throttleNext = count;
    }

    /// <summary>What the roster API answers for a user (Teams: e-mail and UPN).</summary>
    public void AddMember(string userId, string name, string? email)
    {
        lock (_gate)
            _members[userId] = new JsonObject
            {
                ["id"] = userId, ["name"] = name, ["email"] = email, ["userPrincipalName"] = email,
                ["aadObjectId"] = Guid.NewGuid().ToString(), ["tenantId"] = "tenant-1",
            };
    }

    public static async Task<FakeBotConnector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeBotConnector(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.BaseUrl = app.Urls.Single();
        return fake;
    }

    /// <summary>A token as the Bot Connector signs it; each part can be made wrong.</summary>
    public string Token(DateTimeOffset now, string? serviceUrl = null, string audience = AppId, string issuer = Issuer,
        TimeSpan? lifetime = null, SecurityKey? key = null)
    {
        var expires = now + (lifetime ?? TimeSpan.FromHours(1));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = (now - TimeSpan.FromHours(2)).UtcDateTime,
            NotBefore = (expires - TimeSpan.FromHours(2)).UtcDateTime,
            Expires = expires.UtcDateTime,
            Subject = new ClaimsIdentity([new Claim("serviceurl", serviceUrl ?? ServiceUrl)]),
            SigningCredentials = new SigningCredentials(key ?? SigningKey, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static readonly Regex ActivitiesPath = new("^/teams/v3/conversations/(?<c>[^/]+)/activities(/(?<r>[^/]+))?$");
    private static readonly Regex MemberPath = new("^/teams/v3/conversations/(?<c>[^/]+)/members/(?<u>[^/]+)$");

    private async Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        if (path == "/v1/.well-known/openidconfiguration")
        {
            await http.Response.WriteAsJsonAsync(new Dictionary<string, object>
            {
                ["issuer"] = Issuer,
                ["authorization_endpoint"] = "https://invalid.botframework.com",
                ["jwks_uri"] = BaseUrl + "/v1/.well-known/keys",
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt" },
            });
            return;
        }
        if (path == "/v1/.well-known/keys")
        {
            var p = SigningKey.Rsa.ExportParameters(false);
            await http.Response.WriteAsJsonAsync(new
            {
                keys = new[]
                {
                    new Dictionary<string, object>
                    {
                        ["kty"] = "RSA", ["use"] = "sig", ["kid"] = KeyId,
                        ["n"] = Base64UrlEncoder.Encode(p.Modulus!), ["e"] = Base64UrlEncoder.Encode(p.Exponent!),
                        ["endorsements"] = new[] { "msteams", "webchat", "emulator" },
                    },
                },
            });
            return;
        }
        if (path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal) && http.Request.Method == "POST")
        {
            var form = await http.Request.ReadFormAsync();
            lock (_gate) _tokenRequests++;
            if (form["client_id"] != AppId || form["client_secret"] != AppPassword || form["grant_type"] != "client_credentials")
            {
                http.Response.StatusCode = 401;
                await http.Response.WriteAsJsonAsync(new { error = "invalid_client" });
                return;
            }
            await http.Response.WriteAsJsonAsync(new { token_type = "Bearer", expires_in = 3599, access_token = ConnectorToken });
            return;
        }
        if (MemberPath.Match(path) is { Success: true } member && http.Request.Method == "GET")
        {
            JsonObject? found;
            lock (_gate) found = _members.GetValueOrDefault(Uri.UnescapeDataString(member.Groups["u"].Value));
            if (found is null)
            {
                http.Response.StatusCode = 404;
                await http.Response.WriteAsJsonAsync(new { error = new { code = "MemberNotFoundInConversation", message = "Member not found" } });
                return;
            }
            await http.Response.WriteAsync(found.ToJsonString());
            return;
        }
        if (ActivitiesPath.Match(path) is { Success: true } post && http.Request.Method == "POST")
        {
            var body = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
            int id;
            lock (_gate)
            {
                if (_throttleNext > 0)
                {
                    _throttleNext--;
                    http.Response.StatusCode = 429;
                    http.Response.Headers.RetryAfter = "1";
                    return;
                }
                _posted.Add(new PostedActivity(Uri.UnescapeDataString(post.Groups["c"].Value), body, http.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null));
                id = _nextId++;
            }
            http.Response.StatusCode = 201;
            await http.Response.WriteAsJsonAsync(new { id = $"1700000{id:D6}" });
            return;
        }
        http.Response.StatusCode = 404;
    }
}
