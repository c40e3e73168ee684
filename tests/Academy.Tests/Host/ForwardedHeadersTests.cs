using System.Net;
using System.Text.Json;
using Academy.Tests.Dashboard;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Academy.Tests.Dashboard.DashboardSupport;

namespace Academy.Tests.Host;

/// <summary>
/// What a proxy says (<c>X-Forwarded-Proto/Host</c>) counts only from the proxies configured in
/// <c>ForwardedHeaders:KnownProxies</c> (loopback by default); and a host serving a real channel with
/// no public address for certificates says so at start and on /health.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private static readonly (string, string)[] FromTheProxy =
        [("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "academy.example.org"), ("Origin", "https://academy.example.org")];

    [Fact]
    public async Task From_a_proxy_on_loopback_https_and_the_public_host_are_believed()
    {
        await using var app = new AcademyApp();
        var response = await SignInThroughAsync(app, FromTheProxy);
        // The Origin matched the forwarded scheme and host, and the cookie is Secure because the proxy spoke https.
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("secure", CookieAttributes(response));
    }

    [Theory]
    [InlineData("10.20.30.40")]
    [InlineData("10.0.0.0/8, 192.168.1.7")]
    public async Task From_an_address_not_listed_the_forwarded_headers_are_ignored(string knownProxies)
    {
        await using var app = new AcademyApp(new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies"] = knownProxies });
        // The request came from 127.0.0.1, which is no longer a proxy: its https and host claims count for nothing,
        // so its Origin is another site's.
        Assert.Equal(HttpStatusCode.Forbidden, (await SignInThroughAsync(app, FromTheProxy)).StatusCode);
        var plain = await SignInThroughAsync(app, ("X-Forwarded-Proto", "https"));
        Assert.Equal(HttpStatusCode.Redirect, plain.StatusCode);
        Assert.DoesNotContain("secure", CookieAttributes(plain));
    }

    [Fact]
    public async Task A_proxy_listed_among_others_is_believed()
    {
        await using var app = new AcademyApp(new Dictionary<string, string?>
        {
            ["ForwardedHeaders:KnownProxies:0"] = "10.0.0.0/8",
            ["ForwardedHeaders:KnownProxies:1"] = "127.0.0.1",
        });
        var response = await SignInThroughAsync(app, FromTheProxy);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("secure", CookieAttributes(response));
    }

    [Fact]
    public void A_known_proxy_that_is_no_address_stops_the_host_naming_the_setting()
    {
        var error = Assert.ThrowsAny<Exception>(() => new AcademyApp(new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies"] = "10.0.0.5, proxy.lan" }));
        Assert.Contains("ForwardedHeaders:KnownProxies: \"proxy.lan\" is not an IP address", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_real_channel_without_a_public_address_for_certificates_is_warned_of_at_start_and_on_health()
    {
        await using var api = await FakeBotApi.StartAsync();
        var telegram = new Dictionary<string, string?>
        {
            ["Playground:Enabled"] = null,
            ["Telegram:BotToken"] = api.Token,
            ["Telegram:ApiBaseUrl"] = api.BaseUrl,
        };
        var logs = new CapturedLogs();
        await using (var app = new AcademyApp(telegram, services: s => s.AddSingleton<ILoggerProvider>(logs)))
        {
            var warnings = await WarningsAsync(app);
            Assert.Equal("Degraded", warnings.GetProperty("status").GetString());
            Assert.Contains("Certificates:PublicBaseUrl is not set while a chat channel is on (Telegram:BotToken)",
                warnings.GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.Contains(logs.Lines, l => l.StartsWith("Warning ", StringComparison.Ordinal) && l.Contains("Certificates:PublicBaseUrl is not set", StringComparison.Ordinal));
        }

        foreach (var (key, value) in new[] { ("Certificates:PublicBaseUrl", "https://academy.example.org"), ("Dashboard:PublicUrl", "https://academy.example.org") })
        {
            await using var configured = new AcademyApp(new Dictionary<string, string?>(telegram) { [key] = value });
            Assert.Equal("Healthy", (await WarningsAsync(configured)).GetProperty("status").GetString());
        }

        // The playground on loopback (no channel) prints its own address, which is right there.
        await using var playground = new AcademyApp(new Dictionary<string, string?> { ["Playground:Enabled"] = null });
        Assert.Equal("Healthy", (await WarningsAsync(playground)).GetProperty("status").GetString());
    }

    private static async Task<JsonElement> WarningsAsync(AcademyApp app) =>
        JsonDocument.Parse(await app.Client.GetStringAsync(new Uri("/health", UriKind.Relative))).RootElement
            .GetProperty("checks").GetProperty("warnings");

    /// <summary>Gets the admin (registered in the playground on first use) a link, and presses Continue with <paramref name="headers"/>.</summary>
    private static async Task<HttpResponseMessage> SignInThroughAsync(AcademyApp app, params (string Name, string Value)[] headers)
    {
        var admin = await PlaygroundSteps.PersonaAsync(app, Admin);
        if (await app.ScalarAsync<long>("SELECT COUNT(*) FROM channel_identities WHERE external_id = @id", new { id = admin.PersonaId }) == 0)
            await RegisterAsync(app, Admin);
        var link = await LinkAsync(app, admin);
        using var http = RawClient(app);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/dashboard/signin", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("token", System.Web.HttpUtility.ParseQueryString(link.Query)["token"]!)]),
        };
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        return await http.SendAsync(request);
    }

    private static List<string> CookieAttributes(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("academy_dashboard=", StringComparison.Ordinal))
            .Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
}
