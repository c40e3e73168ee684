using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging;
using Academy.Learning.Content;

namespace Academy.Learning.Storage;

/// <summary>
/// Applies the versioned schema scripts embedded in this assembly (Storage/Migrations/NNNN_name.sql),
/// each in its own transaction, recording them in <c>schema_migrations</c>. Scripts are only ever
/// added, never edited, so upgrading a database keeps every row. Safe when several processes start
/// at once: PostgreSQL takes an advisory lock, SQLite an immediate transaction.
/// </summary>
public sealed class Migrator(AcademyDatabase database, TimeProvider time, ILogger<Migrator> logger)
{
    private const long AdvisoryLockKey = 0x41636164656D79; // "Academy"

    /// <summary>The scripts in version order.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts { get; } = LoadScripts();

    /// <summary>The version the code expects.</summary>
    public static int LatestVersion => Scripts[^1].Version;

    /// <summary>Applies every script above the database's version, up to <paramref name="targetVersion"/> (default: latest).</summary>
    /// <returns>The versions applied.</returns>
    public async Task<IReadOnlyList<int>> MigrateAsync(int? targetVersion = null, CancellationToken ct = default)
    {
        var target = targetVersion ?? LatestVersion;
        var applied = new List<int>();
        foreach (var (version, name, sql) in Scripts.Where(s => s.Version <= target))
        {
            await using var session = await database.BeginAsync(ct);
            if (database.Provider == StoreProvider.Postgres)
                await session.ExecuteAsync("SELECT pg_advisory_xact_lock(@key)", new { key = AdvisoryLockKey });
            await session.ExecuteAsync(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
            var done = await session.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM schema_migrations WHERE version = @version", new { version });
            if (done > 0) continue;

            await session.ExecuteAsync(Render(sql, database.Provider));
            await session.ExecuteAsync(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at)",
                new { version, name, at = time.GetUtcNow().ToUnixTimeMilliseconds() });
            await session.CommitAsync(ct);
            applied.Add(version);
            logger.LogInformation("Applied schema migration {Version} {Name}", version, name);
        }
        if (database.InboxLog is { } log && target >= InboxTransferVersion) await PrepareInboxLogAsync(log, ct);
        return applied;
    }

    // The inbox log is a queue in front of `inbox`, not versioned data: one table, created if missing.
    // AUTOINCREMENT because the processor follows it by sequence number: pruning the newest rows must
    // never let a number be handed out again below where the processor has read.
    private const int InboxTransferVersion = 17; // 0017_inbox_transfer.sql

    private const string InboxLogSchema =
        """
        CREATE TABLE IF NOT EXISTS inbox_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            channel TEXT NOT NULL,
            update_id TEXT NOT NULL,
            received_at BIGINT NOT NULL,
            payload TEXT NOT NULL,
            UNIQUE (channel, update_id)
        );
        CREATE INDEX IF NOT EXISTS ix_inbox_log_received ON inbox_log (received_at);
        CREATE TABLE IF NOT EXISTS inbox_log_identity (id TEXT NOT NULL);
        """;

    private async Task PrepareInboxLogAsync(AcademyDatabase log, CancellationToken ct)
    {
        string logId;
        long logEnd;
        await using (var s = await log.BeginAsync(ct))
        {
            await s.ExecuteAsync(InboxLogSchema);
            await s.ExecuteAsync("INSERT INTO inbox_log_identity (id) SELECT @id WHERE NOT EXISTS (SELECT 1 FROM inbox_log_identity)",
                new { id = Guid.NewGuid().ToString("N") });
            logId = await s.ExecuteScalarAsync<string>("SELECT id FROM inbox_log_identity");
            logEnd = await s.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(seq), 0) FROM inbox_log");
            await s.CommitAsync(ct);
        }
        await using var main = await database.BeginAsync(ct);
        var paired = await main.QuerySingleOrDefaultAsync<string?>("SELECT log_id FROM inbox_transfer WHERE id = 1");
        if (paired == logId) return;
        // A log this store has not read from (a fresh or upgraded store, or a store file replaced beside an
        // old log): what it already holds was acknowledged for another store, so this one starts at its end.
        if (logEnd > 0)
            logger.LogWarning("The inbox log beside this store was written for another store; its updates up to number {End} are left unprocessed", logEnd);
        await main.ExecuteAsync(
            """
            INSERT INTO inbox_transfer (id, log_id, seq) VALUES (1, @logId, @logEnd)
            ON CONFLICT (id) DO UPDATE SET log_id = excluded.log_id, seq = excluded.seq
            """, new { logId, logEnd });
        await main.CommitAsync(ct);
    }

    /// <summary>The highest version applied to the database, or 0 for an empty one.</summary>
    public async Task<int> CurrentVersionAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenAsync(ct);
        try
        {
            return (int)await connection.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
        }
        catch (System.Data.Common.DbException)
        {
            return 0; // no schema_migrations table yet
        }
    }

    private static string Render(string sql, StoreProvider provider) => sql.Replace(
        "{{id}}",
        provider == StoreProvider.Postgres ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY",
        StringComparison.Ordinal);

    private static List<(int, string, string)> LoadScripts()
    {
        const string prefix = "Academy.Migrations.";
        var asm = Assembly.GetExecutingAssembly();
        var scripts = new List<(int, string, string)>();
        foreach (var resource in asm.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var fileName = resource[prefix.Length..^".sql".Length];
            var version = int.Parse(fileName[..4], System.Globalization.CultureInfo.InvariantCulture);
            using var reader = new StreamReader(asm.GetManifestResourceStream(resource)!);
            scripts.Add((version, fileName[5..], reader.ReadToEnd()));
        }
        scripts.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return scripts;
    }
}
