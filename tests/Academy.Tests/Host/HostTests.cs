using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Academy.BotHost.Cli;
using Academy.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Academy.Tests.Host;

public sealed class HostTests : IAsyncLifetime
{
    private readonly SqliteTestStore _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Health_reports_the_store_and_its_schema()
    {
        await using var factory = new WebApplicationFactory<Program>()
            .WithWebHostBuilder(b => b.UseSetting("Storage:SqlitePath", _store.Options.SqlitePath));
        using var client = factory.CreateClient();
        var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        var store = json.RootElement.GetProperty("checks").GetProperty("store").GetProperty("description").GetString();
        Assert.StartsWith("sqlite:", store, StringComparison.Ordinal);
        Assert.EndsWith($"schema {Academy.Learning.Storage.Migrator.LatestVersion}/{Academy.Learning.Storage.Migrator.LatestVersion}", store, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_verb_imports_the_samples_then_reports_no_change()
    {
        var (code, output, errors) = await RunCliAsync("import", Samples.Pack, Samples.Cohort, Samples.Roster);
        Assert.Equal(0, code);
        Assert.Equal("", errors);
        Assert.Contains("  questions: 64 added, 0 updated, 0 retired, 0 unchanged", output, StringComparison.Ordinal);

        (code, output, _) = await RunCliAsync("import", Samples.Pack, Samples.Cohort, Samples.Roster);
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(
            [$"{Samples.Pack}: no changes", $"{Samples.Cohort}: no changes", $"{Samples.Roster}: no changes"],
            lines.Skip(1));
    }

    [Fact]
    public async Task Import_verb_exits_non_zero_on_invalid_input_and_names_each_error()
    {
        var bad = Path.Combine(Path.GetDirectoryName(_store.Options.SqlitePath)!, "bad.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(bad)!);
        await File.WriteAllTextAsync(bad, "cohort,group,name,phone\nnope,A,Somebody,+84912345678\nnope,A,Twin,+84 912 345 678\n");
        var (code, _, errors) = await RunCliAsync("import", bad, "--lang", "vi");
        Assert.Equal(1, code);
        var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // Issue 15: the row with the duplicate phone has its unknown cohort reported in the same run.
        Assert.Equal(4, lines.Length);
        Assert.StartsWith($"{bad}:3: phone: ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{bad}:2: cohort: ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"{bad}:3: cohort: ", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_verb_refuses_usage_errors_and_bad_configuration()
    {
        Assert.Equal(2, (await RunCliAsync("import")).Code);
        Assert.Equal(2, (await RunCliAsync("import", "--force", Samples.Pack)).Code);
        var (code, _, errors) = await RunCliAsync(new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres" }, "import", Samples.Pack);
        Assert.Equal(2, code);
        Assert.Contains("Storage:ConnectionString is required", errors, StringComparison.Ordinal);
    }

    /// <summary>The README's first command, as a person runs it: the real binary, no token, a fresh folder.</summary>
    [Fact]
    public async Task The_host_process_starts_on_an_empty_folder_and_serves_health()
    {
        var folder = Path.GetDirectoryName(_store.Options.SqlitePath)!;
        Directory.CreateDirectory(folder);
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [BotHostDll(), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Telegram", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        using var process = Process.Start(start)!;
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            HttpResponseMessage? response = null;
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(60) && response?.StatusCode != HttpStatusCode.OK)
            {
                Assert.False(process.HasExited, "the host exited: " + log);
                try { response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/health")); }
                catch (HttpRequestException) { await Task.Delay(200); }
                catch (TaskCanceledException) { }
            }
            Assert.Equal(HttpStatusCode.OK, response?.StatusCode);
            Assert.True(File.Exists(Path.Combine(folder, "data", "academy.db")), "the SQLite file lives in ./data");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private Task<(int Code, string Output, string Errors)> RunCliAsync(params string[] args) =>
        RunCliAsync(new Dictionary<string, string?>(), args);

    private async Task<(int Code, string Output, string Errors)> RunCliAsync(Dictionary<string, string?> settings, params string[] args)
    {
        settings.TryAdd("Storage:SqlitePath", _store.Options.SqlitePath);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliVerbs.RunAsync(args, stdout, stderr, configuration);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string BotHostDll() => BuiltPrograms.BotHost;
}
