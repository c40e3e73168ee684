using System.Diagnostics;
using System.Globalization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Tests.Scheduler;
using Academy.Tests.Support;
using Academy.Tests.Telegram;
using Npgsql;
using Xunit.Abstractions;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Faults;

/// <summary>
/// LONG (real processes, 30–60 s): the built BotHost sends a broadcast to many Telegram chats and is
/// killed with SIGKILL at seeded random points, then started again, eight times over. Every chat gets
/// the message. After each kill the test reads which rows the dead host left claimed ('sending'):
/// only those may arrive twice — at most once more per kill that caught them, and never more per kill
/// than the dispatcher's in-flight window — and each such catch is counted exactly once in the row's
/// <c>interrupted</c> and in <c>/metrics</c>, where an operator sees the possible duplicates.
/// </summary>
public sealed class KillMidBroadcastTests(ITestOutputHelper output)
{
    private const int Chats = 240;
    private const int Kills = 8;
    private const int InFlightWindow = 64; // OutboxDispatcher.MaxInFlight: sends in the air at once
    private const string HostName = "academy-kill-host"; // the killed host's connections, as PostgreSQL names them

    [Fact]
    public async Task Killed_again_and_again_mid_broadcast_every_chat_gets_it_and_every_duplicate_is_reported()
    {
        var seed = Environment.GetEnvironmentVariable("ACADEMY_FAULT_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"kill seed {seed} (rerun with ACADEMY_FAULT_SEED={seed})");
        var random = new Random(seed);
        // Kill points: how many chats have the message when each kill comes, spread over the broadcast.
        var points = Enumerable.Range(0, Kills).Select(_ => random.Next(1, Chats - 10)).Order().ToList();
        await using var api = await FakeBotApi.StartAsync();
        await using var store = await PostgresTestStore.CreateAsync();
        var folder = Directory.CreateTempSubdirectory("academy-kill-");
        await using var db = new AcademyDatabase(store.Options);
        var hostConnection = new NpgsqlConnectionStringBuilder(store.Options.ConnectionString) { ApplicationName = HostName }.ConnectionString;
        var settings = new Dictionary<string, string>
        {
            ["Telegram__BotToken"] = api.Token,
            ["Telegram__ApiBaseUrl"] = api.BaseUrl,
            ["Telegram__Mode"] = "Webhook",
            ["Telegram__WebhookUrl"] = "https://academy.example.org/telegram/hook",
            ["Telegram__SecretToken"] = "kill-Secret_789",
            ["Outbox__SendLease"] = "00:00:02",
        };
        // Per kill: the claims the dead host left behind, whose outcome nobody recorded — by chat and lease
        // deadline, since a claim not yet expired when the next host is killed is the same claim, caught again.
        var caught = new List<HashSet<(string Chat, long Lease)>>();
        Dictionary<string, double> metrics = [];
        var clock = Stopwatch.StartNew();
        try
        {
            for (int round = 0; round <= Kills; round++)
            {
                await using var host = BotHostProcess.Start(folder.FullName, hostConnection, settings);
                await host.WaitHealthyAsync();
                if (round == 0) await BroadcastAsync(db);
                if (round == Kills)
                {
                    await WaitUntilAsync(db, "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')", 0, TimeSpan.FromSeconds(60), host);
                    metrics = await MetricsAsync(host);
                    break;
                }
                // The round's kill point (after at least one new delivery), so every kill lands mid-broadcast;
                // on a slow machine the broadcast may outrun the points, and a kill after the end catches nothing.
                var target = Math.Max(points[round], Delivered(api) + 1);
                var limit = Stopwatch.StartNew();
                while (Delivered(api) < Math.Min(target, Chats) && limit.Elapsed < TimeSpan.FromSeconds(15)) await Task.Delay(random.Next(1, 20));
                await host.KillAsync();
                // A commit the dead host had already sent may still land: read once its connections are gone.
                await WaitUntilAsync(db, $"SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '{HostName}'", 0, TimeSpan.FromSeconds(20), host);
                await using (var read = await db.BeginReadAsync())
                {
                    var claims = (await read.QueryAsync<(string, long)>("SELECT chat_id, not_before FROM outbox WHERE status = 'sending'")).ToHashSet();
                    claims.ExceptWith(caught.SelectMany(k => k));
                    caught.Add(claims);
                }
                output.WriteLine($"round {round}: killed at {Delivered(api)} chats served (point {points[round]}) at {clock.Elapsed.TotalSeconds:F1} s, {caught[^1].Count} sends cut off");
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        var sends = api.Requests.Where(r => r.Method == "sendMessage" && r.StatusCode == 200).GroupBy(r => r.ChatId!.Value).ToDictionary(g => g.Key, g => g.Count());
        var missing = Enumerable.Range(1, Chats).Select(Chat).Where(c => !sends.ContainsKey(c)).ToList();
        Assert.True(missing.Count == 0, $"seed {seed}: {missing.Count} chats never got the broadcast, e.g. {string.Join(", ", missing.Take(5))}");
        var twice = sends.Where(p => p.Value > 1).Select(p => p.Key).ToList();
        output.WriteLine($"{Chats} chats, {twice.Count} duplicates over {Kills} kills, {clock.Elapsed.TotalSeconds:F0} s");

        int Caught(long chat) => caught.Sum(k => k.Count(c => c.Chat == chat.ToString(CultureInfo.InvariantCulture)));
        // Only a send a kill cut off may go twice, once more per such kill: a row that was recorded sent never goes again.
        Assert.All(sends, p => Assert.True(p.Value - 1 <= Caught(p.Key),
            $"seed {seed}: chat {p.Key} got the message {p.Value} times but was caught mid-send by {Caught(p.Key)} kills"));
        // And no kill can cut off more than the sends in its air.
        var bound = caught.Sum(k => Math.Min(k.Count, InFlightWindow));
        Assert.True(sends.Values.Sum() - Chats <= bound, $"seed {seed}: {sends.Values.Sum() - Chats} extra sends, more than the {bound} the kills could have cut off");

        // Each cut-off send is reported, once: the row counts every kill that caught it, and every row ended sent.
        await using var final = await db.BeginReadAsync();
        var rows = (await final.QueryAsync<(string Chat, string Status, long Interrupted)>("SELECT chat_id, status, interrupted FROM outbox")).ToDictionary(r => long.Parse(r.Chat, CultureInfo.InvariantCulture));
        Assert.Equal(Chats, rows.Count);
        Assert.All(rows.Values, r => Assert.Equal("sent", r.Status));
        Assert.All(rows, r => Assert.True(r.Value.Interrupted == Caught(r.Key),
            $"seed {seed}: chat {r.Key}: interrupted {r.Value.Interrupted}, but {Caught(r.Key)} kills caught it mid-send"));
        // The kills did land mid-send, and /metrics shows the operator how many sends may have gone twice.
        var interrupted = caught.Sum(k => k.Count);
        output.WriteLine($"{interrupted} sends cut off mid-send");
        Assert.True(interrupted > 0, $"seed {seed}: no kill caught a send in flight");
        Assert.Equal(interrupted, metrics["academy_outbox_interrupted"]);
    }

    private static long Chat(int i) => 30_000 + i;

    private static int Delivered(FakeBotApi api) =>
        api.Requests.Where(r => r.Method == "sendMessage" && r.StatusCode == 200).Select(r => r.ChatId).Distinct().Count();

    private static async Task<Dictionary<string, double>> MetricsAsync(BotHostProcess host)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{host.Port}/metrics"));
        return text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ')).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
    }

    private static async Task BroadcastAsync(AcademyDatabase db)
    {
        var outbox = new Outbox(TimeProvider.System);
        await using var s = await db.BeginAsync();
        await outbox.EnqueueManyAsync(s, Enumerable.Range(1, Chats).Select(i =>
            ($"kill-test/{i}", new OutgoingMessage { To = new ChatAddress("telegram", Chat(i).ToString(CultureInfo.InvariantCulture)), Text = "Thông báo: lịch học thay đổi" })).ToList());
        await s.CommitAsync();
    }

    private static async Task WaitUntilAsync(AcademyDatabase db, string sql, long value, TimeSpan limit, BotHostProcess host)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using (var s = await db.BeginReadAsync())
                if (await s.ExecuteScalarAsync<long>(sql) == value) return;
            if (clock.Elapsed > limit) Assert.Fail($"Timed out: {sql} ≠ {value}\n{host.Log}");
            await Task.Delay(100);
        }
    }
}
