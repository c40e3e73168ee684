using System.Data.Common;
using Dapper;
using Academy.Learning.Content;

namespace Academy.Learning.Storage;

/// <summary>
/// A connection with an open transaction. Everything one accepted input causes — its record,
/// its awards, the replies it queues — is written through one session and committed together.
/// Disposing without <see cref="CommitAsync"/> rolls back.
/// </summary>
public sealed partial class DbSession(DbConnection connection, DbTransaction transaction, SqlDialect dialect, SemaphoreSlim? writer = null) : IAsyncDisposable
{
    public DbConnection Connection { get; } = connection;

    /// <summary>The engine's dialect: stores build their statements for it (<see cref="DialectSql"/>).</summary>
    public SqlDialect Dialect { get; } = dialect;
    public DbTransaction Transaction { get; } = transaction;

    public Task<int> ExecuteAsync(string sql, object? param = null) =>
        Connection.ExecuteAsync(Sql(sql), param, Transaction);

    public Task<IEnumerable<T>> QueryAsync<T>(string sql, object? param = null) =>
        Connection.QueryAsync<T>(Sql(sql), param, Transaction);

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? param = null) =>
        Connection.QuerySingleOrDefaultAsync<T>(Sql(sql), param, Transaction);

    public Task<T> QuerySingleAsync<T>(string sql, object? param = null) =>
        Connection.QuerySingleAsync<T>(Sql(sql), param, Transaction);

    public Task<T> ExecuteScalarAsync<T>(string sql, object? param = null) =>
        Connection.ExecuteScalarAsync<T>(Sql(sql), param, Transaction)!;

    // `x IN @list` is written once for both engines, with the list a SqlList: SQLite reads it as a
    // JSON array, PostgreSQL as an array (`x = ANY(@list)`, same meaning, and both use the index).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> SqliteSql = new(StringComparer.Ordinal);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> PostgresSql = new(StringComparer.Ordinal);

    private string Sql(string sql)
    {
        if (!sql.Contains(" IN @", StringComparison.Ordinal)) return sql;
        return Connection is Npgsql.NpgsqlConnection
            ? PostgresSql.GetOrAdd(sql, static q => InList().Replace(q, " = ANY(@$1)"))
            : SqliteSql.GetOrAdd(sql, static q => InList().Replace(q, " IN (SELECT value FROM json_each(@$1))"));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@" IN @(\w+)")]
    private static partial System.Text.RegularExpressions.Regex InList();

    public Task CommitAsync(CancellationToken ct = default) => Transaction.CommitAsync(ct);

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
        finally
        {
            writer?.Release(); // the next writer of this process may begin
        }
    }
}
