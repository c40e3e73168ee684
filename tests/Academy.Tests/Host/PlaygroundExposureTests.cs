using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Academy.Tests.Dashboard;
using Academy.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Academy.Tests.Host;

/// <summary>
/// The playground lets whoever opens it act as the admin: it is served only on a host nobody else can
/// reach (no real chat channel, every listening address on loopback), or when switched on on purpose
/// (a warning in the log and on /health); it answers only requests addressed to a loopback name; and
/// the roster's phone numbers never leave the server in full.
/// </summary>
public sealed class PlaygroundExposureTests
{
    // ---- where the host listens: the real binary, configured each way a deployer can ----

    [Theory]
    [InlineData("--urls")]
    [InlineData("ASPNETCORE_URLS")]
    [InlineData("Urls")]
    [InlineData("Kestrel__Endpoints__Http__Url")]
    public async Task A_host_listening_on_every_interface_serves_no_playground_however_the_address_was_given(string how)
    {
        var port = FreePort();
        var everywhere = $"http://0.0.0.0:{port}";
        var args = new List<string>();
        var environment = new Dictionary<string, string>();
        switch (how)
        {
            case "--urls": args.AddRange(["--urls", everywhere]); break;
            case "Kestrel__Endpoints__Http__Url":
                // Kestrel's endpoints replace the urls setting: a loopback urls changes nothing.
                environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}";
                environment[how] = everywhere;
                break;
            default: environment[how] = everywhere; break;
        }
        await using var host = await HostProcess.StartAsync(port, args, environment);

        var health = await host.HealthAsync();
        Assert.Equal($"off: the host listens beyond loopback ({everywhere})", Check(health, "playground"));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync(new Uri("/playground/api/state", UriKind.Relative))).StatusCode);
        using var send = await host.Http.PostAsJsonAsync(new Uri("/playground/api/send", UriKind.Relative), new { personaId = "p1", chatId = "dm-p1", text = "/start" });
        Assert.Equal(HttpStatusCode.NotFound, send.StatusCode);
    }

    [Fact]
    public async Task A_host_on_loopback_alone_with_no_channel_serves_the_playground()
    {
        var port = FreePort();
        await using var host = await HostProcess.StartAsync(port, ["--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string>());
        var health = await host.HealthAsync();
        Assert.Equal("on: no chat channel is configured and the host listens on loopback only", Check(health, "playground"));
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("warnings").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
    }

    // ---- real channels: any one configured switches the playground off ----

    [Theory]
    [InlineData("Telegram:BotToken")]
    [InlineData("BotFramework:AppId")]
    [InlineData("BotFramework:Emulator")]
    [InlineData("WeCom:Robot:BotId")]
    [InlineData("WeCom:CorpId")]
    [InlineData("WeChat:AppId")]
    [InlineData("ZaloOA:AppId")]
    [InlineData("Zalo:BotToken")]
    public async Task A_configured_chat_channel_switches_the_playground_off_on_loopback_too(string key)
    {
        await using var api = await FakeBotApi.StartAsync();
        var settings = new Dictionary<string, string?> { ["Playground:Enabled"] = null, [key] = "set-in-this-test" };
        switch (key)
        {
            case "Telegram:BotToken":
                settings[key] = api.Token;
                settings["Telegram:ApiBaseUrl"] = api.BaseUrl;
                break;
            case "BotFramework:AppId":
                settings["BotFramework:AppPassword"] = "a-password";
                break;
            case "BotFramework:Emulator":
                settings[key] = "true";
                break;
        }
        await using var app = new AcademyApp(settings);

        Assert.Equal($"off: a chat channel is configured ({key})", Check(await HealthAsync(app), "playground"));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(new Uri("/playground/api/state", UriKind.Relative))).StatusCode);
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT COUNT(*) FROM learners")); // and nothing was seeded
    }

    [Fact]
    public async Task A_channel_switch_set_to_false_is_no_channel()
    {
        await using var app = new AcademyApp(new Dictionary<string, string?> { ["Playground:Enabled"] = null, ["BotFramework:Emulator"] = "false" });
        Assert.StartsWith("on:", Check(await HealthAsync(app), "playground"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(new Uri("/playground/api/state", UriKind.Relative))).StatusCode);
    }

    // ---- Playground:Enabled decides outright ----

    [Fact]
    public async Task Switched_on_on_purpose_beside_Telegram_it_serves_and_warns_in_the_log_and_on_health()
    {
        await using var api = await FakeBotApi.StartAsync();
        var logs = new CapturedLogs();
        await using var app = new AcademyApp(new Dictionary<string, string?>
        {
            ["Playground:Enabled"] = "true",
            ["Telegram:BotToken"] = api.Token,
            ["Telegram:ApiBaseUrl"] = api.BaseUrl,
            ["Certificates:PublicBaseUrl"] = "https://academy.example.org",
        }, services: s => s.AddSingleton<ILoggerProvider>(logs));

        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
        using var response = await app.Client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // a warning, not an outage
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        Assert.Equal("on: Playground:Enabled is true", Check(health, "playground"));
        var warning = Check(health, "warnings");
        Assert.Contains("Playground:Enabled is true", warning, StringComparison.Ordinal);
        Assert.Contains("act as any person on the roster", warning, StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.StartsWith("Warning ", StringComparison.Ordinal) && l.Contains("Playground:Enabled is true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Switched_off_it_is_off_even_on_loopback_with_no_channel()
    {
        await using var app = new AcademyApp(new Dictionary<string, string?> { ["Playground:Enabled"] = "false" });
        Assert.Equal("off: Playground:Enabled is false", Check(await HealthAsync(app), "playground"));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
    }

    // ---- requests: loopback names only, loopback addresses only ----

    [Fact]
    public async Task Only_requests_addressed_to_a_loopback_name_are_answered()
    {
        await using var app = new AcademyApp(new Dictionary<string, string?> { ["Playground:Enabled"] = null });
        var port = app.BaseAddress.Port;
        foreach (var host in new[] { $"localhost:{port}", $"127.0.0.1:{port}", $"[::1]:{port}", "LOCALHOST" })
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, HttpMethod.Get, "/playground/api/state", host)).StatusCode);

        // A page on another name that resolves here (DNS rebinding), or a proxy passing another name on.
        foreach (var host in new[] { "attacker.example", $"attacker.example:{port}", $"127.0.0.1.nip.io:{port}" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(app, HttpMethod.Get, "/", host)).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(app, HttpMethod.Get, "/playground/api/state", host)).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(app, HttpMethod.Get, "/playground/api/messages?chat=dm-guest", host)).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(app, HttpMethod.Post, "/playground/api/send", host)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(app, HttpMethod.Get, "/playground/api/state", $"localhost:{port}",
            ("X-Forwarded-Host", "attacker.example"))).StatusCode);
        // The rebinding page's own script adding a loopback X-Forwarded-Host (its requests come from loopback, a known proxy).
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(app, HttpMethod.Get, "/playground/api/state", $"attacker.example:{port}",
            ("X-Forwarded-Host", $"localhost:{port}"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, HttpMethod.Get, "/playground/api/state", $"localhost:{port}",
            ("X-Forwarded-Host", $"127.0.0.1:{port}"))).StatusCode);
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT COUNT(*) FROM inbox"));
    }

    [Fact]
    public async Task A_request_arriving_on_a_non_loopback_address_is_refused_however_the_listener_was_set_up()
    {
        var external = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Assert.True(external is not null, "this test needs a non-loopback IPv4 address on the machine");
        var port = FreePort();
        // Set up in code, where no configuration shows it: the listening check cannot see it, the request check does.
        await using var app = new AcademyApp(new Dictionary<string, string?> { ["Playground:Enabled"] = null },
            services: s => s.Configure<KestrelServerOptions>(o => o.Listen(IPAddress.Any, port)));
        using var inside = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Assert.Equal(HttpStatusCode.OK, (await inside.GetAsync(new Uri("/playground/api/state", UriKind.Relative))).StatusCode);
        using var outside = new HttpClient { BaseAddress = new Uri($"http://{external}:{port}") };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/playground/api/state", UriKind.Relative));
        request.Headers.Host = $"localhost:{port}";
        Assert.Equal(HttpStatusCode.BadRequest, (await outside.SendAsync(request)).StatusCode);
    }

    // ---- phone numbers ----

    [Fact]
    public async Task The_state_and_the_transcript_show_phone_numbers_masked_to_their_last_three_digits()
    {
        await using var app = new AcademyApp();
        var phones = await app.QueryAsync<string>("SELECT phone FROM learners");
        Assert.NotEmpty(phones);
        var body = await app.Client.GetStringAsync(new Uri("/playground/api/state", UriKind.Relative));
        foreach (var phone in phones) Assert.DoesNotContain(phone[1..^3], body, StringComparison.Ordinal);
        var state = JsonDocument.Parse(body).RootElement;
        var anh = state.GetProperty("personas").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Nguyễn Thị Mai Anh");
        Assert.Equal("+********200", anh.GetProperty("phone").GetString()); // +84903100200

        // Sharing the contact still registers with the roster's number; the transcript shows it masked.
        var admin = await PlaygroundSteps.PersonaAsync(app, DashboardSupport.Admin);
        await PlaygroundSteps.RegisterAsync(app, admin, "en");
        var transcript = await app.Client.GetStringAsync(new Uri($"/playground/api/messages?chat={admin.PrivateChat}", UriKind.Relative));
        Assert.Contains("📱 +********200", JsonDocument.Parse(transcript).RootElement.EnumerateArray()
            .Select(i => i.GetProperty("message").GetProperty("text").GetString()));
        Assert.DoesNotContain("903100", transcript, StringComparison.Ordinal);
    }

    // ---- helpers ----

    private static string Check(JsonElement health, string name) =>
        health.GetProperty("checks").GetProperty(name).GetProperty("description").GetString()!;

    private static async Task<JsonElement> HealthAsync(AcademyApp app) =>
        JsonDocument.Parse(await app.Client.GetStringAsync(new Uri("/health", UriKind.Relative))).RootElement;

    private static async Task<HttpResponseMessage> SendAsync(AcademyApp app, HttpMethod method, string path, string host, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Host = host;
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        if (method == HttpMethod.Post)
            request.Content = new StringContent("{\"personaId\":\"guest\",\"chatId\":\"dm-guest\",\"text\":\"/start\"}", Encoding.UTF8, "application/json");
        return await app.Client.SendAsync(request);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The built host as a deployer starts it, in a fresh folder, with no channel settings inherited from the test's environment.</summary>
    private sealed class HostProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _log = new();
        private readonly string _folder;

        private HostProcess(Process process, string folder, int port)
        {
            _process = process;
            _folder = folder;
            Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        }

        public HttpClient Http { get; }

        public static async Task<HostProcess> StartAsync(int port, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
        {
            var folder = Path.Combine(Path.GetTempPath(), "academy-exposure-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            var start = new ProcessStartInfo("dotnet", [BuiltPrograms.BotHost, .. args])
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Telegram", StringComparison.OrdinalIgnoreCase) ||
                         k.StartsWith("BotFramework", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Playground", StringComparison.OrdinalIgnoreCase) ||
                         k.Equals("ASPNETCORE_URLS", StringComparison.OrdinalIgnoreCase) || k.Equals("Urls", StringComparison.OrdinalIgnoreCase)).ToList())
                start.Environment.Remove(key);
            start.Environment["Scheduler__Enabled"] = "false";
            foreach (var (key, value) in environment) start.Environment[key] = value;
            var process = Process.Start(start)!;
            var host = new HostProcess(process, folder, port);
            process.OutputDataReceived += (_, e) => { lock (host._log) host._log.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { lock (host._log) host._log.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await host.WaitUntilServingAsync();
            return host;
        }

        private async Task WaitUntilServingAsync()
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                Assert.False(_process.HasExited, "the host exited: " + Log);
                try
                {
                    if ((await Http.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode == HttpStatusCode.OK) return;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
                await Task.Delay(200);
            }
            Assert.Fail("the host did not serve /health: " + Log);
        }

        public async Task<JsonElement> HealthAsync() =>
            JsonDocument.Parse(await Http.GetStringAsync(new Uri("/health", UriKind.Relative))).RootElement;

        private string Log
        {
            get { lock (_log) return _log.ToString(); }
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
            try { Directory.Delete(_folder, recursive: true); }
            catch (IOException) { }
        }
    }
}
