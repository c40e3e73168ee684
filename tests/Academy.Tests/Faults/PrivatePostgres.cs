using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Academy.Tests.Faults;

/// <summary>
/// A PostgreSQL 15 server of the test's own (initdb into a temp folder, a free port), so it can be
/// restarted without disturbing the shared one other tests use. Runs as the postgres OS user, since
/// PostgreSQL refuses to run as root.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
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

    /// <summary>Restarts the server; <paramref name="mode"/> "immediate" is a crash (no checkpoint, clients cut off).</summary>
    public Task RestartAsync(string mode = "immediate") => PgCtlAsync("restart", "-m", mode);

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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
