using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Academy.BotHost.Channels.BotFramework;

/// <summary>
/// Checks the bearer token on every inbound request, as the Bot Connector signs it: signed by a key of
/// the Bot Framework OpenID metadata (endorsed for the Activity's channel where the key lists
/// endorsements), issued by <see cref="BotFrameworkOptions.Issuer"/>, for our app id, not expired
/// (five minutes of clock skew), and naming the Activity's serviceUrl — so a reply can never be sent
/// with our token to a URL a caller made up. Keys are cached by the metadata manager and re-read once
/// when a token names a key it does not know (rotation).
/// </summary>
public sealed class BotFrameworkAuthenticator
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    private readonly BotFrameworkOptions _options;
    private readonly TimeProvider _time;
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _metadata;
    private readonly JsonWebTokenHandler _handler = new();

    public BotFrameworkAuthenticator(BotFrameworkOptions options, TimeProvider time, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        var metadata = new Uri(options.OpenIdMetadataUrl);
        _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(options.OpenIdMetadataUrl,
            new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever(http) { RequireHttps = !metadata.IsLoopback });
    }

    /// <summary>Null when the request may pass; else why not, for the log (never the token itself).</summary>
    public async Task<string?> RefusalAsync(string? authorization, Activity activity, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (string.IsNullOrEmpty(authorization) || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return "no bearer token";
        var token = authorization["Bearer ".Length..].Trim();
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await _metadata.GetConfigurationAsync(ct);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or HttpRequestException)
        {
            return "the OpenID metadata could not be read: " + ex.Message;
        }
        var result = await _handler.ValidateTokenAsync(token, Parameters(configuration));
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The connector may have rolled its keys since we read them.
            _metadata.RequestRefresh();
            configuration = await _metadata.GetConfigurationAsync(ct);
            result = await _handler.ValidateTokenAsync(token, Parameters(configuration));
        }
        if (!result.IsValid) return result.Exception?.GetType().Name ?? "invalid token";

        var serviceUrl = result.Claims.TryGetValue("serviceurl", out var claimed) ? claimed as string : null;
        if (serviceUrl is null || activity.ServiceUrl is null
            || !string.Equals(serviceUrl.TrimEnd('/'), activity.ServiceUrl.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            return "the token's serviceurl claim does not match the Activity";

        if (result.SecurityToken is JsonWebToken jwt && configuration.JsonWebKeySet?.Keys.FirstOrDefault(k => k.Kid == jwt.Kid) is { } key
            && Endorsements(key) is { } endorsed && !endorsed.Contains(activity.ChannelId ?? "", StringComparer.OrdinalIgnoreCase))
            return "the signing key is not endorsed for this channel";
        return null;
    }

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration configuration) => new()
    {
        ValidIssuer = _options.Issuer,
        ValidAudience = _options.AppId,
        IssuerSigningKeys = configuration.SigningKeys,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateIssuerSigningKey = true,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        ClockSkew = ClockSkew,
        // Our clock, not the machine's: TimeProvider is injected everywhere.
        LifetimeValidator = (notBefore, expires, _, _) =>
        {
            var now = _time.GetUtcNow().UtcDateTime;
            return expires is { } exp && now <= exp + ClockSkew && (notBefore is not { } nbf || now >= nbf - ClockSkew);
        },
    };

    private static IReadOnlyList<string>? Endorsements(JsonWebKey key)
    {
        if (!key.AdditionalData.TryGetValue("endorsements", out var value)) return null;
        return value switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(e => e.ToString()).ToList(),
            IEnumerable<object> list => list.Select(o => o.ToString() ?? "").ToList(),
            _ => null,
        };
    }
}
