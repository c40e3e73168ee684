namespace Academy.Bench;

public static class Scenarios
{
    public static async Task RunAsync(string name, BenchOptions options, BenchReport report)
    {
        var stores = new List<Func<Task<BenchStore>>> { () => Task.FromResult(BenchStore.Sqlite()) };
        if (options.Postgres is { } pg) stores.Add(() => BenchStore.PostgresAsync(pg));
        foreach (var open in stores)
        {
            await using var store = await open();
            switch (name)
            {
                case "fanout":
                    await FanOutScenario.RunAsync(store, options, report);
                    await using (var fresh = await open()) await LatenessScenario.RunAsync(fresh, options, report);
                    break;
                case "broadcast": await BroadcastScenario.RunAsync(store, options, report); break;
                default: throw new ArgumentException($"Unknown scenario '{name}'.", nameof(name));
            }
        }
    }
}
