using System.Net;
using Academy.BotHost.Operations;
using Microsoft.AspNetCore.HttpOverrides;
using Academy.BotHost.Features.Announcements;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Dashboard;

namespace Academy.BotHost.Hosting;

/// <summary>
/// Running behind a reverse proxy: the proxy's <c>X-Forwarded-Proto/For/Host</c> are believed only
/// from the addresses in <c>ForwardedHeaders:KnownProxies</c> (loopback when unset), and settings a
/// deployer must hear about are warned of at start and listed on <c>/health</c>.
/// </summary>
public static class DeploymentRegistration
{
    public const string KnownProxiesKey = "ForwardedHeaders:KnownProxies";
    public const string CertificatesWarningKey = "certificates-address";

    public static WebApplicationBuilder AddAcademyDeployment(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var (addresses, networks) = KnownProxies(builder.Configuration);
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var address in addresses) o.KnownProxies.Add(address);
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
        });
        return builder;
    }

    /// <summary>First in the pipeline, so everything after sees the scheme, host and client the proxy reported.</summary>
    public static WebApplication UseAcademyDeployment(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseForwardedHeaders();
        WarnAboutPublicAddresses(app.Services, app.Configuration);
        return app;
    }

    /// <summary>
    /// <c>ForwardedHeaders:KnownProxies</c>: addresses and networks (<c>10.0.0.0/8</c>), as a list or one
    /// value separated by commas or semicolons. Unset: loopback (a proxy on the same machine).
    /// </summary>
    public static (IReadOnlyList<IPAddress> Addresses, IReadOnlyList<System.Net.IPNetwork> Networks) KnownProxies(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(KnownProxiesKey);
        var entries = new[] { section.Value }.Concat(section.GetChildren().Select(c => c.Value))
            .OfType<string>()
            .SelectMany(v => v.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        if (entries.Count == 0) return ([IPAddress.Loopback, IPAddress.IPv6Loopback], [new System.Net.IPNetwork(IPAddress.Parse("127.0.0.0"), 8)]);
        var addresses = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in entries)
        {
            if (entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out var network)) networks.Add(network);
            else if (!entry.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(entry, out var address)) addresses.Add(address);
            else throw new InvalidOperationException($"{KnownProxiesKey}: \"{entry}\" is not an IP address (10.0.0.5) or a network (10.0.0.0/8).");
        }
        return (addresses, networks);
    }

    /// <summary>
    /// With a real channel on, certificates are printed for people far from this host: without an
    /// address set for them they carry whatever the host last saw, or its own (often loopback) address.
    /// </summary>
    private static void WarnAboutPublicAddresses(IServiceProvider services, IConfiguration configuration)
    {
        var channels = Exposure.RealChannelsConfigured(configuration);
        if (channels.Count == 0 ||
            !string.IsNullOrWhiteSpace(configuration[$"{CertificateOptions.Section}:{nameof(CertificateOptions.PublicBaseUrl)}"]) ||
            !string.IsNullOrWhiteSpace(configuration[$"{DashboardOptions.Section}:{nameof(DashboardOptions.PublicUrl)}"])) return;
        services.GetRequiredService<StartupWarnings>().Add(CertificatesWarningKey,
            $"Certificates:PublicBaseUrl is not set while a chat channel is on ({string.Join(", ", channels)}): certificates' QR codes and " +
            "verification links point to the address this host last saw a channel request come to, or else its own listening address " +
            "(such as http://127.0.0.1:5080), which people holding a certificate cannot open. Set Certificates:PublicBaseUrl " +
            "(or Dashboard:PublicUrl) to the public https address.");
    }
}

/// <summary>
/// The address people reach this host at when no public URL is configured: the scheme and host of
/// the latest request a chat platform made to it, as the proxy forwarded them. Only requests the
/// platform proved it sent (a webhook's secret) count: any other request's Host is the sender's to
/// choose, and sign-in links built on it would carry their tokens to that sender's site.
/// </summary>
public sealed class PublicOrigin
{
    private volatile string? _seen;

    /// <summary>e.g. <c>https://academy.example.org</c>; null until an authenticated channel request arrived.</summary>
    public string? Seen => _seen;

    /// <summary>Call only for a request whose sender was authenticated.</summary>
    public void Observe(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Host.HasValue) _seen = $"{request.Scheme}://{request.Host.ToUriComponent()}";
    }
}
