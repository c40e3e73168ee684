using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Academy.Tests.Faults;

/// <summary>
/// A PostgreSQL server of the test's own (initdb into a temp folder, a free port), so it can be
/// crashed and restarted without disturbing the shared one other tests use: the newest version
/// installed, as ./test.sh picks it. Runs as the postgres OS user, since PostgreSQL refuses to run as root.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private static readonly string Bin = NewestBin();
    private readonly string _folder;

    private PrivatePostgres(string folder, int port)
    {
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=5;Command Timeout=15";

    public static async Task<PrivatePostgres> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "academy-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        await RunAsync("chown", "postgres", folder);
        var server = new PrivatePostgres(folder, FreePort());
        await RunAsync("runuser", "-u", "postgres", "--", $"{Bin}/initdb", "-D", server.Data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8");
        await server.PgCtlAsync("start");
        return server;
    }

    private string Data => Path.Combine(_folder, "data");

    /// <summary>Stops the server as a crash would (no checkpoint, clients cut off); it stays down until <see cref="StartAgainAsync"/>.</summary>
    public Task CrashAsync() => PgCtlAsync("stop", "-m", "immediate");

    /// <summary>Starts a crashed server again (it recovers from its write-ahead log).</summary>
    public Task StartAgainAsync() => PgCtlAsync("start");

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try { await PgCtlAsync("stop", "-m", "immediate"); } catch (InvalidOperationException) { }
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private Task PgCtlAsync(string verb, params string[] extra) =>
        RunAsync(["runuser", "-u", "postgres", "--", $"{Bin}/pg_ctl", "-D", Data, "-w", "-t", "30", "-l", Path.Combine(_folder, "server.log"),
            "-o", string.Create(CultureInfo.InvariantCulture, $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off"), verb, .. extra]);

    private static Task RunAsync(params string[] command) => RunAsync((IReadOnlyList<string>)command);

    private static async Task RunAsync(IReadOnlyList<string> command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in command.Skip(1)) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', command)} failed ({process.ExitCode}): {await output}{await error}");
    }

    // /usr/lib/postgresql/{version}/bin, the highest version (15, 16, 17 … compared as numbers).
    private static string NewestBin()
    {
        const string root = "/usr/lib/postgresql";
        var newest = (Directory.Exists(root) ? Directory.GetDirectories(root) : [])
            .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")))
            .MaxBy(d => Version.TryParse(Path.GetFileName(d) + (Path.GetFileName(d).Contains('.', StringComparison.Ordinal) ? "" : ".0"), out var v) ? v : new Version(0, 0));
        return newest is null
            ? throw new InvalidOperationException($"No PostgreSQL server under {root} (./test.sh installs one).")
            : Path.Combine(newest, "bin");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
