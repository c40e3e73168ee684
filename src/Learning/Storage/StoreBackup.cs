using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using Academy.Learning.Content;

namespace Academy.Learning.Storage;

/// <summary>What a backup holds, written into it as <c>manifest.json</c>.</summary>
/// <param name="Schema">The store's schema version when it was copied.</param>
public sealed record BackupManifest(string Format, int FormatVersion, DateTimeOffset TakenAt, int Schema, string Store, string InboxLog);

/// <summary>A backup or restore that cannot be done, with a catalog message (<c>cli.*</c>) saying why.</summary>
public sealed class StoreBackupException(string messageKey, params (string Name, object? Value)[] args)
    : Exception(messageKey)
{
    public string MessageKey { get; } = messageKey;
    public (string Name, object? Value)[] Args { get; } = args;
}

/// <summary>
/// Backups of a SQLite store: one zip file holding a copy of the store, a copy of its inbox log
/// (<see cref="AcademyDatabase.InboxLogPath"/>) and a manifest. Copies are taken with SQLite's online
/// backup while the host runs; a restore puts both files back while nothing has the store open.
/// PostgreSQL stores are backed up with <c>pg_dump</c> (<see cref="PostgresCommands"/>).
/// </summary>
public sealed class StoreBackup(TimeProvider time)
{
    public const string FormatName = "academy-sqlite-backup";
    public const int FormatVersion = 1;
    private const string ManifestEntry = "manifest.json";
    private const string StoreEntry = "academy.db";
    private const string InboxLogEntry = "academy.inbox.db";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The SQLite file a store configuration names (its <c>ConnectionString</c>'s data source, else <c>SqlitePath</c>).</summary>
    public static string SqliteFile(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.ConnectionString)
            ? options.SqlitePath
            : new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
    }

    /// <summary>
    /// Copies the store and its inbox log into the zip <paramref name="file"/>. The host may be running:
    /// each file is read in one snapshot (WAL readers do not stop writers). The store is copied first, then
    /// the log: the store records how far it has moved the log, and a log copied later holds everything up
    /// to that point and beyond, so after a restore nothing acknowledged before the backup began is missing
    /// and nothing is moved twice. The other order could leave the store ahead of the log copy.
    /// </summary>
    public async Task<BackupManifest> BackupAsync(StoreOptions options, string file, bool force, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(file);
        if (options.Provider == StoreProvider.Postgres)
            throw new StoreBackupException("cli.backup.postgres", ("commands", PostgresCommands(options.ConnectionString ?? "", file).Dump));
        var source = SqliteFile(options);
        if (!File.Exists(source)) throw new StoreBackupException("cli.backup.no_store", ("store", source));
        if (File.Exists(file) && !force) throw new StoreBackupException("cli.backup.exists", ("file", file));
        if (Directory.Exists(file)) throw new StoreBackupException("cli.backup.is_folder", ("file", file));

        if (await ReadSchemaAsync(source) == 0) throw new StoreBackupException("cli.backup.not_a_store", ("store", source));

        var target = Path.GetFullPath(file);
        var folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        var work = Directory.CreateDirectory(Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.partial"));
        try
        {
            await using var database = new AcademyDatabase(options);
            int schema;
            await using (var connection = await database.OpenAsync(ct))
            {
                schema = await SchemaVersionAsync(connection);
                Copy((SqliteConnection)connection, Path.Combine(work.FullName, StoreEntry));
            }
            await using (var connection = await database.InboxLog!.OpenAsync(ct))
                Copy((SqliteConnection)connection, Path.Combine(work.FullName, InboxLogEntry));

            var manifest = new BackupManifest(FormatName, FormatVersion, time.GetUtcNow(), schema,
                Path.GetFullPath(source), Path.GetFullPath(AcademyDatabase.InboxLogPath(source)));
            // Written beside the target and renamed into place: an interrupted backup never leaves a
            // truncated file under the name a restore would be given.
            var partial = Path.Combine(work.FullName, "backup.zip");
            await using (var zip = new FileStream(partial, FileMode.CreateNew))
            using (var archive = new ZipArchive(zip, ZipArchiveMode.Create))
            {
                var entry = archive.CreateEntry(ManifestEntry);
                await using (var stream = entry.Open())
                    await JsonSerializer.SerializeAsync(stream, manifest, Json, ct);
                archive.CreateEntryFromFile(Path.Combine(work.FullName, StoreEntry), StoreEntry, CompressionLevel.Fastest);
                archive.CreateEntryFromFile(Path.Combine(work.FullName, InboxLogEntry), InboxLogEntry, CompressionLevel.Fastest);
            }
            using (var handle = File.OpenHandle(partial, FileMode.Open, FileAccess.ReadWrite)) RandomAccess.FlushToDisk(handle);
            File.Move(partial, target, overwrite: force);
            return manifest;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Puts the store and inbox log of the backup <paramref name="file"/> where <paramref name="options"/>
    /// says the store lives. Refused while any process has the store open (the host, an import, a backup),
    /// and, without <paramref name="force"/>, when a store is already there. With it, the files replaced are
    /// kept beside the new ones as <c>academy.db.before-restore</c> (and the inbox log's likewise).
    /// </summary>
    /// <returns>The backup's manifest, and whether an existing store was set aside.</returns>
    public async Task<(BackupManifest Manifest, bool Replaced)> RestoreAsync(StoreOptions options, string file, bool force, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(file);
        if (options.Provider == StoreProvider.Postgres)
            throw new StoreBackupException("cli.restore.postgres", ("commands", PostgresCommands(options.ConnectionString ?? "", file).Restore));
        if (!File.Exists(file)) throw new StoreBackupException("cli.restore.not_found", ("file", file));
        var store = Path.GetFullPath(SqliteFile(options));
        var log = AcademyDatabase.InboxLogPath(store);

        using var alone = StoreLock.TryExclusive(store) ?? throw new StoreBackupException("cli.restore.in_use", ("store", store));
        var exists = File.Exists(store) || File.Exists(log);
        if (exists && !force) throw new StoreBackupException("cli.restore.exists", ("store", store));

        var incomingStore = store + ".restoring";
        var incomingLog = log + ".restoring";
        try
        {
            BackupManifest manifest;
            try
            {
                await using var zip = new FileStream(file, FileMode.Open, FileAccess.Read);
                using var archive = new ZipArchive(zip, ZipArchiveMode.Read);
                manifest = await ReadManifestAsync(archive, file, ct);
                if (manifest.Schema > Migrator.LatestVersion)
                    throw new StoreBackupException("cli.restore.newer", ("file", file), ("schema", manifest.Schema), ("latest", Migrator.LatestVersion));
                await ExtractAsync(archive, StoreEntry, incomingStore, file, ct);
                await ExtractAsync(archive, InboxLogEntry, incomingLog, file, ct);
            }
            catch (InvalidDataException)
            {
                throw new StoreBackupException("cli.restore.not_a_backup", ("file", file));
            }
            // Both copies must be whole SQLite files before anything is replaced.
            var schema = await CheckAsync(incomingStore, file);
            await CheckAsync(incomingLog, file);
            if (schema != manifest.Schema) throw new StoreBackupException("cli.restore.damaged", ("file", file));

            SqliteConnection.ClearAllPools();
            if (exists)
            {
                SetAside(store);
                SetAside(log);
            }
            // A -wal or -shm left beside the new file would be read as part of it.
            foreach (var path in new[] { store, log })
                foreach (var suffix in new[] { "-wal", "-shm", "-journal" })
                    File.Delete(path + suffix);
            File.Move(incomingStore, store);
            File.Move(incomingLog, log);
            return (manifest, exists);
        }
        finally
        {
            File.Delete(incomingStore);
            File.Delete(incomingLog);
        }
    }

    /// <summary>
    /// The <c>pg_dump</c> and <c>pg_restore</c> commands for the PostgreSQL store of
    /// <paramref name="connectionString"/>, without its password (give it in <c>PGPASSWORD</c> or <c>~/.pgpass</c>).
    /// </summary>
    public static (string Dump, string Restore) PostgresCommands(string connectionString, string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var target = $"--host={Quote(b.Host ?? "localhost")} --port={b.Port.ToString(CultureInfo.InvariantCulture)} " +
                     $"--username={Quote(b.Username ?? "postgres")} --dbname={Quote(b.Database ?? b.Username ?? "postgres")}";
        return ($"pg_dump --format=custom --no-owner {target} --file={Quote(file)}",
                $"pg_restore --clean --if-exists --no-owner {target} {Quote(file)}");
    }

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "_./:=@,+-".Contains(c, StringComparison.Ordinal))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // One backup step over every page: a single consistent snapshot of the source, which in WAL mode
    // never blocks the host's writers.
    private static void Copy(SqliteConnection source, string destination)
    {
        using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destination, Pooling = false }.ToString()))
        {
            copy.Open();
            source.BackupDatabase(copy);
            // One self-contained file: the copy takes the source's WAL flag, which would want a -wal beside it.
            using var journal = copy.CreateCommand();
            journal.CommandText = "PRAGMA journal_mode=DELETE;";
            journal.ExecuteNonQuery();
        }
        using var handle = File.OpenHandle(destination, FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.FlushToDisk(handle);
    }

    private static async Task<int> SchemaVersionAsync(System.Data.Common.DbConnection connection)
    {
        try
        {
            return (int)await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    private static async Task<int> ReadSchemaAsync(string path)
    {
        try
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                // Not read-only: a WAL store opened read-only needs its -shm beside it, which a stopped host removed.
                DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadWrite,
            }.ToString());
            await connection.OpenAsync();
            return await SchemaVersionAsync(connection);
        }
        catch (SqliteException)
        {
            return 0; // not a SQLite file at all
        }
    }

    private static async Task<BackupManifest> ReadManifestAsync(ZipArchive archive, string file, CancellationToken ct)
    {
        var entry = archive.GetEntry(ManifestEntry) ?? throw new StoreBackupException("cli.restore.not_a_backup", ("file", file));
        BackupManifest? manifest;
        try
        {
            await using var stream = entry.Open();
            manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(stream, Json, ct);
        }
        catch (JsonException)
        {
            manifest = null;
        }
        if (manifest is null || manifest.Format != FormatName)
            throw new StoreBackupException("cli.restore.not_a_backup", ("file", file));
        if (manifest.FormatVersion > FormatVersion)
            throw new StoreBackupException("cli.restore.newer", ("file", file), ("schema", manifest.Schema), ("latest", Migrator.LatestVersion));
        return manifest;
    }

    private static async Task ExtractAsync(ZipArchive archive, string name, string destination, string file, CancellationToken ct)
    {
        var entry = archive.GetEntry(name) ?? throw new StoreBackupException("cli.restore.damaged", ("file", file));
        await using (var input = entry.Open())
        await using (var output = new FileStream(destination, FileMode.Create, FileAccess.Write))
            await input.CopyToAsync(output, ct);
        using var handle = File.OpenHandle(destination, FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.FlushToDisk(handle);
    }

    /// <returns>The file's schema version (0 for the inbox log, which has none).</returns>
    private static async Task<int> CheckAsync(string path, string file)
    {
        try
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadOnly,
            }.ToString());
            await connection.OpenAsync();
            var check = await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection, "PRAGMA quick_check");
            if (check != "ok") throw new StoreBackupException("cli.restore.damaged", ("file", file));
            return await SchemaVersionAsync(connection);
        }
        catch (SqliteException)
        {
            throw new StoreBackupException("cli.restore.damaged", ("file", file));
        }
    }

    // The files a forced restore replaces stay beside the new ones, once: a mistaken restore can be undone.
    private static void SetAside(string path)
    {
        var aside = path + ".before-restore";
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" }) File.Delete(aside + suffix);
        foreach (var suffix in new[] { "", "-wal", "-journal" })
            if (File.Exists(path + suffix)) File.Move(path + suffix, aside + suffix);
    }
}
