using System.Diagnostics;
using System.Globalization;
using Academy.BotHost.Hosting;
using Academy.BotHost.Channels;
using Academy.BotHost.Channels.Telegram;
using Academy.BotHost.Dispatch;
using Academy.Fakes.Telegram;
using Academy.Learning.Announcements;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Scheduler;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Academy.BotHost.Features.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Bench;

/// <summary>
/// <c>broadcast</c>: an admin's announcement to every study group (2,000 group chats) and one to every
/// learner (5,000 of 6,000 learners have a private chat with the bot), queued by the real send task and
/// sent by the real <see cref="OutboxDispatcher"/> and Telegram client to the loopback fake Bot API,
/// which holds the bot to Telegram's limits (30 a second overall, one a second per chat, 20 a minute
/// per group; strictly, no bursts) and answers 429 with retry_after beyond them.
/// Baseline: the ceiling itself — 30 messages a second, and the physical minimum time N/30.
/// </summary>
public static class BroadcastScenario
{
    private const double Ceiling = 30;

    public static async Task RunAsync(BenchStore store, BenchOptions options, BenchReport report)
    {
        int groups = options.Quick ? 60 : 2_000, privateChats = options.Quick ? 150 : 5_000;
        await using var fake = await FakeBotApi.StartAsync();
        fake.ChatBurst = 1;
        var telegram = new TelegramOptions { BotToken = fake.Token, ApiBaseUrl = fake.BaseUrl };
        await using var services = FanOutScenario.Services(store, TimeProvider.System, s =>
        {
            s.AddSingleton(telegram);
            s.AddSingleton(_ => new TelegramBotClient(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, telegram));
            s.AddSingleton<TelegramChannelClient>();
            s.AddSingleton(sp => new TimedChannelClient(sp.GetRequiredService<TelegramChannelClient>()));
            s.AddSingleton<IChannelClient>(sp => sp.GetRequiredService<TimedChannelClient>());
            s.AddAcademyAnnouncements();
        });
        await services.GetRequiredService<Migrator>().MigrateAsync();
        var db = services.GetRequiredService<AcademyDatabase>();
        // Three learners and a liaison per group; the first 5,000 learners have opened a private chat.
        await FanOutScenario.SeedAsync(services, db, groups, 4);
        var (groupAnnouncement, learnerAnnouncement) = await DraftAsync(services, db, privateChats);
        Console.WriteLine($"broadcast/{store.Name}: {groups} group chats and {privateChats} private chats seeded");

        var dispatcher = services.GetRequiredService<OutboxDispatcher>();
        using var stop = new CancellationTokenSource();
        await dispatcher.StartAsync(stop.Token);
        // The dispatcher lets a second pass after it starts (the platform's window of a predecessor).
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var send = services.GetServices<IOneOffTask>().Single(t => t.Kind == AnnouncementService.JobKind);
        var watch = Stopwatch.StartNew();
        await send.RunAsync(groupAnnouncement.ToString(CultureInfo.InvariantCulture), new Dictionary<string, string>(), CancellationToken.None);
        await send.RunAsync(learnerAnnouncement.ToString(CultureInfo.InvariantCulture), new Dictionary<string, string>(), CancellationToken.None);
        var queued = watch.Elapsed.TotalSeconds;
        long expected;
        await using (var r = await db.BeginReadAsync()) expected = await r.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox");
        var progress = Stopwatch.StartNew();
        while (true)
        {
            long open;
            await using (var r = await db.BeginReadAsync())
                open = await r.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')");
            if (open == 0) break;
            if (progress.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.WriteLine($"broadcast/{store.Name}: {expected - open}/{expected} sent after {watch.Elapsed.TotalSeconds:0} s");
                progress.Restart();
            }
            await Task.Delay(50);
        }
        var total = watch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await dispatcher.StopAsync(CancellationToken.None);

        var requests = fake.Requests.Where(q => q.Method == "sendMessage").ToList();
        var delivered = requests.Where(q => q.StatusCode == 200).ToList();
        var tooMany = requests.Count(q => q.StatusCode == 429);
        await CheckEveryChatOnceAsync(db, delivered);
        var span = (delivered.Max(q => q.At) - delivered.Min(q => q.At)).TotalSeconds;
        // n sends spaced evenly at 30 a second take (n − 1)/30 s from the first to the last. (A strict
        // one-second window allows a little less, ⌊(n − 1)/30⌋ s: a short run may show just over 30.)
        var rate = (delivered.Count - 1) / span;
        var minimum = delivered.Count / Ceiling;
        bool? Target(bool met) => options.Quick ? null : met;
        report.Add(new Figure("broadcast", store.Name, $"send rate: {delivered.Count} messages", rate, "/s",
            "platform ceiling", Ceiling, rate / Ceiling, "≥ 0.97 of the ceiling", Target(rate / Ceiling >= 0.97)));
        report.Add(new Figure("broadcast", store.Name, "429 answers from the platform", tooMany, "",
            "allowed", 0, tooMany == 0 ? 1 : 0, "0", Target(tooMany == 0)));
        var trips = services.GetRequiredService<TimedChannelClient>().RoundTrips.Order().ToList();
        var p50 = trips[trips.Count / 2];
        report.Add(new Figure("broadcast", store.Name, $"send round trip p50 (p99 {trips[(int)(trips.Count * 0.99)] * 1000:0} ms)", p50 * 1000, "ms",
            "rate it allows /s", Ceiling / (1 + p50), Ceiling / (1 + p50) / Ceiling, "", null));
        report.Add(new Figure("broadcast", store.Name, $"trigger to last sent (queued in {queued:0.00} s)", total, "s",
            $"minimum n/{Ceiling:0}", minimum, minimum / total, "≥ 0.97 of the minimum", Target(minimum / total >= 0.97)));
    }

    private static async Task<(long Groups, long Learners)> DraftAsync(IServiceProvider services, AcademyDatabase db, int privateChats)
    {
        var directory = services.GetRequiredService<LearnerDirectory>();
        var announcements = services.GetRequiredService<AnnouncementService>();
        await using var w = await db.BeginAsync();
        var learners = (await w.QueryAsync<long>("SELECT learner_id FROM enrollments WHERE role = 'learner' ORDER BY learner_id")).Take(privateChats).ToList();
        foreach (var learner in learners)
            await directory.LinkIdentityAsync(w, "telegram", (5_000_000_000 + learner).ToString(CultureInfo.InvariantCulture), learner);
        var admin = await w.ExecuteScalarAsync<long>("SELECT MIN(learner_id) FROM enrollments WHERE role = 'liaison'");
        var reportChat = new ChatAddress("telegram", (5_000_000_000 + admin).ToString(CultureInfo.InvariantCulture));
        var ids = new List<long>();
        foreach (var audience in new[] { new Audience(AudienceKind.AllGroups), new Audience(AudienceKind.Learners) })
        {
            var id = await announcements.CreateDraftAsync(w, admin, reportChat);
            await AnnouncementService.SetContentAsync(w, id, "各位学员：本周五下午三点举行线上答疑，请准时参加。", null);
            await AnnouncementService.SetAudienceAsync(w, id, audience);
            ids.Add(id);
        }
        await w.CommitAsync();
        return (ids[0], ids[1]);
    }

    // A benchmark that lost or doubled a message would be measuring the wrong thing.
    private static async Task CheckEveryChatOnceAsync(AcademyDatabase db, IReadOnlyList<RecordedRequest> delivered)
    {
        List<(string ChatId, long Rows)> expected;
        await using (var r = await db.BeginReadAsync())
            expected = (await r.QueryAsync<(string, long)>("SELECT chat_id, COUNT(*) FROM outbox GROUP BY chat_id")).ToList();
        var got = delivered.GroupBy(q => q.Field("chat_id")!).ToDictionary(g => g.Key, g => g.LongCount());
        var wrong = expected.Where(e => got.GetValueOrDefault(e.ChatId) != e.Rows).Take(5).ToList();
        if (wrong.Count > 0 || got.Count != expected.Count)
            throw new InvalidOperationException("broadcast: messages lost or sent twice, e.g. " +
                string.Join(", ", wrong.Select(e => $"{e.ChatId}: {got.GetValueOrDefault(e.ChatId)} of {e.Rows}")));
    }
}
