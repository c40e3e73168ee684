using Academy.Learning.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;
using Academy.Learning.Content;

namespace Academy.Bench;

/// <summary>A throw-away store for one measurement: a SQLite file in a temp folder, or a fresh PostgreSQL database.</summary>
public sealed class BenchStore : IAsyncDisposable
{
    private readonly string? _folder;
    private readonly string? _adminConnection;
    private readonly string? _database;

    private BenchStore(string name, StoreOptions options, string? folder, string? adminConnection, string? database)
    {
        Name = name;
        Options = options;
        _folder = folder;
        _adminConnection = adminConnection;
        _database = database;
    }

    public string Name { get; }
    public StoreOptions Options { get; }

    public static BenchStore Sqlite()
    {
        var folder = Path.Combine(Path.GetTempPath(), "academy-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return new BenchStore("sqlite", new StoreOptions { Provider = StoreProvider.Sqlite, SqlitePath = Path.Combine(folder, "academy.db") },
            folder, null, null);
    }

    public static async Task<BenchStore> PostgresAsync(string adminConnection)
    {
        var database = "academy_bench_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(adminConnection))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(adminConnection) { Database = database }.ConnectionString;
        return new BenchStore("postgres", new StoreOptions { Provider = StoreProvider.Postgres, ConnectionString = cs },
            null, adminConnection, database);
    }

    public async ValueTask DisposeAsync()
    {
        if (_folder is not null)
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
        }
        if (_adminConnection is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_adminConnection);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>A clock the benchmark sets by hand (the programme decides what is due from it).</summary>
public sealed class BenchClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
