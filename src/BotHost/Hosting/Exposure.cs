using Academy.BotHost.Features.Announcements;

namespace Academy.BotHost.Hosting;

/// <summary>
/// What a configuration says about who can reach this host: the real chat channels it serves, and
/// the addresses it listens on. The playground and other things for trying Academy out are on only
/// when neither reaches past this machine.
/// </summary>
public static class Exposure
{
    /// <summary>
    /// Settings whose presence means people elsewhere talk to the bot through a real chat platform.
    /// A channel added later joins by adding its key here.
    /// </summary>
    public static readonly IReadOnlyList<string> RealChannelKeys =
    [
        "Telegram:BotToken",
        "BotFramework:AppId",
        "BotFramework:Emulator",
        "WeCom:Robot:BotId",
        "WeCom:CorpId",
        "WeChat:AppId",
        "ZaloOA:AppId",
        "Zalo:BotToken",
    ];

    /// <summary>The keys of <see cref="RealChannelKeys"/> that are set; a switch set to false does not count.</summary>
    public static IReadOnlyList<string> RealChannelsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return RealChannelKeys.Where(key => configuration[key] is { } value && !string.IsNullOrWhiteSpace(value) &&
                                            !(bool.TryParse(value, out var on) && !on)).ToList();
    }

    /// <summary>
    /// Every address the host is configured to listen on. Kestrel's own endpoints
    /// (<c>Kestrel:Endpoints:*:Url</c>), when there are any, replace <c>urls</c> (which <c>--urls</c>,
    /// <c>ASPNETCORE_URLS</c> and <c>Urls</c> all set), just as Kestrel binds them.
    /// </summary>
    public static IReadOnlyList<string> ListenAddresses(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => e["Url"]).OfType<string>().Where(u => !string.IsNullOrWhiteSpace(u)).ToList();
        if (endpoints.Count > 0) return endpoints;
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        return string.IsNullOrWhiteSpace(urls)
            ? [AcademyHost.DefaultUrl]
            : urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>
    /// Whether Kestrel binds <paramref name="url"/> to loopback only: <c>localhost</c> or a loopback IP.
    /// <c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c> and any other host name bind every interface.
    /// </summary>
    public static bool IsLoopback(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var normalized = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        return Uri.TryCreate(normalized, UriKind.Absolute, out var uri) && uri.IsLoopback;
    }

    /// <summary>Whether a request's Host names this machine's loopback: localhost, 127.0.0.1, [::1] (any port).</summary>
    public static bool IsLoopbackHost(string? host)
    {
        if (string.IsNullOrEmpty(host)) return false;
        var name = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase) ||
               System.Net.IPAddress.TryParse(name, out var ip) && System.Net.IPAddress.IsLoopback(ip);
    }
}
