using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Academy.Bench;

/// <summary>
/// The real BotHost, as shipped (its built dll), in its own process: Telegram in webhook mode with a
/// secret, replies sent by its dispatcher to <see cref="TelegramSink"/>, the scheduler and the
/// playground off. Its memory is read from /proc, so nothing of the load generator is counted.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    public const string Secret = "bench-secret_0123456789";
    public const string HookPath = "/telegram/hook";

    private readonly Process _process;

    private readonly System.Text.StringBuilder _log;

    private HostProcess(Process process, Uri address, TimeSpan startup, System.Text.StringBuilder log)
    {
        _log = log;
        _process = process;
        Address = address;
        StartUp = startup;
    }

    public Uri Address { get; }

    /// <summary>What the host has written (warnings and errors), for a failed run.</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }
    public Uri Webhook => new(Address, HookPath);

    /// <summary>From process start to the first 200 from /health.</summary>
    public TimeSpan StartUp { get; }

    public static async Task<HostProcess> StartAsync(BenchStore store, Uri sink, bool processing = true)
    {
        var dll = BotHostDll();
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        var env = start.Environment;
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["Storage__Provider"] = store.Options.Provider.ToString();
        if (store.Options.ConnectionString is { } cs) env["Storage__ConnectionString"] = cs;
        else env["Storage__SqlitePath"] = store.Options.SqlitePath;
        env["Telegram__BotToken"] = "123456:bench";
        env["Telegram__ApiBaseUrl"] = sink.ToString().TrimEnd('/');
        env["Telegram__Mode"] = "Webhook";
        env["Telegram__WebhookUrl"] = "https://academy.example.org" + HookPath;
        env["Telegram__SecretToken"] = Secret;
        env["Scheduler__Enabled"] = "false";
        env["Playground__Enabled"] = "false";
        env["Playground__SeedSample"] = "false";
        env["Logging__LogLevel__Default"] = "Warning";
        if (!processing) env["Inbox__Process"] = "false";

        var watch = Stopwatch.StartNew();
        var process = Process.Start(start)!;
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"BotHost exited with {process.ExitCode}:\n{log}");
            if (watch.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"BotHost not ready after 60 s:\n{log}");
            try
            {
                using var response = await http.GetAsync(new Uri(address, "health"));
                if (response.StatusCode == HttpStatusCode.OK) break;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(10);
        }
        return new HostProcess(process, address, watch.Elapsed, log);
    }

    /// <summary>CPU time the host has used so far (user + system, all threads).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>Peak resident set size so far (VmHWM), MB.</summary>
    public double PeakRssMb() => StatusKb("VmHWM") / 1024.0;

    /// <summary>Resident set size now (VmRSS), MB.</summary>
    public double RssMb() => StatusKb("VmRSS") / 1024.0;

    private long StatusKb(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        throw new InvalidOperationException($"{field} not in /proc/{_process.Id}/status");
    }

    // bench/Academy.Bench/bin/<Configuration>/net10.0/ → src/BotHost/bin/<Configuration>/net10.0/Academy.BotHost.dll
    private static string BotHostDll()
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = bin;
        while (!File.Exists(Path.Combine(root.FullName, "Academy.sln"))) root = root.Parent ?? throw new InvalidOperationException("Academy.sln not found above " + bin);
        var dll = Path.Combine(root.FullName, "src", "BotHost", "bin", bin.Parent!.Name, bin.Name, "Academy.BotHost.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first", dll);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
