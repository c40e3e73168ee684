using System.IO.Compression;
using System.Text;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Academy.Learning.Content;

namespace Academy.Tests.Storage;

/// <summary>
/// <c>backup</c> and <c>restore</c> of a SQLite store (Learning/Storage/StoreBackup): both files come
/// back — the store and the updates still waiting in its inbox log — and every refusal changes nothing.
/// The same under load, through real processes: Faults/BackupUnderLoadTests.
/// </summary>
public sealed class BackupTests : StoreTestBase, IDisposable
{
    private readonly DirectoryInfo _elsewhere = Directory.CreateTempSubdirectory("academy-backup-");

    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ImportSamplesAsync();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { _elsewhere.Delete(recursive: true); } catch (IOException) { }
    }

    private StoreBackup Backup => new(Time);
    private string Zip => Path.Combine(_elsewhere.FullName, "academy-backup.zip");
    private StoreOptions Fresh => new() { SqlitePath = Path.Combine(_elsewhere.FullName, "fresh", "data", "academy.db") };

    [Fact]
    public async Task A_backup_restored_into_a_fresh_folder_has_the_store_and_the_updates_still_in_its_inbox_log()
    {
        // Three updates acknowledged into the inbox log and not yet moved into the store.
        await using (var log = await Db.InboxLog!.BeginAsync())
        {
            for (int i = 1; i <= 3; i++)
                await log.ExecuteAsync("INSERT INTO inbox_log (channel, update_id, received_at, payload) VALUES ('telegram', @id, 1, '{}')", new { id = $"u{i}" });
            await log.CommitAsync();
        }
        var learners = await CountAsync("learners");

        var manifest = await Backup.BackupAsync(Options, Zip, force: false);
        Assert.Equal(Migrator.LatestVersion, manifest.Schema);
        Assert.Equal(Time.GetUtcNow(), manifest.TakenAt);
        using (var archive = ZipFile.OpenRead(Zip))
            Assert.Equal(["manifest.json", "academy.db", "academy.inbox.db"], archive.Entries.Select(e => e.FullName));

        var (restored, replaced) = await Backup.RestoreAsync(Fresh, Zip, force: false);
        Assert.False(replaced);
        Assert.Equal(manifest, restored);
        Assert.True(File.Exists(AcademyDatabase.InboxLogPath(Fresh.SqlitePath)));

        await using var db = new AcademyDatabase(Fresh);
        await new Migrator(db, Time, NullLogger<Migrator>.Instance).MigrateAsync(); // as the host does at start: the pair is recognised
        await using var s = await db.BeginReadAsync();
        Assert.Equal(learners, await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM learners"));
        var moved = await s.ExecuteScalarAsync<long>("SELECT seq FROM inbox_transfer WHERE id = 1");
        await using var l = await db.InboxLog!.BeginReadAsync();
        Assert.Equal(["u1", "u2", "u3"], await l.QueryAsync<string>("SELECT update_id FROM inbox_log WHERE seq > @moved ORDER BY seq", new { moved }));
    }

    [Fact]
    public async Task Restore_refuses_an_existing_store_without_force_and_keeps_the_replaced_one_with_it()
    {
        await Backup.BackupAsync(Options, Zip, force: false);
        await using (var w = await Db.BeginAsync())
        {
            await w.ExecuteAsync("INSERT INTO learners (phone, name, created_at) VALUES ('+84999000001', 'After the backup', 0)");
            await w.CommitAsync();
        }
        await Db.DisposeAsync(); // the host stopped

        var refused = await Assert.ThrowsAsync<StoreBackupException>(() => Backup.RestoreAsync(Options, Zip, force: false));
        Assert.Equal("cli.restore.exists", refused.MessageKey);
        Assert.Equal(1, await LearnersNamedAsync(Options.SqlitePath, "After the backup"));

        var (_, replaced) = await Backup.RestoreAsync(Options, Zip, force: true);
        Assert.True(replaced);
        Assert.Equal(0, await LearnersNamedAsync(Options.SqlitePath, "After the backup"));
        Assert.Equal(1, await LearnersNamedAsync(Options.SqlitePath + ".before-restore", "After the backup"));
        Assert.True(File.Exists(AcademyDatabase.InboxLogPath(Options.SqlitePath) + ".before-restore"));
    }

    [Fact]
    public async Task Restore_refuses_while_the_store_is_open_and_a_store_being_restored_cannot_be_opened()
    {
        await Backup.BackupAsync(Options, Zip, force: false);
        // Db is open, as a running host's is.
        var refused = await Assert.ThrowsAsync<StoreBackupException>(() => Backup.RestoreAsync(Options, Zip, force: true));
        Assert.Equal("cli.restore.in_use", refused.MessageKey);
        Assert.False(File.Exists(Options.SqlitePath + ".before-restore"), "nothing was changed");

        // And the other way round: while a restore holds the store, nothing opens it.
        using (StoreLock.TryExclusive(Fresh.SqlitePath)!)
            Assert.Throws<StoreBeingRestoredException>(() => new AcademyDatabase(Fresh));
    }

    [Fact]
    public async Task Backup_and_restore_refuse_what_they_cannot_do_and_change_nothing()
    {
        // Backup: a file already there, no store, not an Academy store.
        await File.WriteAllTextAsync(Zip, "keep me");
        Assert.Equal("cli.backup.exists", (await Assert.ThrowsAsync<StoreBackupException>(() => Backup.BackupAsync(Options, Zip, force: false))).MessageKey);
        Assert.Equal("keep me", await File.ReadAllTextAsync(Zip));
        Assert.Equal("cli.backup.no_store", (await Assert.ThrowsAsync<StoreBackupException>(() => Backup.BackupAsync(Fresh, Zip, force: true))).MessageKey);
        Assert.False(File.Exists(Fresh.SqlitePath), "no empty store was created");
        var empty = new StoreOptions { SqlitePath = Path.Combine(_elsewhere.FullName, "empty.db") };
        await using (var c = new SqliteConnection($"Data Source={empty.SqlitePath};Pooling=False")) await c.OpenAsync();
        Assert.Equal("cli.backup.not_a_store", (await Assert.ThrowsAsync<StoreBackupException>(() => Backup.BackupAsync(empty, Zip, force: true))).MessageKey);
        Assert.Equal("keep me", await File.ReadAllTextAsync(Zip));
        Assert.Empty(_elsewhere.GetDirectories(".*")); // no partial work left behind

        // Restore: not a zip; a zip without a manifest; a manifest from a newer Academy; a truncated copy.
        Assert.Equal("cli.restore.not_a_backup", (await Assert.ThrowsAsync<StoreBackupException>(() => Backup.RestoreAsync(Fresh, Zip, force: false))).MessageKey);
        var other = Path.Combine(_elsewhere.FullName, "other.zip");
        await WriteZipAsync(other, ("readme.txt", "hello"u8.ToArray()));
        Assert.Equal("cli.restore.not_a_backup", (await Assert.ThrowsAsync<StoreBackupException>(() => Backup.RestoreAsync(Fresh, other, force: false))).MessageKey);

        await Backup.BackupAsync(Options, Zip, force: true);
        byte[] store, log;
        string manifest;
        using (var archive = ZipFile.OpenRead(Zip))
        {
            store = await ReadAsync(archive, "academy.db");
            log = await ReadAsync(archive, "academy.inbox.db");
            manifest = Encoding.UTF8.GetString(await ReadAsync(archive, "manifest.json"));
        }
        var newer = Path.Combine(_elsewhere.FullName, "newer.zip");
        await WriteZipAsync(newer, ("manifest.json", Encoding.UTF8.GetBytes(manifest.Replace($"\"schema\": {Migrator.LatestVersion}", "\"schema\": 999", StringComparison.Ordinal))),
            ("academy.db", store), ("academy.inbox.db", log));
        var tooNew = await Assert.ThrowsAsync<StoreBackupException>(() => Backup.RestoreAsync(Fresh, newer, force: false));
        Assert.Equal("cli.restore.newer", tooNew.MessageKey);
        var damaged = Path.Combine(_elsewhere.FullName, "damaged.zip");
        await WriteZipAsync(damaged, ("manifest.json", Encoding.UTF8.GetBytes(manifest)), ("academy.db", store[..(store.Length / 2)]), ("academy.inbox.db", log));
        Assert.Equal("cli.restore.damaged", (await Assert.ThrowsAsync<StoreBackupException>(() => Backup.RestoreAsync(Fresh, damaged, force: false))).MessageKey);
        Assert.Equal("cli.restore.not_found", (await Assert.ThrowsAsync<StoreBackupException>(() => Backup.RestoreAsync(Fresh, damaged + ".nope", force: false))).MessageKey);
        Assert.False(File.Exists(Fresh.SqlitePath), "nothing was restored");
        Assert.Equal([StoreLock.PathFor(Fresh.SqlitePath)], Directory.GetFiles(Path.GetDirectoryName(Fresh.SqlitePath)!));
    }

    [Fact]
    public async Task On_PostgreSQL_the_pg_dump_and_pg_restore_commands_are_named_without_the_password()
    {
        var postgres = new StoreOptions
        {
            Provider = StoreProvider.Postgres,
            ConnectionString = "Host=db.example.org;Port=5433;Username=academy;Password=s3cret!;Database=academy",
        };
        var backup = await Assert.ThrowsAsync<StoreBackupException>(() => Backup.BackupAsync(postgres, "academy.dump", force: false));
        Assert.Equal("cli.backup.postgres", backup.MessageKey);
        var commands = (string)backup.Args.Single(a => a.Name == "commands").Value!;
        Assert.Equal("pg_dump --format=custom --no-owner --host=db.example.org --port=5433 --username=academy --dbname=academy --file=academy.dump", commands);
        var restore = await Assert.ThrowsAsync<StoreBackupException>(() => Backup.RestoreAsync(postgres, "academy.dump", force: false));
        Assert.Equal("pg_restore --clean --if-exists --no-owner --host=db.example.org --port=5433 --username=academy --dbname=academy academy.dump",
            (string)restore.Args.Single(a => a.Name == "commands").Value!);
        Assert.DoesNotContain("s3cret", commands, StringComparison.Ordinal);
    }

    private static async Task<long> LearnersNamedAsync(string path, string name)
    {
        await using var c = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        await c.OpenAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(c, "SELECT COUNT(*) FROM learners WHERE name = @name", new { name });
    }

    private static async Task<byte[]> ReadAsync(ZipArchive archive, string name)
    {
        await using var stream = archive.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task WriteZipAsync(string path, params (string Name, byte[] Bytes)[] entries)
    {
        await using var file = File.Create(path);
        using var archive = new ZipArchive(file, ZipArchiveMode.Create);
        foreach (var (name, bytes) in entries)
        {
            await using var stream = archive.CreateEntry(name).Open();
            await stream.WriteAsync(bytes);
        }
    }
}
