using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Academy.BotHost.Cli;
using Academy.Tests.Support;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Academy.Tests.Scheduler;

/// <summary>
/// The exam sweep and the announcements' reports in two real BotHost processes on one PostgreSQL
/// database: each round runs on one host only, and when the host running a round is killed (SIGKILL)
/// mid-round, the other notices within seconds and carries on, one round at a time.
/// </summary>
public sealed partial class RecurringClusterProcessTests
{
    private static readonly TimeSpan Sweep = TimeSpan.FromSeconds(1), Reports = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Each_round_runs_on_one_host_and_the_survivor_carries_on_when_the_host_running_one_is_killed()
    {
        await using var store = await PostgresTestStore.CreateAsync();
        var connectionString = store.Options.ConnectionString!;
        var folder = Path.Combine(Path.GetTempPath(), "academy-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        // The schema (and a course with exams) before either host starts.
        using (var stdout = new StringWriter())
        using (var stderr = new StringWriter())
            Assert.True(0 == await CliVerbs.RunAsync(["import", Samples.Pack], stdout, stderr, new ConfigurationBuilder().AddInMemoryCollection(
                new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres", ["Storage:ConnectionString"] = connectionString }).Build()), stderr.ToString());

        var settings = new Dictionary<string, string>
        {
            ["Exams__SweepInterval"] = Sweep.ToString("c", CultureInfo.InvariantCulture),
            ["Announcements__ReportInterval"] = Reports.ToString("c", CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Academy.Scheduler.RecurringJob"] = "Debug",
        };
        await using var a = BotHostProcess.Start(folder, connectionString, settings);
        await using var b = BotHostProcess.Start(folder, connectionString, settings);
        await Task.WhenAll(a.WaitHealthyAsync(), b.WaitHealthyAsync());

        // Round after round, on one host at a time: never two at once, each an interval after the last one ended.
        await UntilAsync(() => Ended(a, "exam-sweep").Count + Ended(b, "exam-sweep").Count >= 6, "six sweeps", a, b);
        RecurringTaskTests.AssertOneAtATime([.. Ended(a, "exam-sweep"), .. Ended(b, "exam-sweep")], Sweep);
        RecurringTaskTests.AssertOneAtATime([.. Ended(a, "announcement-reports"), .. Ended(b, "announcement-reports")], Reports);

        // A sweep held up mid-round (the attempts it reads are locked), and the host running it killed.
        await using var blocker = new NpgsqlConnection(connectionString);
        await blocker.OpenAsync();
        await using var hold = await blocker.BeginTransactionAsync();
        await using (var lockAttempts = new NpgsqlCommand("LOCK TABLE exam_attempts IN ACCESS EXCLUSIVE MODE", blocker, hold))
            await lockAttempts.ExecuteNonQueryAsync();
        BotHostProcess? stuck = null;
        await UntilAsync(async () =>
        {
            stuck = new[] { a, b }.FirstOrDefault(h => Begun(h, "exam-sweep") > Ended(h, "exam-sweep").Count);
            if (stuck is null) return false;
            // Still not ended a moment later: held by the lock, not merely in progress.
            var ended = Ended(stuck, "exam-sweep").Count;
            await Task.Delay(Sweep * 1.5);
            return Ended(stuck, "exam-sweep").Count == ended;
        }, "a sweep held up", a, b);
        var survivor = stuck == a ? b : a;
        Assert.Equal(Begun(survivor, "exam-sweep"), Ended(survivor, "exam-sweep").Count); // the survivor is not running it too
        await stuck!.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;
        await hold.RollbackAsync();

        // The survivor notices, runs the interrupted round again, and keeps both tasks going.
        await UntilAsync(() => Ended(survivor, "exam-sweep").Count(r => r.Start > killedAt) >= 3
                               && Ended(survivor, "announcement-reports").Count(r => r.Start > killedAt) >= 3, "the survivor's rounds", survivor);
        // Once the dead host is noticed (a few seconds), not at its next start; the cut-off round is done again by one round, not two.
        Assert.True(Ended(survivor, "exam-sweep").Where(r => r.Start > killedAt).Min(r => r.Start) < killedAt.AddSeconds(10));
        RecurringTaskTests.AssertOneAtATime(Ended(survivor, "exam-sweep").Where(r => r.Start > killedAt).ToList(), Sweep);
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }

    private static int Begun(BotHostProcess host, string task) =>
        BeginsLine().Matches(host.Log).Count(m => m.Groups["task"].Value == task);

    private static List<Round> Ended(BotHostProcess host, string task) =>
        RanLine().Matches(host.Log).Where(m => m.Groups["task"].Value == task)
            .Select(m => new Round(DateTimeOffset.Parse(m.Groups["start"].Value, CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(m.Groups["end"].Value, CultureInfo.InvariantCulture), $"port {host.Port}")).ToList();

    [GeneratedRegex(@"Recurring task (?<task>\S+) begins \(firing")]
    private static partial Regex BeginsLine();

    [GeneratedRegex(@"Recurring task (?<task>\S+) ran from (?<start>\S+) to (?<end>\S+) \(firing")]
    private static partial Regex RanLine();

    private static Task UntilAsync(Func<bool> done, string what, params BotHostProcess[] hosts) =>
        UntilAsync(() => Task.FromResult(done()), what, hosts);

    private static async Task UntilAsync(Func<Task<bool>> done, string what, params BotHostProcess[] hosts)
    {
        var clock = Stopwatch.StartNew();
        while (!await done())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(45))
                Assert.Fail($"Timed out waiting for {what}\n" + string.Join("\n----\n", hosts.Select(h => h.Log)));
            await Task.Delay(200);
        }
    }
}
