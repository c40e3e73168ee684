using System.Data.Common;
using Dapper;

namespace Academy.Learning.Storage;

/// <summary>
/// A connection with an open transaction. Everything one accepted input causes — its record,
/// its awards, the replies it queues — is written through one session and committed together.
/// Disposing without <see cref="CommitAsync"/> rolls back.
/// </summary>
public sealed class DbSession(DbConnection connection, DbTransaction transaction, SemaphoreSlim? writer = null) : IAsyncDisposable
{
    public DbConnection Connection { get; } = connection;
    public DbTransaction Transaction { get; } = transaction;

    public Task<int> ExecuteAsync(string sql, object? param = null) =>
        Connection.ExecuteAsync(sql, param, Transaction);

    public Task<IEnumerable<T>> QueryAsync<T>(string sql, object? param = null) =>
        Connection.QueryAsync<T>(sql, param, Transaction);

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? param = null) =>
        Connection.QuerySingleOrDefaultAsync<T>(sql, param, Transaction);

    public Task<T> QuerySingleAsync<T>(string sql, object? param = null) =>
        Connection.QuerySingleAsync<T>(sql, param, Transaction);

    public Task<T> ExecuteScalarAsync<T>(string sql, object? param = null) =>
        Connection.ExecuteScalarAsync<T>(sql, param, Transaction)!;

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
