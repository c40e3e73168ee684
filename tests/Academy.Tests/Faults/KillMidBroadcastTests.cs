using System.Diagnostics;
using System.Globalization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Tests.Scheduler;
using Academy.Tests.Support;
using Academy.Tests.Telegram;
using Xunit.Abstractions;

namespace Academy.Tests.Faults;

/// <summary>
/// LONG (real processes, ~60–90 s): the built BotHost sends a broadcast to many Telegram chats and
/// is killed with SIGKILL at seeded random points, then started again, several times over. Every
/// chat gets the message; a chat gets it twice only when its send was in the air at a kill — at most
/// the dispatcher's in-flight window per kill — and every such row is reported as interrupted.
/// </summary>
public sealed class KillMidBroadcastTests(ITestOutputHelper output)
{
    private const int Chats = 240;
    private const int Kills = 4;
    private const int InFlightWindow = 64; // OutboxDispatcher.MaxInFlight

    [Fact]
    public async Task Killed_again_and_again_mid_broadcast_every_chat_gets_it_and_every_duplicate_is_reported()
    {
        var seed = Environment.GetEnvironmentVariable("ACADEMY_FAULT_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"kill seed {seed} (rerun with ACADEMY_FAULT_SEED={seed})");
        var random = new Random(seed);
        await using var api = await FakeBotApi.StartAsync();
        await using var store = await PostgresTestStore.CreateAsync();
        var folder = Directory.CreateTempSubdirectory("academy-kill-");
        await using var db = new AcademyDatabase(store.Options);
        var settings = new Dictionary<string, string>
        {
            ["Telegram__BotToken"] = api.Token,
            ["Telegram__ApiBaseUrl"] = api.BaseUrl,
            ["Telegram__Mode"] = "Webhook",
            ["Telegram__WebhookUrl"] = "https://academy.example.org/telegram/hook",
            ["Telegram__SecretToken"] = "kill-Secret_789",
            ["Outbox__SendLease"] = "00:00:02",
        };
        var clock = Stopwatch.StartNew();
        try
        {
            for (int round = 0; round <= Kills; round++)
            {
                await using var host = BotHostProcess.Start(folder.FullName, store.Options.ConnectionString!, settings);
                await host.WaitHealthyAsync();
                if (round == 0) await BroadcastAsync(db);
                if (round == Kills)
                {
                    await WaitUntilAsync(db, "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')", 0, TimeSpan.FromSeconds(60), host);
                    break;
                }
                // A random point in this round's share of what is left, so every kill lands mid-broadcast.
                var left = Chats - Sent(api);
                var target = Sent(api) + random.Next(1, Math.Max(2, left / (Kills - round + 1)));
                var limit = Stopwatch.StartNew();
                while (Sent(api) < target && limit.Elapsed < TimeSpan.FromSeconds(15)) await Task.Delay(random.Next(1, 20));
                host.Kill();
                output.WriteLine($"round {round}: killed after {Sent(api)} sends at {clock.Elapsed.TotalSeconds:F1} s");
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
        Assert.True(twice.Count <= Kills * InFlightWindow, $"seed {seed}: {twice.Count} duplicates");
        Assert.All(sends.Values, n => Assert.InRange(n, 1, Kills + 1));

        // Each duplicate was reported: its row was counted as interrupted (a possible double), and every row ended sent.
        await using var read = await db.BeginReadAsync();
        var rows = (await read.QueryAsync<(string Chat, string Status, long Interrupted)>("SELECT chat_id, status, interrupted FROM outbox")).ToDictionary(r => long.Parse(r.Chat, CultureInfo.InvariantCulture));
        Assert.Equal(Chats, rows.Count);
        Assert.All(rows.Values, r => Assert.Equal("sent", r.Status));
        Assert.All(twice, chat => Assert.True(rows[chat].Interrupted > 0, $"chat {chat} got it twice but its row is not marked interrupted"));
        // The kills did land mid-send: rows were caught claimed, and were sent again after their lease.
        var interrupted = rows.Values.Count(r => r.Interrupted > 0);
        output.WriteLine($"{interrupted} rows cut off mid-send");
        Assert.True(interrupted > 0, $"seed {seed}: no kill caught a send in flight");
    }

    private static long Chat(int i) => 30_000 + i;

    private static int Sent(FakeBotApi api) => api.Requests.Count(r => r.Method == "sendMessage" && r.StatusCode == 200);

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
            await Task.Delay(200);
        }
    }
}
