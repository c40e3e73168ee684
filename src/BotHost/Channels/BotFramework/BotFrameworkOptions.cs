namespace Academy.BotHost.Channels.BotFramework;

/// <summary>
/// The "BotFramework" configuration section (Azure Bot Service: Teams, Web Chat, Slack …). The app
/// password is a credential: user secrets or the environment (BotFramework__AppPassword), never a
/// committed file, and nothing here logs it.
/// </summary>
public sealed class BotFrameworkOptions
{
    public const string Section = "BotFramework";
    public const string MessagesPath = "/api/messages";

    /// <summary>The bot's Microsoft app id: the audience of inbound tokens and the client id of outbound ones.</summary>
    public string? AppId { get; set; }
    public string? AppPassword { get; set; }
    /// <summary>A single-tenant bot's tenant; empty for a multi-tenant bot (tokens from the botframework.com tenant).</summary>
    public string? TenantId { get; set; }
    /// <summary>
    /// Serve the channel without an app id, with inbound tokens unchecked and outbound calls
    /// anonymous: the Bot Framework Emulator on a developer's machine. Never in production.
    /// </summary>
    public bool Emulator { get; set; }
    public string OpenIdMetadataUrl { get; set; } = "https://login.botframework.com/v1/.well-known/openidconfiguration";
    /// <summary>The issuer of tokens the Bot Connector service signs.</summary>
    public string Issuer { get; set; } = "https://api.botframework.com";
    /// <summary>Where client-credentials tokens come from: {Authority}/{TenantId or botframework.com}/oauth2/v2.0/token.</summary>
    public string Authority { get; set; } = "https://login.microsoftonline.com";
    public string Scope { get; set; } = "https://api.botframework.com/.default";
    /// <summary>How long one connector call may take before its outcome counts as unknown.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Whether the channel is served at all: an app id is configured, or emulator mode is on.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(AppId) || Emulator;

    /// <summary>Inbound tokens are checked whenever an app id is configured; only emulator mode without one skips them.</summary>
    public bool ValidatesTokens => !string.IsNullOrWhiteSpace(AppId);

    public string TokenEndpoint =>
        $"{Authority.TrimEnd('/')}/{(string.IsNullOrWhiteSpace(TenantId) ? "botframework.com" : TenantId.Trim())}/oauth2/v2.0/token";

    /// <summary>Problems that would make the channel fail later, phrased for the operator (no secrets).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ValidatesTokens && string.IsNullOrWhiteSpace(AppPassword))
            errors.Add("BotFramework:AppPassword is required with an app id (set it in user secrets or the BotFramework__AppPassword environment variable).");
        foreach (var (key, value) in new[] { ("OpenIdMetadataUrl", OpenIdMetadataUrl), ("Authority", Authority) })
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || !(uri.Scheme == "https" || (uri.Scheme == "http" && uri.IsLoopback)))
                errors.Add($"BotFramework:{key} must be an absolute https URL (http only on loopback).");
        if (string.IsNullOrWhiteSpace(Issuer)) errors.Add("BotFramework:Issuer must not be empty.");
        if (string.IsNullOrWhiteSpace(Scope)) errors.Add("BotFramework:Scope must not be empty.");
        if (RequestTimeout <= TimeSpan.Zero) errors.Add("BotFramework:RequestTimeout must be positive.");
        return errors;
    }
}
