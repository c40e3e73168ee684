using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Academy.Tests.Telegram;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Tests.Faults;

/// <summary>
/// The database crashes while quiz answers pour in (a private PostgreSQL stopped with -m immediate,
/// then started again): the webhook acknowledges nothing while the database is down (Telegram sends it
/// again, as here), every answer it acknowledged with 200 is counted afterwards — in <c>answers</c> and
/// in the ledger, once each — and the host serves normally once the database is back.
/// </summary>
public sealed class PostgresRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string HookPath = "/telegram/hook";
    private const string Secret = "pg-restart-Secret_1";
    private const long Group = -1001234567890, Admin = 5001, FirstLearner = 8000;
    private const int Learners = 150;
    private static readonly DateTimeOffset Day1Morning = DateTimeOffset.Parse("2026-12-01T02:00:00Z", CultureInfo.InvariantCulture);

    private FakeBotApi _api = null!;
    private PrivatePostgres _postgres = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeBotApi.StartAsync();
        _postgres = await PrivatePostgres.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task A_database_crash_under_quiz_answers_loses_no_acknowledged_answer_and_the_host_recovers()
    {
        await using var host = new AcademyApp(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = _postgres.ConnectionString,
            ["Telegram:BotToken"] = _api.Token,
            ["Telegram:ApiBaseUrl"] = _api.BaseUrl,
            ["Telegram:Mode"] = "Webhook",
            ["Telegram:WebhookUrl"] = "https://academy.example.org" + HookPath,
            ["Telegram:SecretToken"] = Secret,
            ["Playground:Enabled"] = "true", // seeds the sample course and cohort
        }, time: new ShiftedTime(Day1Morning));
        await Eventually.UntilAsync(() => Task.FromResult(_api.WebhookUrl is not null), "setWebhook");
        await EnrollAsync(host);

        // The admin pushes day 1 into the group: its quiz goes out as native polls.
        var updates = new TelegramUpdates();
        Assert.Equal(HttpStatusCode.OK, await PostAsync(host, updates.CommandIn(Group, Admin, "/push")));
        await Eventually.UntilAsync(async () => await host.ScalarAsync<long>("SELECT COUNT(*) FROM poll_links") > 0
                && await host.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')") == 0,
            "the quiz polls sent", seconds: 30);
        var polls = await host.QueryAsync<string>("SELECT poll_id FROM poll_links ORDER BY delivery_id");
        // Each learner votes on one of the polls.
        var bodies = Enumerable.Range(0, Learners)
            .Select(i => (User: FirstLearner + i, Body: updates.PollAnswer(FirstLearner + i, polls[i % polls.Count], i % 2))).ToList();

        var clock = Stopwatch.StartNew();
        var acknowledged = new ConcurrentDictionary<long, bool>();
        var posts = new ConcurrentBag<(HttpStatusCode Status, TimeSpan Start, TimeSpan End)>();
        TimeSpan down = TimeSpan.MaxValue, up = TimeSpan.MaxValue;

        // Four senders post the votes one after another; the database crashes a quarter of the way in and
        // stays down for a second, and until the webhook has refused something (at most five seconds).
        var outage = Task.Run(async () =>
        {
            await Eventually.UntilAsync(() => Task.FromResult(acknowledged.Count >= Learners / 4), "a quarter acknowledged", seconds: 30);
            await _postgres.CrashAsync();
            down = clock.Elapsed;
            var waited = Stopwatch.StartNew();
            while ((waited.Elapsed < TimeSpan.FromSeconds(1) || !posts.Any(p => p.Status != HttpStatusCode.OK && p.Start >= down))
                   && waited.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(50);
            up = clock.Elapsed;
            await _postgres.StartAgainAsync();
        });
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            foreach (var (user, body) in bodies.Where((_, i) => i % 4 == worker))
            {
                // Like Telegram: anything but 200 is sent again a little later.
                for (int attempt = 0; ; attempt++)
                {
                    var start = clock.Elapsed;
                    var status = await PostAsync(host, body);
                    posts.Add((status, start, clock.Elapsed));
                    if (status == HttpStatusCode.OK) { acknowledged[user] = true; break; }
                    Assert.True(attempt < 100, $"the vote of {user} never acknowledged (last {status})");
                    await Task.Delay(200);
                }
                await Task.Delay(60);
            }
        })));
        await outage;
        var refusals = posts.Where(p => p.Status != HttpStatusCode.OK).ToList();
        output.WriteLine($"acknowledged {acknowledged.Count}; down {down.TotalSeconds:F2}–{up.TotalSeconds:F2} s; refused: " +
            string.Join(", ", refusals.GroupBy(p => p.Status).Select(g => $"{(int)g.Key}×{g.Count()}")));

        // The outage was hit, the host said so with 503 (Telegram retries), and acknowledged nothing it could not record.
        Assert.NotEmpty(refusals);
        Assert.All(refusals, p => Assert.Equal(HttpStatusCode.ServiceUnavailable, p.Status));
        Assert.DoesNotContain(posts, p => p.Status == HttpStatusCode.OK && p.Start >= down && p.End <= up);

        // Every acknowledged vote is processed and counted once: one answer and one ledger award per learner.
        Assert.Equal(Learners, acknowledged.Count);
        await Eventually.UntilAsync(async () => await host.ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status IN ('pending', 'failed')") == 0,
            "all updates processed", seconds: 60,
            dump: async () => string.Join(", ", await host.QueryAsync<string>("SELECT status || ' ' || COUNT(*) FROM inbox GROUP BY status")));
        Assert.Equal(Learners, await host.ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE payload LIKE '%poll_answer%' AND status = 'done'"));
        var answers = (await host.QueryAsync<(string User, long Answers)>(
            """
            SELECT ci.external_id, COUNT(a.id) FROM channel_identities ci LEFT JOIN answers a ON a.learner_id = ci.learner_id
            WHERE ci.channel = 'telegram' AND ci.external_id <> '5001' GROUP BY ci.external_id
            """)).ToDictionary(r => long.Parse(r.User, CultureInfo.InvariantCulture), r => r.Answers);
        var awards = (await host.QueryAsync<(string User, long Awards)>(
            """
            SELECT ci.external_id, COUNT(l.id) FROM channel_identities ci LEFT JOIN ledger l ON l.learner_id = ci.learner_id AND l.kind = 'answer'
            WHERE ci.channel = 'telegram' AND ci.external_id <> '5001' GROUP BY ci.external_id
            """)).ToDictionary(r => long.Parse(r.User, CultureInfo.InvariantCulture), r => r.Awards);
        Assert.All(acknowledged.Keys, user => Assert.True(answers.GetValueOrDefault(user) == 1 && awards.GetValueOrDefault(user) == 1,
            $"learner {user}: {answers.GetValueOrDefault(user)} answers, {awards.GetValueOrDefault(user)} ledger awards"));
        Assert.Equal(Learners, await host.ScalarAsync<long>("SELECT COUNT(*) FROM answers"));

        // And afterwards it simply works.
        Assert.Equal(HttpStatusCode.OK, await PostAsync(host, updates.PrivateText(9999, "/help")));
        await Eventually.UntilAsync(() => Task.FromResult(_api.Requests.Any(r => r.Method == "sendMessage" && r.ChatId == 9999)), "a reply after recovery");
    }

    // The sample group HN-01 bound to the Telegram group, the sample admin on Telegram, and 150 learners
    // of HN-01 who started the bot (written directly: registering them through /start is not the point here).
    private static async Task EnrollAsync(AcademyApp host)
    {
        var directory = host.Services.GetRequiredService<LearnerDirectory>();
        await using var s = await host.Services.GetRequiredService<AcademyDatabase>().BeginAsync();
        var (cohort, group) = await s.QuerySingleAsync<(long, long)>("SELECT cohort_id, id FROM study_groups WHERE code = 'HN-01'");
        await directory.BindGroupChatAsync(s, group, new ChatAddress("telegram", Group.ToString(CultureInfo.InvariantCulture)));
        await directory.LinkIdentityAsync(s, "telegram", Admin.ToString(CultureInfo.InvariantCulture),
            await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = '+84903100200'"));
        for (var i = 0; i < Learners; i++)
        {
            var learner = await s.ExecuteScalarAsync<long>(
                "INSERT INTO learners (phone, name, created_at) VALUES (@phone, @name, 0) RETURNING id",
                new { phone = "+8497" + (3_000_000 + i).ToString(CultureInfo.InvariantCulture), name = $"Học viên {i:D3}" });
            await s.ExecuteAsync("INSERT INTO enrollments (cohort_id, learner_id, group_id, role, enrolled_at) VALUES (@cohort, @learner, @group, 'learner', 0)",
                new { cohort, learner, group });
            await directory.LinkIdentityAsync(s, "telegram", (FirstLearner + i).ToString(CultureInfo.InvariantCulture), learner);
        }
        await s.CommitAsync();
    }

    private static Task<HttpStatusCode> PostAsync(AcademyApp host, string json) =>
        TelegramUpdates.PostAsync(host.Client, HookPath, json, Secret);
}
