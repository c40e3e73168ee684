using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Academy.Tests.Support;
using Academy.Tests.Telegram;
using Xunit.Abstractions;

namespace Academy.Tests.Faults;

/// <summary>
/// The database crashes and comes back while updates pour in (a private PostgreSQL, restarted with
/// -m immediate): every update the webhook acknowledged with 200 is still there afterwards and is
/// answered; one refused during the outage is not acknowledged (Telegram sends it again, as here);
/// and the host serves normally once the database is back.
/// </summary>
public sealed class PostgresRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string HookPath = "/telegram/hook";
    private const string Secret = "pg-restart-Secret_1";
    private const int Users = 150;

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
    public async Task A_database_crash_under_load_loses_no_acknowledged_update_and_the_host_recovers()
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
            ["Playground:Enabled"] = "false",
        });
        await Eventually.UntilAsync(() => Task.FromResult(_api.WebhookUrl is not null), "setWebhook");

        var updates = new TelegramUpdates();
        var bodies = Enumerable.Range(0, Users).Select(i => (User: 8000L + i, Body: updates.PrivateText(8000 + i, "/help"))).ToList();
        var acknowledged = new ConcurrentDictionary<long, bool>();
        var refusals = new ConcurrentBag<HttpStatusCode>();

        // Four senders post the updates one after another; the database crashes a quarter of the way in.
        var restart = Task.Run(async () =>
        {
            await Eventually.UntilAsync(() => Task.FromResult(acknowledged.Count >= Users / 4), "a quarter acknowledged", seconds: 30);
            await _postgres.RestartAsync();
        });
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            foreach (var (user, body) in bodies.Where((_, i) => i % 4 == worker))
            {
                // Like Telegram: anything but 200 is sent again a little later.
                for (int attempt = 0; ; attempt++)
                {
                    var status = await PostAsync(host, body);
                    if (status == HttpStatusCode.OK) { acknowledged[user] = true; break; }
                    refusals.Add(status);
                    Assert.True(attempt < 100, $"update of {user} never acknowledged (last {status})");
                    await Task.Delay(200);
                }
                await Task.Delay(20);
            }
        })));
        await restart;
        output.WriteLine($"acknowledged {acknowledged.Count}, refused during the outage: {string.Join(", ", refusals.GroupBy(s => s).Select(g => $"{(int)g.Key}×{g.Count()}"))}");
        Assert.All(refusals, s => Assert.Equal(HttpStatusCode.ServiceUnavailable, s));

        // Every acknowledged update is recorded, processed and answered.
        Assert.Equal(Users, acknowledged.Count);
        await Eventually.UntilAsync(async () => await host.ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'done'") == Users,
            "all updates processed", seconds: 60,
            dump: async () => string.Join(", ", await host.QueryAsync<string>("SELECT status || ' ' || COUNT(*) FROM inbox GROUP BY status")));
        await Eventually.UntilAsync(() => Task.FromResult(bodies.All(b => _api.Requests.Any(r => r.Method == "sendMessage" && r.ChatId == b.User && r.StatusCode == 200))),
            "every user answered", seconds: 60);
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'failed'"));

        // And afterwards it simply works.
        Assert.Equal(HttpStatusCode.OK, await PostAsync(host, updates.PrivateText(9999, "/help")));
        await Eventually.UntilAsync(() => Task.FromResult(_api.Requests.Any(r => r.Method == "sendMessage" && r.ChatId == 9999)), "a reply after recovery");
    }

    private static Task<HttpStatusCode> PostAsync(AcademyApp host, string json) =>
        TelegramUpdates.PostAsync(host.Client, HookPath, json, Secret);
}
