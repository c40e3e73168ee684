using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Academy.BotHost.Features.Dashboard;

/// <summary>
/// Where the dashboard is reached: <c>Dashboard:PublicUrl</c>; else where the latest authenticated
/// channel request came to, as the proxy forwarded it (https behind a TLS proxy); else the host's own
/// first address.
/// </summary>
public sealed class DashboardLinks(DashboardOptions options, IServer server, Hosting.PublicOrigin origin)
{
    public string BaseUrl
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(options.PublicUrl)) return options.PublicUrl.TrimEnd('/');
            if (origin.Seen is { } seen) return seen;
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? Hosting.AcademyHost.DefaultUrl;
            // A wildcard binding names no host a browser can open; behind a proxy set Dashboard:PublicUrl.
            return address.Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
                .Replace("://[::]", "://localhost", StringComparison.Ordinal)
                .Replace("://+", "://localhost", StringComparison.Ordinal)
                .Replace("://*", "://localhost", StringComparison.Ordinal)
                .TrimEnd('/');
        }
    }

    public string SignInUrl(string token) => $"{BaseUrl}/dashboard/signin?token={Uri.EscapeDataString(token)}";
}
