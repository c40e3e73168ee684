using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Academy.BotHost.Cli;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.Configuration;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Tests.Scheduler;

/// <summary>
/// Two real BotHost processes on one PostgreSQL database, Quartz clustered: a cohort whose day runs in
/// the next half minute reaches each playground group exactly once, also when one process is killed
/// (SIGKILL) between the first moments and the rest.
/// </summary>
public sealed class ClusterProcessTests
{
    [Fact]
    public async Task Each_moment_reaches_each_group_once_when_one_instance_is_killed_mid_day()
    {
        await using var store = await PostgresTestStore.CreateAsync();
        var (zone, start, first) = PickZoneAndTimes();
        string At(int seconds) => first.Add(TimeSpan.FromSeconds(seconds)).ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var cohort = SchedulerSamples.Cohort("cluster", zone.Id, start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            lesson: At(0), checkinOpen: At(2), quiz: At(4), reminder: At(14), checkinClose: At(18), digest: At(20), groups: "[G1,G2]");
        var folder = Path.Combine(Path.GetTempPath(), "academy-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var cohortFile = Path.Combine(folder, cohort.Item1);
        await File.WriteAllTextAsync(cohortFile, cohort.Item2);

        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = store.Options.ConnectionString,
        };
        using (var stdout = new StringWriter())
        using (var stderr = new StringWriter())
            Assert.True(0 == await CliVerbs.RunAsync(["import", Samples.Pack, cohortFile], stdout, stderr, new ConfigurationBuilder().AddInMemoryCollection(settings).Build()),
                stderr.ToString());
        await using var db = new AcademyDatabase(store.Options);
        await using (var w = await db.BeginAsync())
        {
            foreach (var (id, code) in await w.QueryAsync<(long, string)>("SELECT id, code FROM study_groups ORDER BY id"))
                await new LearnerDirectory(TimeProvider.System).BindGroupChatAsync(w, id, new ChatAddress("playground", "group-" + code));
            await w.CommitAsync();
        }

        await using var a = BotHostProcess.Start(folder, store.Options.ConnectionString!);
        await using var b = BotHostProcess.Start(folder, store.Options.ConnectionString!);
        await Task.WhenAll(a.WaitHealthyAsync(), b.WaitHealthyAsync());

        // The first moments go out; then one instance dies without a chance to tidy up.
        await WaitForAsync(db, "SELECT COUNT(*) FROM programme_runs WHERE item = 'lesson'", 1, TimeSpan.FromSeconds(40), a, b);
        a.Kill();
        var doneAtKill = await ScalarAsync(db, "SELECT COUNT(*) FROM programme_runs WHERE day = 1 AND item <> 'weekly_digest'");
        Assert.True(doneAtKill < 6, "the kill came before the rest of the day");

        // The survivor takes over the remaining triggers (and any firing the dead one had in flight).
        await WaitForAsync(db, "SELECT COUNT(*) FROM programme_runs WHERE day = 1 AND item <> 'weekly_digest'", 6, TimeSpan.FromSeconds(45), b);
        await WaitForAsync(db, "SELECT CASE WHEN COUNT(*) = 0 THEN 1 ELSE 0 END FROM outbox WHERE status IN ('pending', 'sending')", 1, TimeSpan.FromSeconds(20), b);
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal(6, await ScalarAsync(db, "SELECT COUNT(*) FROM programme_runs WHERE day = 1 AND item <> 'weekly_digest'"));
        // Exactly once per group: no outbox key twice (the unique key), and no chat shows the same message twice.
        foreach (var chat in new[] { "group-G1", "group-G2" })
        {
            await using var s = await db.BeginReadAsync();
            var payloads = (await s.QueryAsync<string>("SELECT payload FROM playground_messages WHERE chat_id = @chat AND sender = 'bot'", new { chat })).ToList();
            // The lesson, the check-in prompt and the three quiz questions (no roster: no one to remind).
            Assert.True(payloads.Count == 5, $"{chat} got {payloads.Count} messages, not 5\n{b.Log}");
            Assert.Equal(payloads.Count, payloads.Distinct(StringComparer.Ordinal).Count());
        }
        // The dead instance was noticed and cleaned up by the survivor: nothing of it is left firing.
        await WaitForAsync(db, "SELECT CASE WHEN COUNT(*) = 1 THEN 1 ELSE 0 END FROM qrtz_scheduler_state", 1, TimeSpan.FromSeconds(10), b);
        Assert.Equal(0, await ScalarAsync(db,
            "SELECT COUNT(*) FROM qrtz_fired_triggers WHERE instance_name NOT IN (SELECT instance_name FROM qrtz_scheduler_state)"));
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }

    /// <summary>A zone where the next minute is well inside the local day, so the whole programme day fits.</summary>
    private static (TimeZoneInfo Zone, DateOnly Start, TimeOnly First) PickZoneAndTimes()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var id in new[] { "Asia/Ho_Chi_Minh", "Europe/Berlin", "America/New_York", "Pacific/Auckland", "Asia/Tokyo", "America/Los_Angeles" })
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
            if (local.Hour is >= 3 and <= 20)
            {
                // Room for both processes to start and plan before the lesson.
                var first = TimeOnly.FromDateTime(local.AddSeconds(25));
                return (zone, DateOnly.FromDateTime(local), new TimeOnly(first.Hour, first.Minute, first.Second));
            }
        }
        throw new InvalidOperationException("No zone in daytime.");
    }

    private static async Task<long> ScalarAsync(AcademyDatabase db, string sql)
    {
        await using var s = await db.BeginReadAsync();
        return await s.ExecuteScalarAsync<long>(sql);
    }

    private static async Task WaitForAsync(AcademyDatabase db, string sql, long atLeast, TimeSpan limit, params BotHostProcess[] hosts)
    {
        var clock = Stopwatch.StartNew();
        while (await ScalarAsync(db, sql) < atLeast)
        {
            if (clock.Elapsed > limit)
                Assert.Fail($"Timed out: {sql} < {atLeast}\n" + string.Join("\n----\n", hosts.Select(h => h.Log)));
            await Task.Delay(200);
        }
    }
}

/// <summary>The real binary, clustered on PostgreSQL, with the playground on.</summary>
internal sealed class BotHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private BotHostProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <param name="settings">Extra configuration (e.g. Telegram__Mode), as environment variables; they win over the defaults here.</param>
    public static BotHostProcess Start(string folder, string connectionString, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [BuiltPrograms.BotHost, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Telegram", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["Storage__Provider"] = "Postgres";
        start.Environment["Storage__ConnectionString"] = connectionString;
        start.Environment["Playground__Enabled"] = "true";
        start.Environment["Playground__SeedSample"] = "false";
        start.Environment["Scheduler__ClusterCheckinInterval"] = "00:00:01";
        start.Environment["Scheduler__ClusterCheckinMisfireThreshold"] = "00:00:02";
        start.Environment["Scheduler__RetryDelay"] = "00:00:01";
        // A send cut off by the kill goes again after this lease (counted as a possible duplicate).
        start.Environment["Outbox__SendLease"] = "00:00:05";
        start.Environment["Logging__LogLevel__Quartz"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start)!;
        var host = new BotHostProcess(process, port);
        process.OutputDataReceived += (_, e) => { lock (host._log) host._log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (host._log) host._log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    public async Task WaitHealthyAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(40))
        {
            Assert.False(_process.HasExited, "the host exited: " + Log);
            try
            {
                var response = await client.GetAsync(new Uri($"http://127.0.0.1:{Port}/health"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var body = await response.Content.ReadAsStringAsync();
                    Assert.Contains("running, clustered", body, StringComparison.Ordinal);
                    return;
                }
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        Assert.Fail("the host did not become healthy: " + Log);
    }

    /// <summary>SIGKILL: no shutdown hooks, no Quartz shutdown, its fired-trigger rows left behind.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
    }

    /// <summary><see cref="Kill"/>, returning once the process is gone.</summary>
    public async Task KillAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
