using System.Diagnostics;
using Academy.Learning.Storage;
using Academy.Learning.Content;

namespace Academy.Bench;

/// <summary>
/// <c>ingest</c> and <c>memory</c>: quiz answers posted by concurrent clients to the real Telegram
/// webhook of the real host (its own process, <see cref="HostProcess"/>) — secret check, group-committed
/// inbox, batched turns recording each answer and queuing its reply, the dispatcher sending replies to
/// a loopback sink. Measured: acknowledgements per second and their latency (p50/p99), the time until
/// every answer is recorded, the host's start-up and its peak memory; then the same load on the host
/// with processing off (<c>Inbox:Process</c> false), the webhook alone. Baseline: a bare Kestrel
/// endpoint in this process that only commits each raw body durably, in batches, on the same store.
/// </summary>
public static class IngestScenario
{
    public sealed record Size(int Groups, int LearnersPerGroup, int Answering, int WarmUp, int Clients);

    public static Size SizeFor(BenchOptions options) =>
        options.Quick ? new Size(40, 6, 150, 40, 8) : new Size(2_800, 49, 86_000, 10_000, 64);

    public static async Task RunAsync(BenchStore store, BenchOptions options, BenchReport report, bool ingest, bool memory)
    {
        var size = SizeFor(options);
        var seed = Stopwatch.StartNew();
        var world = await IngestWorld.SeedAsync(store, size.Groups, size.LearnersPerGroup, size.Answering);
        Console.WriteLine($"ingest/{store.Name}: {size.Groups} groups, {world.People} people enrolled, {world.Presses.Count} answering; seeded in {seed.Elapsed.TotalSeconds:0.0} s");

        var (sink, sinkAddress) = await TelegramSink.StartAsync();
        await using var _ = sink;
        await using var db = new AcademyDatabase(store.Options);
        double peakRss, idleRss, startUp;
        LoadResult load;
        double recordedSeconds;
        await using (var host = await HostProcess.StartAsync(store, sinkAddress))
        {
            startUp = host.StartUp.TotalSeconds;
            idleRss = host.RssMb();
            long updateId = 1;
            var warm = world.Spare.Take(size.WarmUp).Select(p => IngestWorld.UpdateBytes(updateId++, p)).ToList();
            await WebhookLoad.RunAsync(host.Webhook, warm, size.Clients, HostProcess.Secret);
            await UntilAnswersAsync(db, world.CohortId, warm.Count, TimeSpan.FromSeconds(30), host);
            await UntilRepliesSentAsync(db, TimeSpan.FromMinutes(2), host);

            var bodies = world.Presses.Select(p => IngestWorld.UpdateBytes(updateId++, p)).ToList();
            var watch = Stopwatch.StartNew();
            try
            {
                load = await CpuAsync("with processing", host, () => WebhookLoad.RunAsync(host.Webhook, bodies, size.Clients, HostProcess.Secret));
            }
            catch (InvalidOperationException ex)
            {
                throw new InvalidOperationException(ex.Message + "\nhost log:\n" + host.Log, ex);
            }
            await UntilAnswersAsync(db, world.CohortId, warm.Count + bodies.Count, TimeSpan.FromMinutes(10), host);
            recordedSeconds = watch.Elapsed.TotalSeconds;
            // Every reply sent before the host goes: left pending, the next host's dispatcher would send
            // them during the webhook-alone run below and charge that run with their CPU.
            await UntilRepliesSentAsync(db, TimeSpan.FromMinutes(5), host);
            var repliedSeconds = watch.Elapsed.TotalSeconds;
            peakRss = host.PeakRssMb();
            Console.WriteLine($"ingest/{store.Name}: {load.PerSecond:0} acks/s, p50 {load.P50:0.00} ms, p99 {load.P99:0.00} ms; all {bodies.Count} answers recorded after {recordedSeconds:0.00} s, every reply sent after {repliedSeconds:0.00} s; peak RSS {peakRss:0} MB");
        }

        // The webhook alone: the same host with processing off (Inbox:Process false), the same updates
        // under new ids — what acknowledging costs when the two cores are not shared with the turns.
        LoadResult alone;
        await using (var host = await HostProcess.StartAsync(store, sinkAddress, processing: false))
        {
            var offset = UpdateIdsUsed(world, size);
            await WebhookLoad.RunAsync(host.Webhook, world.Spare.Take(size.WarmUp).Select((p, i) => IngestWorld.UpdateBytes(offset + i, p)).ToList(), size.Clients, HostProcess.Secret);
            offset += size.WarmUp;
            var aloneBodies = world.Presses.Select((p, i) => IngestWorld.UpdateBytes(offset + i, p)).ToList();
            alone = await CpuAsync("webhook alone", host, () => WebhookLoad.RunAsync(host.Webhook, aloneBodies, size.Clients, HostProcess.Secret));
            Console.WriteLine($"ingest/{store.Name}: webhook alone (processing off) {alone.PerSecond:0} acks/s, p50 {alone.P50:0.00} ms, p99 {alone.P99:0.00} ms");
        }

        // The baseline, on the same store once the host is gone (nothing else competes for the machine).
        LoadResult bare;
        var (baseline, url) = await BaselineEndpoint.StartAsync(db);
        await using (baseline)
        {
            var warm = world.Spare.Take(size.WarmUp).Select(p => IngestWorld.UpdateBytes(0, p)).ToList();
            await WebhookLoad.RunAsync(url, warm, size.Clients, null);
            var bareBodies = world.Presses.Select((p, i) => IngestWorld.UpdateBytes(i, p)).ToList();
            bare = await CpuAsync("bare endpoint", null, () => WebhookLoad.RunAsync(url, bareBodies, size.Clients, null));
        }

        var sqliteFull = store.Name == "sqlite" && !options.Quick;
        if (ingest)
        {
            var ratio = load.PerSecond / bare.PerSecond;
            report.Add(new Figure("ingest", store.Name, $"acknowledged: {load.Requests} updates, {size.Clients} clients", load.PerSecond, "/s",
                "bare durable endpoint", bare.PerSecond, ratio, store.Name == "sqlite" ? "≥ 8,000/s, ratio ≥ 0.8" : "reported",
                sqliteFull ? load.PerSecond >= 8_000 && ratio >= 0.8 : null));
            report.Add(new Figure("ingest", store.Name, "ack latency p50", load.P50, "ms", "bare durable endpoint", bare.P50, bare.P50 / load.P50, "", null));
            report.Add(new Figure("ingest", store.Name, "ack latency p99", load.P99, "ms", "bare durable endpoint", bare.P99, bare.P99 / load.P99,
                store.Name == "sqlite" ? "≤ 10 ms" : "reported", sqliteFull ? load.P99 <= 10 : null));
            var processed = load.Requests / recordedSeconds;
            report.Add(new Figure("ingest", store.Name, "answers recorded (post → in store)", processed, "/s", "bare durable endpoint", bare.PerSecond,
                processed / bare.PerSecond, "", null));
            report.Add(new Figure("ingest", store.Name, "acknowledged, webhook alone (Inbox:Process false)", alone.PerSecond, "/s",
                "bare durable endpoint", bare.PerSecond, alone.PerSecond / bare.PerSecond, "", null));
            report.Add(new Figure("ingest", store.Name, "ack latency p99, webhook alone", alone.P99, "ms", "bare durable endpoint", bare.P99, bare.P99 / alone.P99, "", null));
        }
        if (memory)
        {
            report.Add(new Figure("memory", store.Name, $"start-up to ready, {world.People:N0} people", startUp, "s", "—", 0, 0, "≤ 2 s",
                options.Quick ? null : startUp <= 2));
            report.Add(new Figure("memory", store.Name, "peak RSS serving ingest", peakRss, "MB", "RSS at ready", idleRss, idleRss / peakRss, "≤ 300 MB",
                options.Quick ? null : peakRss <= 300));
        }
    }

    // Where the two cores went during a load run: the host's process, and this one (the clients, the
    // fake Bot API answering the host's toasts, the bare endpoint when it is the one measured).
    private static async Task<LoadResult> CpuAsync(string what, HostProcess? host, Func<Task<LoadResult>> run)
    {
        var self = Process.GetCurrentProcess();
        var hostBefore = host?.CpuTime() ?? TimeSpan.Zero;
        self.Refresh();
        var selfBefore = self.TotalProcessorTime;
        var result = await run();
        self.Refresh();
        var hostCores = ((host?.CpuTime() ?? TimeSpan.Zero) - hostBefore).TotalSeconds / result.Seconds;
        var selfCores = (self.TotalProcessorTime - selfBefore).TotalSeconds / result.Seconds;
        Console.WriteLine($"  cpu, {what}: host {hostCores:0.00} cores, bench process {selfCores:0.00} cores, over {result.Seconds:0.0} s " +
                          $"({(hostCores + selfCores) * 1e6 / result.PerSecond:0} µs of CPU a request)");
        return result;
    }

    // Past every id the processing host was sent (warm-up, then the presses).
    private static long UpdateIdsUsed(IngestWorld world, Size size) => 1 + size.WarmUp + world.Presses.Count;

    /// <summary>Waits until the outbox has nothing pending or in the air.</summary>
    public static async Task UntilRepliesSentAsync(AcademyDatabase db, TimeSpan limit, HostProcess host)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            await using (var s = await db.BeginReadAsync())
                if (await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')") == 0) return;
            if (watch.Elapsed > limit) throw new TimeoutException($"Replies still unsent after {limit}\n{host.Log}");
            await Task.Delay(100);
        }
    }

    public static async Task UntilAnswersAsync(AcademyDatabase db, long cohortId, int count, TimeSpan limit, HostProcess host)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            await using (var s = await db.BeginReadAsync())
                if (await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM answers WHERE cohort_id = @cohortId", new { cohortId }) >= count) return;
            if (watch.Elapsed > limit)
            {
                await using var s = await db.BeginReadAsync();
                var inbox = (await s.QueryAsync<(string, long, string?)>("SELECT status, COUNT(*), MAX(error) FROM inbox GROUP BY status")).Select(r => r.ToString())
                    .Concat(await s.QueryAsync<string>("SELECT CAST(cohort_id AS TEXT) || ' ' || CAST(COUNT(*) AS TEXT) FROM answers GROUP BY cohort_id"))
                    .Concat(await s.QueryAsync<string>("SELECT payload FROM outbox WHERE payload NOT LIKE '%回答%' AND idem_key NOT LIKE '%quiz%' LIMIT 3"));
                throw new TimeoutException($"{count} answers of cohort {cohortId} not recorded after {limit}; inbox: {string.Join("; ", inbox)}\n{host.Log}");
            }
            // Not more often: each look counts the cohort's answers, a scan that would load the host's store.
            await Task.Delay(100);
        }
    }
}
