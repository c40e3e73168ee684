using Academy.Learning.Import;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.People;

namespace Academy.Tests.Storage;

/// <summary>Each test gets a fresh, migrated database on the engine of the derived class.</summary>
public abstract class StoreTestBase : IAsyncLifetime
{
    private ITestStore? _store;

    // 2026-12-01 09:00 in Ho Chi Minh City: day 1 of the sample cohort, check-in window open.
    protected FakeTime Time { get; } = new(DateTimeOffset.Parse("2026-12-01T02:00:00Z"));
    protected AcademyDatabase Db { get; private set; } = null!;
    protected ContentImporter Importer { get; private set; } = null!;
    protected LearnerRecord Record { get; private set; } = null!;
    protected Migrator Migrator { get; private set; } = null!;
    protected StoreOptions Options => _store!.Options;

    protected abstract Task<ITestStore> CreateStoreAsync();

    /// <summary>Whether to apply the schema before the test (the upgrade test migrates by hand).</summary>
    protected virtual bool MigrateFirst => true;

    public virtual async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        Db = new AcademyDatabase(_store.Options);
        Migrator = new Migrator(Db, Time, NullLogger<Migrator>.Instance);
        if (MigrateFirst) await Migrator.MigrateAsync();
        Importer = new ContentImporter(Db, Time);
        Record = new LearnerRecord(Time);
    }

    public async Task DisposeAsync()
    {
        await Db.DisposeAsync();
        if (_store is not null) await _store.DisposeAsync();
    }

    protected async Task<long> CountAsync(string table)
    {
        await using var s = await Db.BeginReadAsync();
        return await s.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
    }

    protected async Task<T> ScalarAsync<T>(string sql, object? param = null)
    {
        await using var s = await Db.BeginReadAsync();
        return await s.ExecuteScalarAsync<T>(sql, param);
    }

    protected async Task ImportSamplesAsync()
    {
        var report = await Importer.ImportAsync(Samples.All);
        Assert.True(report.Succeeded, string.Join('\n', report.Errors.Select(e => e.Render(Academy.Learning.Localization.Catalog.Default.For("en")))));
    }
}
