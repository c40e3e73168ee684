using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Academy.BotHost.Channels.Zalo.ZaloProtocol;
using Academy.Fakes.Zalo;
using Academy.Tests.WeChatFamily;
using Microsoft.AspNetCore.Http;

namespace Academy.Tests.Zalo;

/// <summary>
/// The Bot Platform behaviour the fake encodes that a channel could get wrong, read back through the product's
/// protocol code: one update per <c>getUpdates</c> and 408 when nothing came, polling and webhook exclusive,
/// the webhook's secret header and retries, private chats only, 2000 characters.
/// </summary>
public sealed class FakeZaloBotTests : IAsyncLifetime
{
    private FakeZaloBot _fake = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeZaloBot.StartAsync();
        _fake.MaxLongPoll = TimeSpan.FromMilliseconds(300);
        _http = new HttpClient { BaseAddress = new Uri(_fake.BaseUrl) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task Each_poll_brings_one_update_in_order_and_an_empty_poll_is_408()
    {
        _fake.SendText("u1", "Xin chào");
        _fake.SendText("u2", "2");

        var first = await PollAsync();
        var second = await PollAsync();
        var third = await PollAsync();

        Assert.Equal(("u1", "Xin chào"), (first.Update!.FromId, first.Update.Text));
        Assert.Equal(("u2", "2"), (second.Update!.ChatId, second.Update.Text));
        Assert.True(third.NothingNew);
        Assert.Equal(408, _fake.CallsTo("getUpdates")[^1].Errcode);
    }

    [Fact]
    public async Task A_long_poll_returns_as_soon_as_a_learner_writes()
    {
        _fake.MaxLongPoll = TimeSpan.FromSeconds(10);
        var poll = PollAsync();
        await Task.Delay(100);
        _fake.SendText("u1", "A");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("A", (await poll).Update!.Text);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task While_a_webhook_is_set_polling_is_refused_and_updates_are_pushed_with_the_secret()
    {
        var received = new ConcurrentQueue<(string Body, Dictionary<string, string> Headers)>();
        await using var host = await LoopbackHost.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            received.Enqueue((await reader.ReadToEndAsync(), Copy(context.Request.Headers)));
        });
        Assert.False((await CallAsync("setWebhook", new JsonObject { ["url"] = host.Client.BaseAddress + "zalo/bot", ["secret_token"] = "short" })).Ok);
        Assert.True((await CallAsync("setWebhook", new JsonObject { ["url"] = host.Client.BaseAddress + "zalo/bot", ["secret_token"] = "s3cret-token-42" })).Ok);

        var poll = await PollAsync();
        Assert.False(poll.NothingNew);
        Assert.Equal(409, poll.Error!.Code);

        _fake.SendText("u1", "Tôi chọn B");
        var delivery = Assert.Single(await _fake.WaitForDeliveriesAsync(1, TimeSpan.FromSeconds(5)));
        Assert.True(delivery.Accepted);
        var (body, headers) = Assert.Single(received);
        var update = ZbProtocol.OpenWebhook("s3cret-token-42", headers.GetValueOrDefault(ZbProtocol.SecretHeader), Encoding.UTF8.GetBytes(body));
        Assert.True(update.IsOk, update.Error?.ToString());
        Assert.Equal("Tôi chọn B", update.Value.Text);

        Assert.True((await CallAsync("deleteWebhook", [])).Ok);
        _fake.SendText("u1", "C");
        Assert.Equal("C", (await PollAsync()).Update!.Text);
    }

    [Fact]
    public async Task A_webhook_that_fails_is_tried_again_on_the_schedule()
    {
        var answers = new ConcurrentQueue<int>([500, 502]);
        await using var host = await LoopbackHost.StartAsync(context =>
        {
            context.Response.StatusCode = answers.TryDequeue(out var status) ? status : 200;
            return Task.CompletedTask;
        });
        _fake.WebhookRetrySchedule = [TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10)];
        await CallAsync("setWebhook", new JsonObject { ["url"] = host.Client.BaseAddress + "zalo/bot", ["secret_token"] = "s3cret-token-42" });

        _fake.SendText("u1", "1");
        var delivery = Assert.Single(await _fake.WaitForDeliveriesAsync(1, TimeSpan.FromSeconds(5)));

        Assert.Equal([500, 502, 200], delivery.Attempts.Select(a => a.Status!.Value));
    }

    [Fact]
    public async Task Sends_go_only_to_private_chats_that_wrote_and_hold_at_most_2000_characters()
    {
        _fake.SendText("u1", "hi");
        _fake.SendGroupText("g1", "u2", "hi group");
        await PollAsync();
        await PollAsync();

        Assert.True((await CallAsync("sendMessage", new JsonObject { ["chat_id"] = "u1", ["text"] = new string('a', 2000) })).Ok);
        var tooLong = await CallAsync("sendMessage", new JsonObject { ["chat_id"] = "u1", ["text"] = new string('a', 2001) });
        Assert.Equal(400, tooLong.Error!.Code);
        Assert.Equal(403, (await CallAsync("sendMessage", new JsonObject { ["chat_id"] = "g1", ["text"] = "x" })).Error!.Code);
        Assert.Equal(400, (await CallAsync("sendMessage", new JsonObject { ["chat_id"] = "never-wrote", ["text"] = "x" })).Error!.Code);
        Assert.True((await CallAsync("sendChatAction", new JsonObject { ["chat_id"] = "u1", ["action"] = "typing" })).Ok);
        Assert.True((await CallAsync("sendPhoto", new JsonObject { ["chat_id"] = "u1", ["photo"] = "https://academy.example/c.png", ["caption"] = "Chứng nhận" })).Ok);
        Assert.Equal(2, _fake.SentTo("u1").Count);
        Assert.Empty(_fake.SentTo("g1"));
    }

    [Fact]
    public async Task A_wrong_token_and_injected_faults_answer_as_the_bot_api_does()
    {
        using var wrong = await _http.PostAsync("/bot123:nope/getMe", new StringContent("{}", Encoding.UTF8, "application/json"));
        var unauthorized = ZbProtocol.ReadEnvelope((int)wrong.StatusCode, await wrong.Content.ReadAsStringAsync()).Value.Error!;
        Assert.True(unauthorized.IsUnauthorized);

        var me = await CallAsync("getMe", []);
        Assert.Equal(FakeZaloBot.BotId, me.Result!.Value.GetProperty("id").GetString());

        _fake.SendText("u1", "x");
        await PollAsync();
        _fake.Faults.Errcode("sendMessage", 429);
        Assert.True((await CallAsync("sendMessage", new JsonObject { ["chat_id"] = "u1", ["text"] = "x" })).Error!.IsRateLimited);
        _fake.Faults.Drop("sendMessage");
        await Assert.ThrowsAsync<HttpRequestException>(() => CallAsync("sendMessage", new JsonObject { ["chat_id"] = "u1", ["text"] = "x" }));
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private async Task<ZbPoll> PollAsync()
    {
        using var response = await _http.PostAsync($"/bot{_fake.Token}/getUpdates", new StringContent("""{"timeout":"30"}""", Encoding.UTF8, "application/json"));
        var poll = ZbProtocol.ReadGetUpdates((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        Assert.True(poll.IsOk, poll.Error?.ToString());
        return poll.Value;
    }

    private async Task<(bool Ok, System.Text.Json.JsonElement? Result, ZbApiError? Error)> CallAsync(string method, JsonObject body)
    {
        using var response = await _http.PostAsync($"/bot{_fake.Token}/{method}", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var answer = ZbProtocol.ReadEnvelope((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        Assert.True(answer.IsOk, answer.Error?.ToString());
        return (answer.Value.Error is null, answer.Value.Result, answer.Value.Error);
    }

    // Kestrel reuses a request's header collection once it is answered: keep a copy.
    private static Dictionary<string, string> Copy(IHeaderDictionary headers) =>
        headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
}
