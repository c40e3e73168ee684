namespace Academy.Bench;

public static class Scenarios
{
    public static async Task RunAsync(string name, BenchOptions options, BenchReport report)
    {
        var stores = new List<Func<Task<BenchStore>>> { () => Task.FromResult(BenchStore.Sqlite()) };
        // The host's memory is measured on the embedded store only (the default deployment).
        if (options.Postgres is { } pg && name != "memory") stores.Add(() => BenchStore.PostgresAsync(pg));
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
                // One host run yields both: `ingest` alone reports memory too when `memory` was asked for with it.
                case "ingest": await IngestScenario.RunAsync(store, options, report, ingest: true, memory: store.Name == "sqlite" && options.Scenarios.Contains("memory")); break;
                case "memory" when !options.Scenarios.Contains("ingest"): await IngestScenario.RunAsync(store, options, report, ingest: false, memory: true); break;
                case "memory": break;
                case "answers": await AnswersScenario.RunAsync(store, options, report); break;
                default: throw new ArgumentException($"Unknown scenario '{name}'.", nameof(name));
            }
        }
    }
}
