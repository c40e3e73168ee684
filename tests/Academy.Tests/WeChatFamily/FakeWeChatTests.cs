using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Academy.BotHost.Channels.WeChatFamily;
using Academy.Fakes.WeChat;
using Academy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Academy.Tests.WeChatFamily;

/// <summary>
/// The documented Official Account rules the fake encodes and the channel's dispatcher must respect:
/// the customer-service windows, stable_token's refresh rules, template values cut short, QR follow
/// events, snsapi_base codes used once, and callbacks signed (and encrypted in safe mode) as WeChat does.
/// </summary>
public sealed class FakeWeChatTests : IAsyncLifetime
{
    private readonly FakeTime _time = new(new DateTimeOffset(2026, 12, 7, 1, 0, 0, TimeSpan.Zero));
    private FakeWeChat _fake = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeWeChat.StartAsync(_time);
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_fake.BaseUrl) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task A_learner_message_allows_five_sends_within_48_hours_and_a_new_message_a_fresh_five()
    {
        _fake.AddFollower("o-learner");
        var token = await StableTokenAsync();
        Assert.Equal(45015, await CustomAsync(token, "o-learner"));

        _fake.OpenWindow("o-learner", WindowReason.Message);
        for (var i = 0; i < 5; i++) Assert.Equal(0, await CustomAsync(token, "o-learner"));
        Assert.Equal(45047, await CustomAsync(token, "o-learner"));

        _fake.OpenWindow("o-learner", WindowReason.Message);
        Assert.Equal(0, await CustomAsync(token, "o-learner"));

        _time.Advance(TimeSpan.FromHours(48));
        token = await StableTokenAsync();
        Assert.Equal(45015, await CustomAsync(token, "o-learner"));
        Assert.Equal(6, _fake.CustomMessagesTo("o-learner").Count);
    }

    [Fact]
    public async Task A_click_follow_or_scan_allows_three_sends_within_a_minute_and_not_the_five_of_a_message()
    {
        _fake.AddFollower("o-clicker");
        var token = await StableTokenAsync();
        _fake.OpenWindow("o-clicker", WindowReason.Event);

        for (var i = 0; i < 3; i++) Assert.Equal(0, await CustomAsync(token, "o-clicker"));
        Assert.Equal(45047, await CustomAsync(token, "o-clicker"));

        _fake.OpenWindow("o-clicker", WindowReason.Event);
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(45015, await CustomAsync(token, "o-clicker"));
    }

    [Fact]
    public async Task Someone_who_does_not_follow_gets_no_customer_service_message_and_no_template()
    {
        var token = await StableTokenAsync();
        _fake.OpenWindow("o-stranger", WindowReason.Message);

        Assert.Equal(45015, await CustomAsync(token, "o-stranger"));
        Assert.Equal(43004, (await PostAsync("message/template/send", token, Template("o-stranger", "x")))["errcode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Template_values_are_cut_to_twenty_characters_without_line_breaks()
    {
        _fake.AddFollower("o-learner");
        var token = await StableTokenAsync();

        var sent = await PostAsync("message/template/send", token, Template("o-learner", "第三课：全过程人民民主的\n实践与历史逻辑（下）"));

        Assert.Equal(0, sent["errcode"]!.GetValue<int>());
        var shown = _fake.TemplateMessagesTo("o-learner").Single();
        Assert.Equal(sent["msgid"]!.GetValue<long>(), shown.MsgId);
        Assert.Equal("第三课：全过程人民民主的实践与历史逻辑（", shown.Shown["thing1"]);
        Assert.Equal(20, shown.Shown["thing1"].Length);
    }

    [Fact]
    public async Task Stable_token_repeats_until_forced_a_force_within_30_seconds_does_not_refresh_and_the_21st_is_refused()
    {
        var first = await StableTokenAsync();
        Assert.Equal(first, await StableTokenAsync());

        var forced = await StableTokenAsync(force: true);
        Assert.NotEqual(first, forced);
        Assert.Equal(40001, await CustomAsync(first, "o-any"));
        Assert.Equal(forced, await StableTokenAsync(force: true)); // within 30 s: no refresh

        for (var i = 0; i < 19; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(31));
            await StableTokenAsync(force: true);
        }
        _time.Advance(TimeSpan.FromSeconds(31));
        var refused = await _http.PostAsJsonAsync("/cgi-bin/stable_token", StableRequest(force: true));
        Assert.Equal(45009, (await refused.Content.ReadFromJsonAsync<JsonObject>())!["errcode"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_stable_token_in_its_last_five_minutes_is_renewed_and_the_old_one_works_until_it_expires()
    {
        var old = await StableTokenAsync();
        _time.Advance(TimeSpan.FromSeconds(7200 - 299));

        var renewed = await StableTokenAsync();

        Assert.NotEqual(old, renewed);
        _fake.AddFollower("o-learner");
        _fake.OpenWindow("o-learner", WindowReason.Message);
        Assert.Equal(0, await CustomAsync(old, "o-learner"));
        _time.Advance(TimeSpan.FromSeconds(300));
        Assert.Equal(42001, await CustomAsync(old, "o-learner"));
        Assert.Equal(0, await CustomAsync(renewed, "o-learner"));
    }

    [Fact]
    public async Task Scanning_a_roster_QR_code_follows_with_qrscene_and_a_second_scan_sends_SCAN()
    {
        var token = await StableTokenAsync();
        var created = await PostAsync("qrcode/create", token, new JsonObject
        {
            ["expire_seconds"] = 2_592_000,
            ["action_name"] = "QR_STR_SCENE",
            ["action_info"] = new JsonObject { ["scene"] = new JsonObject { ["scene_str"] = "INVITE-7F3K" } },
        });
        var ticket = created["ticket"]!.GetValue<string>();
        Assert.Equal(2_592_000, created["expire_seconds"]!.GetValue<int>());
        using (var image = await _http.GetAsync("/cgi-bin/showqrcode?ticket=" + Uri.EscapeDataString(ticket)))
            Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);

        var events = new List<string>();
        await using var host = await LoopbackHost.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var fields = WxXml.Fields(WxXml.Parse(await reader.ReadToEndAsync()).Value);
            lock (events) events.Add(fields["Event"] + ":" + fields["EventKey"]);
        });
        var callbacks = new WeChatCallbacks(_fake, host.Client);

        await callbacks.ScanAsync("o-new", ticket);
        await callbacks.ScanAsync("o-new", ticket);

        Assert.Equal(["subscribe:qrscene_INVITE-7F3K", "SCAN:INVITE-7F3K"], events);
        Assert.True(_fake.IsFollower("o-new"));
        Assert.Equal(6, _fake.SendsLeft("o-new")); // two scans: two windows of three sends
    }

    [Fact]
    public async Task An_oauth_code_maps_to_the_browsers_openid_once()
    {
        _fake.BrowserOpenId = "o-reader";
        using var authorize = await _http.GetAsync($"/connect/oauth2/authorize?appid={FakeWeChat.AppId}&redirect_uri={Uri.EscapeDataString("https://academy.example/learn?x=1")}&response_type=code&scope=snsapi_base&state=s1");
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        var location = authorize.Headers.Location!.ToString();
        Assert.StartsWith("https://academy.example/learn?x=1&code=", location, StringComparison.Ordinal);
        var code = WxQuery.Parse(new Uri(location).Query)["code"];

        var url = $"/sns/oauth2/access_token?appid={FakeWeChat.AppId}&secret={FakeWeChat.AppSecret}&code={code}&grant_type=authorization_code";
        Assert.Equal("o-reader", (await _http.GetFromJsonAsync<JsonObject>(url))!["openid"]!.GetValue<string>());
        Assert.Equal(40163, (await _http.GetFromJsonAsync<JsonObject>(url))!["errcode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Safe_mode_callbacks_carry_both_signatures_the_host_can_open_and_its_encrypted_reply_is_read_back()
    {
        var crypt = new WxMessageCrypt(FakeWeChat.Token, FakeWeChat.EncodingAesKey, FakeWeChat.AppId);
        await using var host = await LoopbackHost.StartAsync(async context =>
        {
            var query = WxQuery.Parse(context.Request.QueryString.Value);
            if (!WxSignature.VerifyPlain(FakeWeChat.Token, query))
            {
                context.Response.StatusCode = 401;
                return;
            }
            if (HttpMethods.IsGet(context.Request.Method))
            {
                await context.Response.WriteAsync(query.EchoStr!);
                return;
            }
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var opened = crypt.OpenXml(query, buffer.ToArray());
            var from = WxXml.Fields(WxXml.Parse(opened.Value.Message).Value)["FromUserName"];
            await context.Response.WriteAsync(crypt.SealXml($"<xml><ToUserName><![CDATA[{from}]]></ToUserName><Content><![CDATA[你好]]></Content></xml>", "1700000000", "n1"));
        });
        var callbacks = new WeChatCallbacks(_fake, host.Client, safeMode: true);

        using (var handshake = callbacks.Handshake(out var echo))
        using (var answer = await host.Client.SendAsync(handshake))
            Assert.Equal(echo, await answer.Content.ReadAsStringAsync());
        using (var forged = callbacks.Handshake(out _, validSignature: false))
        using (var refused = await host.Client.SendAsync(forged))
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var result = await callbacks.TextAsync("o-learner", "A");

        Assert.True(result.Accepted);
        Assert.Null(result.ReplyError);
        Assert.Contains("<![CDATA[o-learner]]>", result.Reply, StringComparison.Ordinal);
        Assert.Equal(5, _fake.SendsLeft("o-learner"));
    }

    [Fact]
    public async Task A_host_that_never_answers_in_time_gets_three_tries_in_all()
    {
        var tries = 0;
        await using var host = await LoopbackHost.StartAsync(async context =>
        {
            Interlocked.Increment(ref tries);
            await Task.Delay(TimeSpan.FromSeconds(3), context.RequestAborted);
        });
        var callbacks = new WeChatCallbacks(_fake, host.Client) { Timeout = TimeSpan.FromMilliseconds(300) };

        var result = await callbacks.ClickAsync("o-learner", "CHECKIN_TODAY");

        Assert.False(result.Accepted);
        Assert.Equal(3, result.Delivery.Attempts.Count);
        Assert.All(result.Delivery.Attempts, a => Assert.True(a.TimedOut));
        Assert.Equal(3, tries);
    }

    private async Task<string> StableTokenAsync(bool force = false)
    {
        using var response = await _http.PostAsJsonAsync("/cgi-bin/stable_token", StableRequest(force));
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }

    private static JsonObject StableRequest(bool force) => new()
    {
        ["grant_type"] = "client_credential", ["appid"] = FakeWeChat.AppId, ["secret"] = FakeWeChat.AppSecret, ["force_refresh"] = force,
    };

    private async Task<int> CustomAsync(string token, string openId) =>
        (await PostAsync("message/custom/send", token, new JsonObject
        {
            ["touser"] = openId, ["msgtype"] = "text", ["text"] = new JsonObject { ["content"] = "今日课程" },
        }))["errcode"]!.GetValue<int>();

    private async Task<JsonObject> PostAsync(string method, string token, JsonObject body)
    {
        using var response = await _http.PostAsJsonAsync($"/cgi-bin/{method}?access_token={token}", body);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static JsonObject Template(string openId, string title) => new()
    {
        ["touser"] = openId,
        ["template_id"] = FakeWeChat.DefaultTemplateId,
        ["url"] = "https://academy.example/learn",
        ["data"] = new JsonObject { ["thing1"] = new JsonObject { ["value"] = title }, ["time2"] = new JsonObject { ["value"] = "2026-12-07" } },
    };
}
