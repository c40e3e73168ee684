namespace Academy.BotHost.Features.Dashboard;

/// <summary>Configuration section <c>Dashboard</c>.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>
    /// The address people open the dashboard at (behind a reverse proxy: its public https URL).
    /// Empty: the host's own first listening address.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>How long a sign-in link the bot sends stays valid.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a signed-in browser stays signed in.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (LinkLifetime < TimeSpan.FromMinutes(1) || LinkLifetime > TimeSpan.FromHours(1))
            errors.Add("Dashboard:LinkLifetime must be between 00:01:00 and 01:00:00.");
        if (SessionLifetime < TimeSpan.FromMinutes(5) || SessionLifetime > TimeSpan.FromDays(30))
            errors.Add("Dashboard:SessionLifetime must be between 00:05:00 and 30.00:00:00.");
        if (!string.IsNullOrWhiteSpace(PublicUrl) &&
            (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            errors.Add("Dashboard:PublicUrl must be an absolute http(s) URL.");
        return errors;
    }
}
