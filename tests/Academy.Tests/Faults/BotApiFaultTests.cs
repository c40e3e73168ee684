using System.Globalization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Academy.Tests.Telegram;
using Microsoft.Extensions.DependencyInjection;

namespace Academy.Tests.Faults;

/// <summary>
/// A Bot API that misbehaves per chat — 500s, requests that never answer, a 429 asking for a long
/// wait — while a broadcast goes out: the troubled chats' messages are not lost (sent later, in
/// order, or reported as possibly delivered), and every other chat is served without waiting for them.
/// (~30 s: the long retry_after is real time.)
/// </summary>
public sealed class BotApiFaultTests : IAsyncLifetime
{
    private const long Throttled = 9101, Failing = 9102, Hanging = 9103;
    private const int RetryAfterSeconds = 20;
    private FakeBotApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeBotApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task One_chat_waiting_out_a_long_429_or_a_dead_request_holds_up_no_other_and_loses_nothing()
    {
        await using var host = new AcademyApp(new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = _api.Token,
            ["Telegram:ApiBaseUrl"] = _api.BaseUrl,
            ["Telegram:Mode"] = "Webhook",
            ["Telegram:WebhookUrl"] = "https://academy.example.org/telegram/hook",
            ["Telegram:SecretToken"] = "faults-Secret_1",
            ["Telegram:RequestTimeout"] = "00:00:03",
            ["Playground:Enabled"] = "false",
        });
        await Eventually.UntilAsync(() => Task.FromResult(_api.WebhookUrl is not null), "setWebhook");
        _api.ThrottleNext(Throttled, RetryAfterSeconds);
        _api.FailNext(Failing, 2);
        _api.HangChat(Hanging);

        var others = Enumerable.Range(1, 60).Select(i => 9200L + i).ToList();
        await EnqueueAsync(host, [.. Enumerable.Range(1, 3).Select(n => (Throttled, $"part {n}")), (Failing, "hello"), (Hanging, "hello"),
            .. others.Select(c => (c, "hello"))]);
        var start = DateTime.UtcNow;

        // Everyone else is served while the throttled chat still waits out its retry_after.
        await Eventually.UntilAsync(() => Task.FromResult(others.All(c => SentTo(c).Count == 1)), "the other chats served", seconds: 15);
        Assert.Empty(SentTo(Throttled));
        Assert.True(DateTime.UtcNow - start < TimeSpan.FromSeconds(RetryAfterSeconds), "the others waited for the throttled chat");
        await Eventually.UntilAsync(() => Task.FromResult(SentTo(Failing).Count == 1), "the failing chat served after its 500s", seconds: 20);

        // The throttled chat gets all three, in order, and not before Telegram allowed it.
        await Eventually.UntilAsync(() => Task.FromResult(SentTo(Throttled).Count == 3), "the throttled chat served", seconds: RetryAfterSeconds + 15);
        Assert.Equal(["part 1", "part 2", "part 3"], SentTo(Throttled));
        Assert.True(DateTime.UtcNow - start >= TimeSpan.FromSeconds(RetryAfterSeconds - 1), "the retry_after was not respected");
        Assert.Single(_api.Requests, r => r.ChatId == Throttled && r.StatusCode == 429);

        // A request that never came back may have been delivered: it is reported as such, not repeated.
        await Eventually.UntilAsync(async () => await StatusAsync(host, Hanging) == "unknown", "the hanging send settled as unknown", seconds: 20);
        Assert.Single(_api.Requests, r => r.ChatId == Hanging);
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status NOT IN ('sent', 'unknown')"));
        Assert.Equal(2, _api.Requests.Count(r => r.ChatId == Failing && r.StatusCode == 500));
    }

    private List<string> SentTo(long chat) =>
        [.. _api.Requests.Where(r => r.Method == "sendMessage" && r.ChatId == chat && r.StatusCode == 200).Select(r => r.Field("text")!)];

    private static Task<string> StatusAsync(AcademyApp host, long chat) =>
        host.ScalarAsync<string>("SELECT status FROM outbox WHERE chat_id = @chat", new { chat = chat.ToString(CultureInfo.InvariantCulture) });

    private static async Task EnqueueAsync(AcademyApp host, IReadOnlyList<(long Chat, string Text)> messages)
    {
        var outbox = host.Services.GetRequiredService<Outbox>();
        await using var s = await host.Services.GetRequiredService<AcademyDatabase>().BeginAsync();
        await outbox.EnqueueManyAsync(s, [.. messages.Select((m, i) => ($"faults/{i}", new OutgoingMessage
        {
            To = new ChatAddress("telegram", m.Chat.ToString(CultureInfo.InvariantCulture)), Text = m.Text,
        }))]);
        await s.CommitAsync();
        outbox.Notify();
    }
}
