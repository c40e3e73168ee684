using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Academy.Tests.Support;

/// <summary>
/// The built BotHost as a person runs it: <c>dotnet Academy.BotHost.dll ARGS</c> in a folder of its
/// own, with no channel or store settings inherited from the test runner's environment.
/// </summary>
public static class BuiltHost
{
    /// <summary>Runs a command that should end by itself; fails if it is still running after <paramref name="seconds"/>.</summary>
    public static async Task<(int Code, string Output, string Errors)> RunAsync(string folder, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null, int seconds = 60)
    {
        using var process = Process.Start(StartInfo(folder, args, environment))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"`{string.Join(' ', args)}` was still running after {seconds} s (a host started?)\n{await output}\n{await errors}");
        }
        return (process.ExitCode, await output, await errors);
    }

    /// <summary>Starts the host; dispose to kill it.</summary>
    public static RunningHost Start(string folder, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        new(Process.Start(StartInfo(folder, args, environment))!);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static ProcessStartInfo StartInfo(string folder, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet", [BuiltPrograms.BotHost, .. args])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] inherited = ["Telegram", "BotFramework", "Storage", "Playground", "Scheduler", "ASPNETCORE_URLS", "Kestrel", "Urls"];
        foreach (var key in start.Environment.Keys.Where(k => inherited.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
            start.Environment.Remove(key);
        start.Environment["Logging__LogLevel__Quartz"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        return start;
    }
}

/// <summary>A host process the test started; its output is kept for failure messages.</summary>
public sealed class RunningHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    public RunningHost(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits for 200 from <c>/health</c> on <paramref name="port"/>.</summary>
    public async Task WaitHealthyAsync(int port, int seconds = 60)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            Assert.False(_process.HasExited, "the host exited: " + Log);
            try
            {
                using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/health"));
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        Assert.Fail("the host did not become healthy: " + Log);
    }

    /// <summary>Stops the host as a service manager does (SIGTERM), waiting for it to finish.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await _process.WaitForExitAsync(limit.Token); }
        catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
