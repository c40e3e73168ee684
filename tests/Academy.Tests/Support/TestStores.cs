using Academy.Learning.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;
using Academy.Learning.Content;

namespace Academy.Tests.Support;

/// <summary>A fresh, empty database for one test, on one engine.</summary>
public interface ITestStore : IAsyncDisposable
{
    StoreOptions Options { get; }
}

public sealed class SqliteTestStore : ITestStore
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "academy-tests", Guid.NewGuid().ToString("N"));

    public SqliteTestStore() =>
        Options = new StoreOptions { Provider = StoreProvider.Sqlite, SqlitePath = Path.Combine(_folder, "academy.db") };

    public StoreOptions Options { get; }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A throw-away database on the PostgreSQL server that ./test.sh starts. The server is required:
/// these tests fail (not skip) when it is missing, so a green run proves both engines.
/// </summary>
public sealed class PostgresTestStore : ITestStore
{
    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("ACADEMY_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres";

    private readonly string _database = "academy_t_" + Guid.NewGuid().ToString("N")[..16];

    private PostgresTestStore(string connectionString) =>
        Options = new StoreOptions { Provider = StoreProvider.Postgres, ConnectionString = connectionString };

    public StoreOptions Options { get; }

    public static async Task<PostgresTestStore> CreateAsync()
    {
        var admin = new NpgsqlConnectionStringBuilder(AdminConnectionString);
        var store = new PostgresTestStore(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = "" }.ConnectionString);
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            try
            {
                await connection.OpenAsync();
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL is not reachable at {admin.Host}:{admin.Port} (run ./test.sh, which starts it, or set ACADEMY_TEST_POSTGRES).", ex);
            }
            await using var create = new NpgsqlCommand($"CREATE DATABASE {store._database}", connection);
            await create.ExecuteNonQueryAsync();
        }
        store.Options.ConnectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = store._database }.ConnectionString;
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
