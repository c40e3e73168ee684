using System.Net;
using System.Net.Sockets;
using Academy.Learning.Localization;
using Academy.Tests.Support;

namespace Academy.Tests.Host;

/// <summary>
/// The command line of the built program, as a deployer types it: what is refused is refused before
/// anything starts (no data folder, no port, the process ends by itself), and what the host
/// understands still works.
/// </summary>
public sealed class CliProcessTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("academy-cli-");

    public void Dispose()
    {
        try { _folder.Delete(recursive: true); } catch (IOException) { }
    }

    private string DataFolder => Path.Combine(_folder.FullName, "data");

    /// <summary>Arguments (URL: a free loopback address, so a host that started anyway would hold it), the first line printed, its language.</summary>
    public static TheoryData<string[], string, string> Refused => new()
    {
        { ["frobnicate", "--urls", "URL"], "Unknown command 'frobnicate'.", "en" },
        { ["--bogus", "--urls", "URL"], "Unknown option '--bogus'.", "en" },
        { ["-x", "--urls", "URL"], "Unknown option '-x'.", "en" },
        { ["--urls", "URL", "--bogus"], "Unknown option '--bogus'.", "en" },
        { ["--Playground:Enabled=true", "serve", "--urls", "URL"], "Unknown command 'serve'.", "en" },
        { ["--urls"], "Option '--urls' needs a value: --urls=VALUE or --urls VALUE.", "en" },
        { ["--urls", "URL", "--Storage:Provider"], "Option '--Storage:Provider' needs a value: --Storage:Provider=VALUE or --Storage:Provider VALUE.", "en" },
        { ["--lang", "vi", "--urls", "URL"], "Tùy chọn “--lang” chỉ dùng kèm một lệnh: import, backup hoặc restore.", "vi" },
        { ["--force", "--urls", "URL"], "Option '--force' goes with a command: import, backup or restore.", "en" },
        { ["import", "--force", "x.yaml"], "Option '--force' does not apply to import.", "en" },
        { ["import"], "Name at least one file to import.", "en" },
        { ["backup", "--lang", "zh-Hans"], "backup 只接受一个文件（FILE）。", "zh-Hans" },
        { ["restore", "a.zip", "b.zip"], "restore takes exactly one FILE.", "en" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_command_line_the_host_does_not_understand_prints_usage_and_exits_2_without_starting_anything(string[] args, string message, string language)
    {
        var port = BuiltHost.FreePort();
        var (code, output, errors) = await BuiltHost.RunAsync(_folder.FullName,
            args.Select(a => a == "URL" ? $"http://127.0.0.1:{port}" : a), seconds: 30);
        Assert.Equal(2, code);
        var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(message, lines[0]);
        Assert.Equal(Catalog.Default.For(language)["cli.usage"].ReplaceLineEndings("\n"), string.Join('\n', errors.ReplaceLineEndings("\n").Split('\n').Skip(1)).TrimEnd());
        Assert.Equal("", output);
        Assert.False(Directory.Exists(DataFolder), "nothing started: no store was created");
        AssertFree(port);
    }

    [Fact]
    public async Task Version_and_help_answer_and_exit_0_without_starting_anything()
    {
        var (code, output, errors) = await BuiltHost.RunAsync(_folder.FullName, ["--version"], seconds: 30);
        Assert.Equal(0, code);
        Assert.Matches(@"^Academy \d+\.\d+\.\d+\S*\n$", output.ReplaceLineEndings("\n"));
        Assert.Equal("", errors);

        (code, output, _) = await BuiltHost.RunAsync(_folder.FullName, ["--help"], seconds: 30);
        Assert.Equal(0, code);
        Assert.StartsWith("Usage:", output, StringComparison.Ordinal);
        Assert.Contains("backup FILE.zip", output, StringComparison.Ordinal);
        (code, output, _) = await BuiltHost.RunAsync(_folder.FullName, ["help", "--lang", "zh-Hans"], seconds: 30);
        Assert.Equal(0, code);
        Assert.StartsWith("用法：", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataFolder));
    }

    /// <summary>
    /// Settings on the command line in both of ASP.NET Core's forms, and the host options: the host
    /// starts on the address given and the store named.
    /// </summary>
    [Fact]
    public async Task Settings_in_both_forms_and_urls_start_the_host_with_them()
    {
        var port = BuiltHost.FreePort();
        await using var host = BuiltHost.Start(_folder.FullName,
            ["--urls", $"http://127.0.0.1:{port}", "--Storage:SqlitePath=custom/store.db", "--Playground:SeedSample", "false", "--Scheduler:Enabled=false"]);
        await host.WaitHealthyAsync(port);
        Assert.True(File.Exists(Path.Combine(_folder.FullName, "custom", "store.db")), "--Storage:SqlitePath=… was applied");
        Assert.False(Directory.Exists(DataFolder), "the default store was not used");
        using var http = new HttpClient();
        var health = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/health"));
        Assert.Contains("sqlite:custom/store.db", health, StringComparison.Ordinal);
        await host.StopAsync();

        // A verb takes settings too: the import goes into the store named, not the default one.
        var (code, output, errors) = await BuiltHost.RunAsync(_folder.FullName,
            ["import", "--Storage:SqlitePath", "other/store.db", Samples.Pack], seconds: 60);
        Assert.True(code == 0, errors);
        Assert.StartsWith("Importing into sqlite:other/store.db.", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataFolder));
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_naming_the_address_and_exit_1_before_anything_starts()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var (code, output, errors) = await BuiltHost.RunAsync(_folder.FullName, ["--urls", $"http://127.0.0.1:{port}"], seconds: 60);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal(
            $"Cannot listen on http://127.0.0.1:{port}: the address is already in use (is Academy already running?). Stop the other process, or choose another address with --urls.",
            errors.Trim());
        Assert.False(Directory.Exists(DataFolder), "the store was not touched");

        // Configured through Kestrel's endpoints instead, on every interface: the same.
        (code, _, errors) = await BuiltHost.RunAsync(_folder.FullName, [],
            new Dictionary<string, string> { ["Kestrel__Endpoints__Http__Url"] = $"http://0.0.0.0:{port}" }, seconds: 60);
        Assert.Equal(1, code);
        Assert.Equal($"Cannot listen on http://0.0.0.0:{port}: the address is already in use (is Academy already running?). Stop the other process, or choose another address with --urls.",
            errors.Trim());
    }

    /// <summary>An address only Kestrel finds taken (the same one twice): still one clear line and exit 1, no unhandled exception.</summary>
    [Fact]
    public async Task A_bind_failure_found_by_Kestrel_itself_ends_the_same_way()
    {
        var port = BuiltHost.FreePort();
        var url = $"http://127.0.0.1:{port}";
        var (code, _, errors) = await BuiltHost.RunAsync(_folder.FullName,
            ["--urls", $"{url};{url}", "--Playground:SeedSample=false", "--Scheduler:Enabled=false"], seconds: 60);
        Assert.Equal(1, code);
        Assert.EndsWith(
            $"Cannot listen on {url}: the address is already in use (is Academy already running?). Stop the other process, or choose another address with --urls.",
            errors.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", errors, StringComparison.Ordinal);
    }

    /// <summary>The issue's file: YamlDotNet threw from its scanner and the process died (exit 134).</summary>
    [Fact]
    public async Task A_truncated_yaml_file_is_an_error_with_its_line_not_a_crash()
    {
        var file = Path.Combine(_folder.FullName, "b.yaml");
        await File.WriteAllTextAsync(file, "course:\n  code: x\n  title: {en: x\n  topics: [\n");
        var (code, output, errors) = await BuiltHost.RunAsync(_folder.FullName, ["import", "b.yaml"], seconds: 60);
        Assert.Equal(1, code);
        Assert.Equal(
            ["b.yaml:4: the YAML cannot be read from here on (an unclosed bracket, brace or quote?)", "1 error found; nothing was imported."],
            errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("Importing into", output, StringComparison.Ordinal);
    }

    private static void AssertFree(int port)
    {
        using var probe = new TcpListener(IPAddress.Loopback, port);
        probe.Start(); // throws if something still listens there
    }
}
