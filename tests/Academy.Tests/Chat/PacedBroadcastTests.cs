using System.Globalization;
using Academy.Learning.Announcements;
using AnnouncementService = Academy.Learning.Announcements.AnnouncementService;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Scheduler;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Tests.Chat;

/// <summary>
/// Announcements sent by the running host (real send task, outbox and dispatcher, real Telegram
/// client) to a fake Bot API that holds the bot strictly to Telegram's documented limits — 30 a
/// second overall, one a second per chat with no burst, 20 a minute per group — and answers 429
/// beyond them. The pacer must never draw a 429, and every chat gets each of its messages once.
/// </summary>
public sealed class PacedBroadcastTests : IAsyncLifetime
{
    private const long FirstLearner = 8_100_000_001;
    private const int PrivateChats = 150, GroupAnnouncements = 3;

    private FakeBotApi _api = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeBotApi.StartAsync();
        _api.ChatBurst = 1;
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public Task A_broadcast_on_SQLite_draws_no_429_and_reaches_every_chat_once() => BroadcastAsync(null);

    [Fact]
    public async Task A_broadcast_on_PostgreSQL_draws_no_429_and_reaches_every_chat_once()
    {
        await using var store = await PostgresTestStore.CreateAsync();
        await BroadcastAsync(store);
    }

    private async Task BroadcastAsync(PostgresTestStore? postgres)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = _api.Token,
            ["Telegram:ApiBaseUrl"] = _api.BaseUrl,
            ["Telegram:Mode"] = "Webhook",
            ["Telegram:WebhookUrl"] = "https://academy.example.org/telegram/hook",
            ["Telegram:SecretToken"] = "hook-Secret_123",
        };
        if (postgres is not null)
        {
            settings["Storage:Provider"] = "Postgres";
            settings["Storage:ConnectionString"] = postgres.Options.ConnectionString;
        }
        await using var host = new AcademyApp(settings);
        var ids = await DraftAsync(host);

        // Queued the way a scheduled announcement is: by its one-off task, all at once.
        var send = host.Services.GetServices<IOneOffTask>().Single(t => t.Kind == AnnouncementService.JobKind);
        foreach (var id in ids) await send.RunAsync(id.ToString(CultureInfo.InvariantCulture), new Dictionary<string, string>(), CancellationToken.None);

        var expected = (await host.QueryAsync<(string ChatId, long Rows)>(
            "SELECT chat_id, COUNT(*) FROM outbox WHERE channel = 'telegram' GROUP BY chat_id")).ToDictionary(r => r.ChatId, r => r.Rows);
        Assert.Equal(PrivateChats + 3 + 1, expected.Count); // learners, the three sample groups, the admin's reports
        Assert.All(expected.Where(e => e.Key.StartsWith('-')), e => Assert.Equal(GroupAnnouncements, e.Value));
        await Eventually.UntilAsync(async () => await host.ScalarAsync<long>(
                "SELECT COUNT(*) FROM outbox WHERE channel = 'telegram' AND status <> 'sent'") == 0,
            "every copy sent", seconds: 60,
            dump: async () => string.Join(", ", await host.QueryAsync<string>("SELECT status || ' ' || COALESCE(error, '') FROM outbox WHERE status <> 'sent'")));

        var sends = _api.Requests.Where(r => r.Method == "sendMessage").ToList();
        Assert.DoesNotContain(sends, r => r.StatusCode == 429);
        var delivered = sends.Where(r => r.StatusCode == 200).GroupBy(r => r.Field("chat_id")!).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expected.OrderBy(e => e.Key), delivered.OrderBy(e => e.Key));
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT COALESCE(SUM(interrupted), 0) FROM outbox"));
    }

    // The sample's three groups bound to Telegram group chats, 150 learners with a private chat, and
    // three announcements to every group plus one to every learner, from the sample admin.
    private static async Task<List<long>> DraftAsync(AcademyApp host)
    {
        var announcements = host.Services.GetRequiredService<AnnouncementService>();
        var directory = host.Services.GetRequiredService<LearnerDirectory>();
        await using var s = await host.Services.GetRequiredService<AcademyDatabase>().BeginAsync();
        var (cohort, firstGroup) = await s.QuerySingleAsync<(long, long)>("SELECT cohort_id, MIN(id) FROM study_groups GROUP BY cohort_id");
        foreach (var group in await s.QueryAsync<long>("SELECT id FROM study_groups"))
            await directory.BindGroupChatAsync(s, group, new ChatAddress("telegram", (-1_001_000_000_000 - group).ToString(CultureInfo.InvariantCulture)));
        var admin = await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = '+84903100200'");
        await directory.LinkIdentityAsync(s, "telegram", "5001", admin);
        // Learners of the sample roster have no Telegram account here: only these 150 do.
        for (var i = 0; i < PrivateChats; i++)
        {
            var learner = await s.ExecuteScalarAsync<long>(
                "INSERT INTO learners (phone, name, created_at) VALUES (@phone, @name, 0) RETURNING id",
                new { phone = "+8497" + (2_000_000 + i).ToString(CultureInfo.InvariantCulture), name = $"Học viên {i:D3}" });
            await s.ExecuteAsync("INSERT INTO enrollments (cohort_id, learner_id, group_id, role, enrolled_at) VALUES (@cohort, @learner, @firstGroup, 'learner', 0)",
                new { cohort, learner, firstGroup });
            await directory.LinkIdentityAsync(s, "telegram", (FirstLearner + i).ToString(CultureInfo.InvariantCulture), learner);
        }
        var ids = new List<long>();
        var audiences = Enumerable.Repeat(new Audience(AudienceKind.AllGroups), GroupAnnouncements).Append(new Audience(AudienceKind.Learners));
        foreach (var (audience, n) in audiences.Select((a, n) => (a, n)))
        {
            var id = await announcements.CreateDraftAsync(s, admin, new ChatAddress("telegram", "5001"));
            await AnnouncementService.SetContentAsync(s, id, $"Notice {n + 1}: the Friday session moves to 15:00.", null);
            await AnnouncementService.SetAudienceAsync(s, id, audience);
            ids.Add(id);
        }
        await s.CommitAsync();
        return ids;
    }
}
