using System.Net;
using System.Text;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Academy.Tests.Telegram;
using Academy.Learning.Content;

namespace Academy.Tests.Faults;

/// <summary>
/// Telegram delivers an update again whenever it did not see our 200 in time: the same poll answer
/// and the same check-in press arrive five times at once, and five times more after the host
/// restarted. Each is counted once: one answer, one check-in, one ledger entry each — on each engine
/// (on SQLite the webhook acknowledges into the inbox log, on PostgreSQL straight into the inbox).
/// </summary>
public abstract class RedeliverySuite : IAsyncLifetime
{
    private const string HookPath = "/telegram/hook";
    private const string Secret = "redeliver-Secret_1";
    private const long Group = -1001234567890;
    private const long Admin = 5001, Liaison = 5002, Learner = 5003;
    private static readonly DateTimeOffset Day1Morning = DateTimeOffset.Parse("2026-12-01T02:00:00Z");

    private FakeBotApi _api = null!;
    private readonly TelegramUpdates _updates = new();

    protected abstract Task<ITestStore> CreateStoreAsync();

    public async Task InitializeAsync() => _api = await FakeBotApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task The_same_answer_and_check_in_delivered_five_times_at_once_and_after_a_restart_count_once()
    {
        var store = await CreateStoreAsync();
        try
        {
            string answer, checkIn;
            await using (var first = StartHost(store))
            {
                await Eventually.UntilAsync(() => Task.FromResult(_api.WebhookUrl is not null), "setWebhook");
                await RegisterAsync(first, Admin, "+84903100200");
                await RegisterAsync(first, Liaison, "+84912345678");
                await RegisterAsync(first, Learner, "+84913000111");
                await PostAsync(first, _updates.CommandIn(Group, Liaison, "/bind@AcademyTestBot HN-01"));
                await WaitForSendAsync(Group, text => text.Contains("(HN-01)", StringComparison.Ordinal));
                await PostAsync(first, _updates.CommandIn(Group, Admin, "/push"));
                var prompt = await WaitForSendAsync(Group, text => text.StartsWith("Điểm danh ngày 1", StringComparison.Ordinal));
                var data = prompt.FieldJson("reply_markup").GetProperty("inline_keyboard")[0][0].GetProperty("callback_data").GetString()!;
                string? pollId = null;
                await Eventually.UntilAsync(async () => (pollId = await first.ScalarAsync<string?>("SELECT poll_id FROM poll_links ORDER BY delivery_id LIMIT 1")) is not null, "poll link");
                answer = _updates.PollAnswer(Learner, pollId!, 0);
                checkIn = _updates.Callback(Learner, Group, data);

                await DeliverFiveTimesAsync(first, answer, checkIn);
                await DrainedAsync(first);
                await AssertCountedOnceAsync(first, answer, checkIn);
            }

            await using var second = StartHost(store);
            await DeliverFiveTimesAsync(second, answer, checkIn);
            await DrainedAsync(second);
            await AssertCountedOnceAsync(second, answer, checkIn);
            // One toast for the one check-in that counted (it may go out only after the restart); none for the re-deliveries.
            bool Toast(RecordedRequest r) => r.Method == "answerCallbackQuery" && r.Field("text") is not null;
            await Eventually.UntilAsync(() => Task.FromResult(_api.Requests.Any(Toast)), "the check-in toast");
            await Task.Delay(1000);
            Assert.Single(_api.Requests, Toast);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    private static async Task DeliverFiveTimesAsync(AcademyApp host, params string[] updates)
    {
        var statuses = await Task.WhenAll(updates.SelectMany(u => Enumerable.Repeat(u, 5)).Select(u => PostAsync(host, u)));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    private static async Task AssertCountedOnceAsync(AcademyApp host, string answer, string checkIn)
    {
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT COUNT(*) FROM answers"));
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT COUNT(*) FROM checkins"));
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT COUNT(*) FROM ledger WHERE kind = 'answer'"));
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT COUNT(*) FROM ledger WHERE kind = 'checkin'"));
        Assert.Equal(2, await host.ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE payload IN (@answer, @checkIn)", new { answer, checkIn }));
    }

    private static Task DrainedAsync(AcademyApp host) =>
        Eventually.UntilAsync(async () => await host.UnprocessedUpdatesAsync() == 0, "inbox drained");

    private AcademyApp StartHost(ITestStore store)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = _api.Token,
            ["Telegram:ApiBaseUrl"] = _api.BaseUrl,
            ["Telegram:Mode"] = "Webhook",
            ["Telegram:WebhookUrl"] = "https://academy.example.org" + HookPath,
            ["Telegram:SecretToken"] = Secret,
            ["Playground:Enabled"] = "true", // seeds the sample course, once
        };
        if (store.Options.Provider == StoreProvider.Postgres)
        {
            settings["Storage:Provider"] = "Postgres";
            settings["Storage:ConnectionString"] = store.Options.ConnectionString;
        }
        return new AcademyApp(settings, time: new ShiftedTime(Day1Morning), store: store as SqliteTestStore);
    }

    private async Task RegisterAsync(AcademyApp host, long user, string phone)
    {
        await PostAsync(host, _updates.PrivateText(user, "/start"));
        await WaitForSendAsync(user, text => text.Contains("choose your language", StringComparison.Ordinal));
        await PostAsync(host, _updates.Callback(user, user, "lang:en"));
        await WaitForSendAsync(user, text => text.Contains("share your phone number", StringComparison.Ordinal));
        await PostAsync(host, _updates.Contact(user, phone));
        await WaitForSendAsync(user, text => text.StartsWith("Welcome", StringComparison.Ordinal));
    }

    private async Task<RecordedRequest> WaitForSendAsync(long chat, Func<string, bool> text)
    {
        RecordedRequest? found = null;
        await Eventually.UntilAsync(() => Task.FromResult((found = _api.Requests.LastOrDefault(r =>
            r.Method == "sendMessage" && r.ChatId == chat && r.StatusCode == 200 && text(r.Field("text") ?? ""))) is not null), $"a message to {chat}");
        return found!;
    }

    private static Task<HttpStatusCode> PostAsync(AcademyApp host, string json) =>
        TelegramUpdates.PostAsync(host.Client, HookPath, json, Secret);
}

public sealed class SqliteRedeliveryTests : RedeliverySuite
{
    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());
}

[Trait("Category", "Postgres")]
public sealed class PostgresRedeliveryTests : RedeliverySuite
{
    protected override async Task<ITestStore> CreateStoreAsync() => await PostgresTestStore.CreateAsync();
}
