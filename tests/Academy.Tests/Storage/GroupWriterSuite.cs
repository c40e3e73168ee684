using Academy.Learning.Storage;
using Academy.Tests.Support;
using Academy.Learning.Content;

namespace Academy.Tests.Storage;

/// <summary>Writes that arrive together share a transaction, each returns once it is committed, and a failing one fails alone.</summary>
public abstract class GroupWriterSuite : StoreTestBase
{
    [Fact]
    public async Task Concurrent_writes_all_land_once_and_a_failing_one_fails_alone()
    {
        var writer = new GroupWriter(Db);
        var writes = Enumerable.Range(0, 300).Select(i => Task.Run(() => writer.WriteAsync(s => i == 150
            ? s.ExecuteAsync("INSERT INTO no_such_table VALUES (1)")
            : s.ExecuteAsync("INSERT INTO audit_log (at, actor, action, detail) VALUES (@i, 'test', 'group', 'x')", new { i })))).ToList();

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => writes[150]);
        await Task.WhenAll(writes.Where((_, i) => i != 150));
        Assert.Equal(299, await ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'group'"));
        Assert.Equal(299, await ScalarAsync<long>("SELECT COUNT(DISTINCT at) FROM audit_log WHERE action = 'group'"));

        // Each caller returned after its own commit: what it wrote is there when it returns.
        await writer.WriteAsync(s => s.ExecuteAsync("INSERT INTO audit_log (at, actor, action, detail) VALUES (1000, 'test', 'after', 'x')"));
        Assert.Equal(1, await ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'after'"));
    }
}

public sealed class SqliteGroupWriterTests : GroupWriterSuite
{
    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());
}

[Trait("Category", "Postgres")]
public sealed class PostgresGroupWriterTests : GroupWriterSuite
{
    protected override async Task<ITestStore> CreateStoreAsync() => await PostgresTestStore.CreateAsync();
}
