using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Academy.BotHost.Cli;
using Academy.BotHost.Hosting;
using Academy.Tests.Support;
using Academy.Tests.Telegram;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Academy.BotHost.Features.Announcements;
using Academy.BotHost.Features.Certificates;

namespace Academy.Tests.Host;

/// <summary>
/// The production layout of docs/deploy.md, for real: the host on a loopback port behind nginx
/// (started from the server block in that file) terminating TLS with a certificate made here; Telegram
/// posts its updates through the proxy. Sign-in links are https, the cookie is Secure, what a client
/// claims in forwarded headers is overwritten by the proxy, and the playground is nowhere.
/// </summary>
public sealed partial class ReverseProxyTests : IAsyncLifetime
{
    private const string HookPath = "/telegram/webhook";
    private const string Secret = "proxy-Secret_456";
    private const long Admin = 5001;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "academy-nginx-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteTestStore _store = new();
    private readonly TelegramUpdates _updates = new();
    private FakeBotApi _api = null!;
    private AcademyApp _app = null!;
    private Process? _nginx;
    private HttpClient _proxy = null!;
    private string _public = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var nginx = new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists);
        Assert.True(nginx is not null, "nginx is not installed (./test.sh installs it from apt)");

        // A self-signed certificate for 127.0.0.1, trusted by this test's client alone.
        var cert = Path.Combine(_folder, "cert.pem");
        var key = Path.Combine(_folder, "key.pem");
        await RunAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert);

        // The course, cohort and roster come in as a deployer brings them: the import verb.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:SqlitePath"] = _store.Options.SqlitePath }).Build();
        Assert.Equal(0, await CliVerbs.RunAsync(["import", Samples.Pack, Samples.Cohort, Samples.Roster], TextWriter.Null, TextWriter.Null, configuration));

        var port = PlaygroundExposureTests.FreePort();
        _public = $"https://127.0.0.1:{port}";
        _api = await FakeBotApi.StartAsync();
        // No public URL configured, no playground switch: what the environment file of docs/deploy.md sets, minus the URLs.
        _app = new AcademyApp(new Dictionary<string, string?>
        {
            ["Playground:Enabled"] = null,
            ["Telegram:BotToken"] = _api.Token,
            ["Telegram:ApiBaseUrl"] = _api.BaseUrl,
            ["Telegram:Mode"] = "Webhook",
            ["Telegram:WebhookUrl"] = _public + HookPath,
            ["Telegram:SecretToken"] = Secret,
        }, store: _store);

        var (block, unit) = DeployDoc();
        var upstream = Regex.Match(block, @"proxy_pass (http://[^;]+);").Groups[1].Value;
        var conf = Replace(block,
            ("listen 443 ssl;", $"listen 127.0.0.1:{port} ssl;"),
            ("/etc/letsencrypt/live/academy.example.org/fullchain.pem", cert),
            ("/etc/letsencrypt/live/academy.example.org/privkey.pem", key),
            (upstream, $"http://127.0.0.1:{_app.BaseAddress.Port}"));
        Assert.Contains($"Environment=ASPNETCORE_URLS={upstream}", unit, StringComparison.Ordinal); // the unit listens where nginx sends
        Assert.True(Exposure.IsLoopback(upstream), upstream);
        await File.WriteAllTextAsync(Path.Combine(_folder, "academy.conf"), conf);
        await File.WriteAllTextAsync(Path.Combine(_folder, "nginx.conf"),
            $$"""
            worker_processes 1;
            pid {{_folder}}/nginx.pid;
            events { worker_connections 64; }
            http {
                access_log {{_folder}}/access.log;
                client_body_temp_path {{_folder}}/body;
                proxy_temp_path {{_folder}}/proxy;
                fastcgi_temp_path {{_folder}}/fastcgi;
                uwsgi_temp_path {{_folder}}/uwsgi;
                scgi_temp_path {{_folder}}/scgi;
                include {{_folder}}/academy.conf;
            }
            """);
        _nginx = Process.Start(new ProcessStartInfo(nginx!, ["-p", _folder, "-c", Path.Combine(_folder, "nginx.conf"), "-e", Path.Combine(_folder, "error.log"), "-g", "daemon off;"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;

        var pinned = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(cert)).Thumbprint;
        _proxy = new HttpClient(new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == pinned,
        }) { BaseAddress = new Uri(_public), Timeout = TimeSpan.FromSeconds(10) };
        await Eventually.UntilAsync(async () =>
        {
            if (_nginx.HasExited) Assert.Fail("nginx exited: " + await File.ReadAllTextAsync(Path.Combine(_folder, "error.log")));
            try { return (await _proxy.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode == HttpStatusCode.OK; }
            catch (HttpRequestException) { return false; }
        }, "nginx answering over TLS");
    }

    public async Task DisposeAsync()
    {
        _proxy?.Dispose();
        if (_nginx is { HasExited: false }) _nginx.Kill(entireProcessTree: true);
        if (_nginx is not null) await _nginx.WaitForExitAsync();
        _nginx?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        if (_api is not null) await _api.DisposeAsync();
        await _store.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }

    [Fact]
    public async Task Behind_nginx_over_TLS_the_webhook_works_links_are_https_and_the_cookie_is_Secure()
    {
        // Telegram was told the public https address, and its updates come through the proxy.
        await Eventually.UntilAsync(() => Task.FromResult(_api.WebhookUrl == _public + HookPath), "setWebhook with the public address");
        Assert.Equal(HttpStatusCode.Unauthorized, await PostUpdateAsync(_updates.PrivateText(Admin, "/start"), secret: "wrong"));
        await PostUpdateAsync(_updates.PrivateText(Admin, "/start"));
        await WaitForSendAsync(t => t.Contains("choose your language", StringComparison.Ordinal));
        await PostUpdateAsync(_updates.Callback(Admin, Admin, "lang:en"));
        await WaitForSendAsync(t => t.Contains("share your phone number", StringComparison.Ordinal));
        await PostUpdateAsync(_updates.Contact(Admin, "+84903100200"));
        await WaitForSendAsync(t => t.StartsWith("Welcome, Nguyễn Thị Mai Anh!", StringComparison.Ordinal));

        // The sign-in link starts where Telegram reached the host: https, the proxy's address.
        await PostUpdateAsync(_updates.PrivateText(Admin, "/dashboard"));
        var text = await WaitForSendAsync(t => t.Contains("/dashboard/signin?token=", StringComparison.Ordinal));
        var link = new Uri(Regex.Match(text, @"https?://\S+").Value);
        Assert.Equal(_public, link.GetLeftPart(UriPartial.Authority));
        Assert.StartsWith(_public + "/verify/", _app.Services.GetRequiredService<CertificateLinks>().VerifyUrl("ABCD"), StringComparison.Ordinal);

        // A client's own forwarded headers are overwritten by nginx: another site's form stays another site's.
        var token = System.Web.HttpUtility.ParseQueryString(link.Query)["token"]!;
        var forged = await SignInAsync(token, ("Origin", "https://evil.example"), ("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Proto", "https"));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        // Opening the link and pressing Continue, through the proxy: a Secure, HttpOnly cookie.
        Assert.Equal(HttpStatusCode.OK, (await _proxy.GetAsync(link)).StatusCode);
        var signIn = await SignInAsync(token, ("Origin", _public), ("Sec-Fetch-Site", "same-origin"));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("academy_dashboard=", StringComparison.Ordinal));
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("secure", attributes);
        Assert.Contains("httponly", attributes);
        using var overview = new HttpRequestMessage(HttpMethod.Get, new Uri("/dashboard", UriKind.Relative));
        overview.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await _proxy.SendAsync(overview)).StatusCode);

        // Requests that prove nothing do not move the public address, whatever Host they name.
        foreach (var path in new[] { HookPath, "/health", "/dashboard/signin" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new StringContent("{}") };
            request.Headers.Host = "evil.example";
            request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", "wrong");
            await _proxy.SendAsync(request);
        }
        Assert.StartsWith(_public + "/verify/", _app.Services.GetRequiredService<CertificateLinks>().VerifyUrl("ABCD"), StringComparison.Ordinal);

        // No playground through the proxy; /health says why, and what the deployer has still to set.
        Assert.Equal(HttpStatusCode.NotFound, (await _proxy.GetAsync(new Uri("/playground/api/state", UriKind.Relative))).StatusCode);
        var health = JsonDocument.Parse(await _proxy.GetStringAsync(new Uri("/health", UriKind.Relative))).RootElement.GetProperty("checks");
        Assert.Equal("off: a chat channel is configured (Telegram:BotToken)", health.GetProperty("playground").GetProperty("description").GetString());
        Assert.Contains("Certificates:PublicBaseUrl is not set", health.GetProperty("warnings").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    private async Task<HttpStatusCode> PostUpdateAsync(string json, string secret = Secret) =>
        await TelegramUpdates.PostAsync(_proxy, HookPath, json, secret);

    private async Task<HttpResponseMessage> SignInAsync(string token, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/dashboard/signin", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("token", token)]),
        };
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        return await _proxy.SendAsync(request);
    }

    private async Task<string> WaitForSendAsync(Func<string, bool> match)
    {
        string? found = null;
        await Eventually.UntilAsync(() => Task.FromResult((found = _api.Requests.LastOrDefault(r =>
            r.Method == "sendMessage" && r.ChatId == Admin && r.StatusCode == 200 && match(r.Field("text") ?? ""))?.Field("text")) is not null), "a reply to the admin");
        return found!;
    }

    /// <summary>The nginx server block and the systemd unit of docs/deploy.md.</summary>
    internal static (string Nginx, string Unit) DeployDoc()
    {
        var doc = File.ReadAllText(Path.Combine(BuiltPrograms.RepositoryRoot, "docs", "deploy.md"));
        return (Blocks(doc, "nginx").Single(), Blocks(doc, "ini").Single());
    }

    internal static List<string> Blocks(string markdown, string language) =>
        FencedBlock().Matches(markdown.Replace("\r\n", "\n", StringComparison.Ordinal))
            .Where(m => m.Groups[1].Value == language).Select(m => m.Groups[2].Value).ToList();

    private static string Replace(string text, params (string From, string To)[] replacements)
    {
        foreach (var (from, to) in replacements)
        {
            Assert.Contains(from, text, StringComparison.Ordinal);
            text = text.Replace(from, to, StringComparison.Ordinal);
        }
        return text;
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} failed: {await errors}");
    }

    [GeneratedRegex(@"^```(\w+)\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();
}

/// <summary>The README shows the server block that the test above runs, not a copy drifting apart.</summary>
public sealed class DeployDocumentTests
{
    [Fact]
    public void The_README_shows_the_same_nginx_server_block_as_docs_deploy()
    {
        var readme = File.ReadAllText(Path.Combine(BuiltPrograms.RepositoryRoot, "README.md"));
        Assert.Contains(ReverseProxyTests.DeployDoc().Nginx, ReverseProxyTests.Blocks(readme, "nginx"));
        Assert.Contains("docs/deploy.md", readme, StringComparison.Ordinal);
    }
}
