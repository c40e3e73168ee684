using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Academy.BotHost.Dashboard;

/// <summary>Where the dashboard is reached: <c>Dashboard:PublicUrl</c>, else the host's own first address.</summary>
public sealed class DashboardLinks(DashboardOptions options, IServer server)
{
    public string BaseUrl
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(options.PublicUrl)) return options.PublicUrl.TrimEnd('/');
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
