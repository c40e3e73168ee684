using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Academy.Learning.Content;

namespace Academy.Learning.Storage;

/// <summary>
/// The one door to the store. Both engines run the same SQL (Dapper, <c>INSERT … ON CONFLICT</c>,
/// <c>RETURNING</c>); the few differences live here and in <see cref="Migrator"/>.
/// </summary>
public sealed class AcademyDatabase : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly NpgsqlDataSource? _postgres;

    // SQLite has one writer. Writers of this process queue here, in order, instead of in
    // Microsoft.Data.Sqlite's busy retry, which sleeps between attempts: under load those sleeps,
    // not the work, set the webhook's p99 (a waiting acknowledgement could keep missing the moment the
    // processor's commit freed the lock). Other processes (a CLI import) still meet SQLite's own lock.
    private readonly SemaphoreSlim? _sqliteWriter;

    // Held while this object lives, so a restore can tell that the store is in use (see StoreLock).
    private readonly StoreLock? _storeLock;

    static AcademyDatabase() => Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;

    public AcademyDatabase(StoreOptions options) : this(options, isInboxLog: false)
    {
    }

    private AcademyDatabase(StoreOptions options, bool isInboxLog)
    {
        ArgumentNullException.ThrowIfNull(options);
        Provider = options.Provider;
        if (Provider == StoreProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
                throw new InvalidOperationException("Storage:ConnectionString is required when Storage:Provider is Postgres.");
            _connectionString = options.ConnectionString;
            _postgres = NpgsqlDataSource.Create(_connectionString);
        }
        else
        {
            var builder = new SqliteConnectionStringBuilder(
                string.IsNullOrWhiteSpace(options.ConnectionString) ? $"Data Source={options.SqlitePath}" : options.ConnectionString)
            {
                Pooling = true,
                // Writers wait for each other (busy retries) up to this many seconds.
                DefaultTimeout = 30,
            };
            var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            _connectionString = builder.ToString();
            _sqliteWriter = new SemaphoreSlim(1, 1);
            if (!isInboxLog)
            {
                if (builder.Mode != SqliteOpenMode.Memory && builder.DataSource is { Length: > 0 } file && file != ":memory:")
                    _storeLock = StoreLock.TryShared(file) ?? throw new StoreBeingRestoredException(file);
                var log = new SqliteConnectionStringBuilder(_connectionString) { DataSource = InboxLogPath(builder.DataSource) };
                InboxLog = new AcademyDatabase(new StoreOptions { Provider = StoreProvider.Sqlite, ConnectionString = log.ToString() }, isInboxLog: true);
            }
            using var first = new SqliteConnection(_connectionString);
            first.Open();
            using var wal = first.CreateCommand();
            // WAL is a property of the file: set once, it lets readers run beside the writer.
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            wal.ExecuteNonQuery();
        }
    }

    public StoreProvider Provider { get; }

    /// <summary>The engine's dialect, chosen once.</summary>
    public SqlDialect Dialect => SqlDialect.For(Provider);

    /// <summary>
    /// SQLite only: the file inbound updates are acknowledged into (<c>academy.db</c> → <c>academy.inbox.db</c>),
    /// with its own writer. SQLite has one writer per file, and in one file every acknowledgement would
    /// wait for the turn being processed; in two, a webhook's commit never waits for a turn. Null on
    /// PostgreSQL, whose row locks let acknowledgements and turns commit side by side in one database.
    /// </summary>
    public AcademyDatabase? InboxLog { get; }

    /// <summary>Where the inbox log of the SQLite store at <paramref name="dataSource"/> lives.</summary>
    public static string InboxLogPath(string dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var extension = Path.GetExtension(dataSource);
        return (extension.Length > 0 ? dataSource[..^extension.Length] : dataSource) + ".inbox" + (extension.Length > 0 ? extension : ".db");
    }

    /// <summary>A short description for health output and logs, without credentials.</summary>
    public string Describe()
    {
        if (Provider == StoreProvider.Sqlite) return "sqlite:" + new SqliteConnectionStringBuilder(_connectionString).DataSource;
        var b = new NpgsqlConnectionStringBuilder(_connectionString);
        return $"postgres:{b.Host}/{b.Database}";
    }

    /// <summary>Opens a connection, configured for this engine.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(ct);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        using var pragma = connection.CreateCommand();
        // NORMAL is durable across a process crash in WAL mode (a power cut may lose the last commits).
        pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }

    /// <summary>Opens a connection and begins a write transaction.</summary>
    public Task<DbSession> BeginAsync(CancellationToken ct = default) => BeginAsync(write: true, ct);

    /// <summary>
    /// A write transaction whose commit survives a power cut, for what is acknowledged to someone
    /// who then forgets it (an inbound update): on SQLite the WAL is fsynced at this commit
    /// (<c>synchronous=FULL</c>); PostgreSQL's default <c>synchronous_commit=on</c> already is.
    /// Callers batch, so the cost is one fsync per batch, not per update.
    /// </summary>
    public Task<DbSession> BeginDurableAsync(CancellationToken ct = default) => BeginAsync(write: true, ct, durable: true);

    /// <summary>
    /// Opens a connection and begins a read transaction: a consistent view that, on SQLite, does not
    /// hold the single writer's lock (so it never blocks or deadlocks a writer).
    /// </summary>
    public Task<DbSession> BeginReadAsync(CancellationToken ct = default) => BeginAsync(write: false, ct);

    private async Task<DbSession> BeginAsync(bool write, CancellationToken ct, bool durable = false)
    {
        var gate = write ? _sqliteWriter : null;
        // As long as SQLite itself would wait (DefaultTimeout) before "database is locked".
        if (gate is not null && !await gate.WaitAsync(TimeSpan.FromSeconds(30), ct))
            throw new TimeoutException("Timed out waiting for the SQLite writer (another write transaction of this process is open).");
        DbConnection? connection = null;
        try
        {
            connection = await OpenAsync(ct);
            if (durable && connection is SqliteConnection)
            {
                // Set before BEGIN; the next OpenAsync of this pooled connection sets NORMAL again.
                using var full = connection.CreateCommand();
                full.CommandText = "PRAGMA synchronous=FULL;";
                await full.ExecuteNonQueryAsync(ct);
            }
            // SQLite: writes take the lock up front (BEGIN IMMEDIATE), so two writers queue instead of
            // deadlocking when both try to upgrade a read lock.
            var transaction = connection is SqliteConnection sqlite
                ? sqlite.BeginTransaction(deferred: !write)
                : await connection.BeginTransactionAsync(ct);
            return new DbSession(connection, transaction, Dialect, gate);
        }
        catch
        {
            if (connection is not null) await connection.DisposeAsync();
            gate?.Release();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in one transaction and commits it.</summary>
    public async Task<T> InTransactionAsync<T>(Func<DbSession, Task<T>> work, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var session = await BeginAsync(ct);
        var result = await work(session);
        await session.CommitAsync(ct);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        if (InboxLog is not null) await InboxLog.DisposeAsync();
        _storeLock?.Dispose();
    }
}
