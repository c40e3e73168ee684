using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Academy.BotHost.Channels.WeChatFamily;
using Academy.Fakes.WeCom;
using Academy.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Academy.Tests.WeChatFamily;

/// <summary>
/// The documented WeCom behaviours the fake encodes and a channel will lean on: token expiry, the
/// per-member limit, response codes used once within 72 h, the lookup block, and the robot's long
/// connection (displacement, the 5-second card update, pushes only into opened conversations).
/// </summary>
public sealed class FakeWeComTests : IAsyncLifetime
{
    private readonly FakeTime _time = new(new DateTimeOffset(2026, 12, 7, 1, 0, 0, TimeSpan.Zero));
    private FakeWeCom _fake = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeWeCom.StartAsync(_time);
        _http = new HttpClient { BaseAddress = new Uri(_fake.BaseUrl) };
        _fake.AddMember("zhangsan", "13800000001", "张三");
        _fake.AddMember("lisi", "13800000002", "李四");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task A_token_is_reused_while_valid_and_refused_as_expired_once_its_two_hours_pass()
    {
        var first = await TokenAsync();
        Assert.Equal(first, await TokenAsync());

        _time.Advance(TimeSpan.FromSeconds(7201));

        Assert.Equal(42001, (await PostAsync("message/send", first, Text("zhangsan", "hi")))["errcode"]!.GetValue<int>());
        var second = await TokenAsync();
        Assert.NotEqual(first, second);
        Assert.Equal(0, (await PostAsync("message/send", second, Text("zhangsan", "hi")))["errcode"]!.GetValue<int>());
        Assert.Equal(40001, (await _http.GetFromJsonAsync<JsonObject>($"/cgi-bin/gettoken?corpid={FakeWeCom.CorpId}&corpsecret=wrong"))!["errcode"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_members_31st_message_in_a_minute_is_accepted_but_silently_dropped()
    {
        var token = await TokenAsync();
        for (var i = 0; i < 31; i++)
            Assert.Equal(0, (await PostAsync("message/send", token, Text("zhangsan|lisi", "n" + i)))["errcode"]!.GetValue<int>());

        Assert.Equal(30, _fake.DeliveriesTo("zhangsan").Count);
        Assert.Single(_fake.Dropped, d => d.UserId == "zhangsan");

        _time.Advance(TimeSpan.FromMinutes(1));
        await PostAsync("message/send", token, Text("zhangsan", "later"));
        Assert.Equal(31, _fake.DeliveriesTo("zhangsan").Count);
    }

    [Fact]
    public async Task A_card_response_code_updates_once_within_72_hours_and_a_press_code_updates_only_the_presser()
    {
        var token = await TokenAsync();
        var sent = await PostAsync("message/send", token, new JsonObject
        {
            ["touser"] = "zhangsan|lisi|nobody",
            ["msgtype"] = "template_card",
            ["agentid"] = FakeWeCom.AgentId,
            ["template_card"] = CheckInCard("checkin-1"),
        });
        Assert.Equal("nobody", sent["invaliduser"]!.GetValue<string>());
        var sendCode = sent["response_code"]!.GetValue<string>();

        var pressCode = _fake.IssueAppPressCode("zhangsan", "checkin-1");
        var update = Update(pressCode, ["zhangsan"], "已签到");
        Assert.Equal(0, (await PostAsync("message/update_template_card", token, update))["errcode"]!.GetValue<int>());
        Assert.Equal("已签到", _fake.AppCardView("checkin-1", "zhangsan")!.ReplaceName);
        Assert.Null(_fake.AppCardView("checkin-1", "lisi")!.ReplaceName);

        Assert.NotEqual(0, (await PostAsync("message/update_template_card", token, Update(pressCode, ["zhangsan"], "again")))["errcode"]!.GetValue<int>());

        _time.Advance(TimeSpan.FromHours(72));
        Assert.NotEqual(0, (await PostAsync("message/update_template_card", token, Update(sendCode, ["lisi"], "late")))["errcode"]!.GetValue<int>());
        Assert.Null(_fake.AppCardView("checkin-1", "lisi")!.ReplaceName);
    }

    [Fact]
    public async Task Wrong_numbers_past_a_fifth_of_the_seats_block_getuserid_for_a_day()
    {
        _fake.SeatLimit = 10; // two wrong numbers are allowed, the third blocks
        var token = await TokenAsync();
        Assert.Equal("zhangsan", (await PostAsync("user/getuserid", token, new JsonObject { ["mobile"] = "13800000001" }))["userid"]!.GetValue<string>());
        for (var i = 0; i < 3; i++)
            Assert.Equal(46004, (await PostAsync("user/getuserid", token, new JsonObject { ["mobile"] = "1390000000" + i }))["errcode"]!.GetValue<int>());

        Assert.Equal(45009, (await PostAsync("user/getuserid", token, new JsonObject { ["mobile"] = "13800000001" }))["errcode"]!.GetValue<int>());

        _time.Advance(TimeSpan.FromDays(1));
        token = await TokenAsync();
        Assert.Equal(0, (await PostAsync("user/getuserid", token, new JsonObject { ["mobile"] = "13800000002" }))["errcode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Injected_faults_answer_the_next_calls_of_their_method_then_stop()
    {
        var token = await TokenAsync();
        _fake.Faults.Errcode("message/send", 45009, times: 2);
        _fake.Faults.ServerError("message/send");

        Assert.Equal(45009, (await PostAsync("message/send", token, Text("zhangsan", "a")))["errcode"]!.GetValue<int>());
        Assert.Equal(45009, (await PostAsync("message/send", token, Text("zhangsan", "b")))["errcode"]!.GetValue<int>());
        using (var failed = await _http.PostAsJsonAsync($"/cgi-bin/message/send?access_token={token}", Text("zhangsan", "c")))
            Assert.Equal(500, (int)failed.StatusCode);
        Assert.Equal(0, (await PostAsync("message/send", token, Text("zhangsan", "d")))["errcode"]!.GetValue<int>());
        Assert.Equal(["d"], _fake.DeliveriesTo("zhangsan").Select(d => d.Message["text"]!["content"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_second_subscriber_displaces_the_first_which_gets_disconnected_event_and_is_closed()
    {
        await using var first = await RobotClient.ConnectAsync(_fake);
        Assert.Equal(0, (await first.SubscribeAsync())["errcode"]!.GetValue<int>());
        await using var second = await RobotClient.ConnectAsync(_fake);

        Assert.Equal(0, (await second.SubscribeAsync())["errcode"]!.GetValue<int>());

        var notice = await first.ReceiveAsync();
        Assert.Equal("aibot_event_callback", notice!["cmd"]!.GetValue<string>());
        Assert.Equal("disconnected_event", notice["body"]!["event"]!["eventtype"]!.GetValue<string>());
        Assert.Null(await first.ReceiveAsync()); // then the server closes it
        Assert.Equal(2, _fake.RobotSubscriber());
    }

    [Fact]
    public async Task Wrong_robot_credentials_are_refused_and_the_socket_closed()
    {
        await using var client = await RobotClient.ConnectAsync(_fake);

        var ack = await client.SubscribeAsync(secret: "wrong");

        Assert.NotEqual(0, ack["errcode"]!.GetValue<int>());
        Assert.Null(await client.ReceiveAsync());
        Assert.False(_fake.RobotSubscribed());
    }

    [Fact]
    public async Task A_push_reaches_only_a_conversation_a_user_opened_and_a_reply_answers_the_callbacks_req_id()
    {
        await using var robot = await RobotClient.ConnectAsync(_fake);
        await robot.SubscribeAsync();
        Assert.Equal(0, (await robot.CommandAsync("ping", null))["errcode"]!.GetValue<int>());

        var refused = await robot.CommandAsync("aibot_send_msg", Markdown("chat-hn01", "早上好"));
        Assert.NotEqual(0, refused["errcode"]!.GetValue<int>());

        var mention = await _fake.MentionAsync("zhangsan", "chat-hn01", "bind HN-01");
        var callback = await robot.ReceiveAsync();
        Assert.Equal(mention.ReqId, callback!["headers"]!["req_id"]!.GetValue<string>());
        Assert.Equal("group", callback["body"]!["chattype"]!.GetValue<string>());
        Assert.Equal("zhangsan", callback["body"]!["from"]!["userid"]!.GetValue<string>());
        Assert.Equal("@Academy bind HN-01", callback["body"]!["text"]!["content"]!.GetValue<string>());

        var reply = await robot.CommandAsync("aibot_respond_msg", new JsonObject
        {
            ["msgtype"] = "stream",
            ["stream"] = new JsonObject { ["id"] = "s1", ["finish"] = true, ["content"] = "已绑定 HN-01" },
        }, mention.ReqId);
        Assert.Equal(0, reply["errcode"]!.GetValue<int>());
        Assert.Equal(0, (await robot.CommandAsync("aibot_send_msg", Markdown("chat-hn01", "早上好")))["errcode"]!.GetValue<int>());
        Assert.Equal(["aibot_respond_msg", "aibot_send_msg"], _fake.RobotMessagesIn("chat-hn01").Select(m => m.Via));
    }

    [Fact]
    public async Task A_card_press_names_the_presser_and_an_update_within_five_seconds_changes_only_their_card()
    {
        await using var robot = await RobotClient.ConnectAsync(_fake);
        await robot.SubscribeAsync();
        await _fake.MentionAsync("zhangsan", "chat-hn01", "hello");
        await robot.ReceiveAsync();
        var card = new JsonObject
        {
            ["card_type"] = "vote_interaction",
            ["main_title"] = new JsonObject { ["title"] = "Q1" },
            ["task_id"] = "quiz-q1",
            ["checkbox"] = new JsonObject
            {
                ["question_key"] = "q1",
                ["mode"] = 0,
                ["option_list"] = new JsonArray(new JsonObject { ["id"] = "A", ["text"] = "A" }, new JsonObject { ["id"] = "B", ["text"] = "B" }),
            },
            ["submit_button"] = new JsonObject { ["text"] = "提交", ["key"] = "submit" },
        };
        Assert.Equal(0, (await robot.CommandAsync("aibot_send_msg", new JsonObject { ["chatid"] = "chat-hn01", ["msgtype"] = "template_card", ["template_card"] = card }))["errcode"]!.GetValue<int>());

        var press = await _fake.PressCardAsync("lisi", "quiz-q1", "submit", new Dictionary<string, IReadOnlyList<string>> { ["q1"] = ["B"] });
        var pressEvent = (await robot.ReceiveAsync())!["body"]!;
        Assert.Equal("lisi", pressEvent["from"]!["userid"]!.GetValue<string>());
        Assert.Equal("chat-hn01", pressEvent["chatid"]!.GetValue<string>());
        var detail = pressEvent["event"]!["template_card_event"]!;
        Assert.Equal("quiz-q1", detail["task_id"]!.GetValue<string>());
        Assert.Equal("B", detail["selected_items"]!["selected_item"]![0]!["option_ids"]!["option_id"]![0]!.GetValue<string>());

        var answered = (JsonObject)card.DeepClone();
        answered["main_title"] = new JsonObject { ["title"] = "Q1 ✓ B" };
        var update = new JsonObject { ["response_type"] = "update_template_card", ["userids"] = new JsonArray("lisi"), ["template_card"] = answered };
        Assert.Equal(0, (await robot.CommandAsync("aibot_respond_update_msg", update, press.ReqId))["errcode"]!.GetValue<int>());
        Assert.Equal("Q1 ✓ B", _fake.RobotCardView("quiz-q1", "lisi")!.Card["main_title"]!["title"]!.GetValue<string>());
        Assert.Equal("Q1", _fake.RobotCardView("quiz-q1", "zhangsan")!.Card["main_title"]!["title"]!.GetValue<string>());

        var late = await _fake.PressCardAsync("zhangsan", "quiz-q1", "submit", new Dictionary<string, IReadOnlyList<string>> { ["q1"] = ["A"] });
        await robot.ReceiveAsync();
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.NotEqual(0, (await robot.CommandAsync("aibot_respond_update_msg", update, late.ReqId))["errcode"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_callback_builders_sign_and_encrypt_what_a_host_can_verify_even_with_a_literal_plus_and_retry_a_slow_host()
    {
        var attempts = 0;
        var appCrypt = new WxMessageCrypt(FakeWeCom.AppToken, FakeWeCom.AppEncodingAesKey, FakeWeCom.CorpId);
        var robotCrypt = new WxMessageCrypt(FakeWeCom.RobotToken, FakeWeCom.RobotEncodingAesKey, "");
        await using var host = await LoopbackHost.StartAsync(async context =>
        {
            var query = WxQuery.Parse(context.Request.QueryString.Value);
            var robot = context.Request.Path == "/wecom/robot";
            var crypt = robot ? robotCrypt : appCrypt;
            if (HttpMethods.IsGet(context.Request.Method))
            {
                var echo = crypt.VerifyUrl(query);
                context.Response.StatusCode = echo.IsOk ? 200 : 401;
                await context.Response.WriteAsync(echo.IsOk ? echo.Value : "");
                return;
            }
            if (Interlocked.Increment(ref attempts) == 1) await Task.Delay(TimeSpan.FromSeconds(2)); // the first try outlives the wait
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var opened = robot ? crypt.OpenJson(query, buffer.ToArray()) : crypt.OpenXml(query, buffer.ToArray());
            if (!opened.IsOk)
            {
                context.Response.StatusCode = 401;
                return;
            }
            var reply = robot
                ? crypt.SealJson("{\"msgtype\":\"text\",\"text\":{\"content\":\"收到\"}}", "1700000000", query.Nonce!)
                : crypt.SealXml("<xml><Content><![CDATA[收到]]></Content></xml>", "1700000000", "reply-nonce");
            await context.Response.WriteAsync(reply);
        });
        var callbacks = new WeComCallbacks(_fake, host.Client) { Timeout = TimeSpan.FromSeconds(1), LiteralPlus = true };

        using (var verification = callbacks.AppVerification(out var expected))
        {
            Assert.Contains("+", verification.RequestUri!.OriginalString, StringComparison.Ordinal); // unescaped on the wire
            using var answer = await host.Client.SendAsync(verification);
            Assert.Equal(expected, await answer.Content.ReadAsStringAsync());
        }
        var text = await callbacks.AppTextAsync("zhangsan", "我要签到");
        Assert.Equal(2, text.Delivery.Attempts.Count);
        Assert.True(text.Delivery.Attempts[0].TimedOut);
        Assert.Equal("<xml><Content><![CDATA[收到]]></Content></xml>", text.Reply);

        var robotText = await callbacks.RobotTextAsync("lisi", "/me");
        Assert.True(robotText.Accepted);
        Assert.Equal("{\"msgtype\":\"text\",\"text\":{\"content\":\"收到\"}}", robotText.Reply);
    }

    [Fact]
    public async Task An_app_card_press_callback_carries_the_presser_choices_and_a_response_code_that_updates_their_card()
    {
        var token = await TokenAsync();
        var card = new JsonObject
        {
            ["card_type"] = "vote_interaction",
            ["main_title"] = new JsonObject { ["title"] = "Q2" },
            ["task_id"] = "exam-q2",
            ["checkbox"] = new JsonObject
            {
                ["question_key"] = "q2",
                ["mode"] = 1,
                ["option_list"] = new JsonArray(new JsonObject { ["id"] = "A", ["text"] = "甲" }, new JsonObject { ["id"] = "B", ["text"] = "乙" }),
            },
            ["submit_button"] = new JsonObject { ["text"] = "提交", ["key"] = "submit" },
        };
        await PostAsync("message/send", token, new JsonObject { ["touser"] = "lisi", ["msgtype"] = "template_card", ["agentid"] = FakeWeCom.AgentId, ["template_card"] = card });
        System.Xml.Linq.XElement? pressed = null;
        var crypt = new WxMessageCrypt(FakeWeCom.AppToken, FakeWeCom.AppEncodingAesKey, FakeWeCom.CorpId);
        await using var host = await LoopbackHost.StartAsync(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            pressed = WxXml.Parse(crypt.OpenXml(WxQuery.Parse(context.Request.QueryString.Value), buffer.ToArray()).Value.Message).Value;
        });

        var result = await new WeComCallbacks(_fake, host.Client).AppCardPressAsync("lisi", "exam-q2", "submit",
            new Dictionary<string, IReadOnlyList<string>> { ["q2"] = ["A", "B"] });

        Assert.True(result.Accepted);
        Assert.Null(result.Reply);
        var fields = WxXml.Fields(pressed!);
        Assert.Equal("lisi", fields["FromUserName"]);
        Assert.Equal("template_card_event", fields["Event"]);
        Assert.Equal("exam-q2", fields["TaskId"]);
        Assert.Equal(["A", "B"], pressed!.Descendants("OptionId").Select(o => o.Value));
        var update = Update(fields["ResponseCode"], ["lisi"], "已提交");
        Assert.Equal(0, (await PostAsync("message/update_template_card", token, update))["errcode"]!.GetValue<int>());
        Assert.Equal("已提交", _fake.AppCardView("exam-q2", "lisi")!.ReplaceName);
    }

    [Fact]
    public async Task An_idle_robot_connection_is_closed_after_the_heartbeat_timeout_and_a_pinging_one_is_kept()
    {
        _fake.RobotHeartbeatTimeout = TimeSpan.FromSeconds(60);
        await using var idle = await RobotClient.ConnectAsync(_fake);
        await idle.SubscribeAsync();
        await using var busy = await RobotClient.ConnectAsync(_fake);

        _time.Advance(TimeSpan.FromSeconds(45));
        await busy.CommandAsync("ping", null);
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Null(await idle.ReceiveAsync());
        Assert.Equal(0, (await busy.CommandAsync("ping", null))["errcode"]!.GetValue<int>());
        Assert.False(_fake.RobotSubscribed());
    }

    [Fact]
    public async Task A_file_uploaded_in_chunks_becomes_a_media_id_the_robot_can_send()
    {
        await using var robot = await RobotClient.ConnectAsync(_fake);
        await robot.SubscribeAsync();
        await _fake.SendTextAsync("zhangsan", "/certificate");
        await robot.ReceiveAsync();
        var pdf = new byte[700 * 1024];
        new Random(3).NextBytes(pdf);

        var init = await robot.CommandAsync("aibot_upload_media_init", new JsonObject
        {
            ["type"] = "file", ["filename"] = "certificate.pdf", ["total_size"] = pdf.Length, ["total_chunks"] = 2,
            ["md5"] = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(pdf)),
        });
        var uploadId = init["body"]!["upload_id"]!.GetValue<string>();
        foreach (var (index, start, length) in new[] { (1, 512 * 1024, pdf.Length - 512 * 1024), (0, 0, 512 * 1024) })
            Assert.Equal(0, (await robot.CommandAsync("aibot_upload_media_chunk", new JsonObject
            {
                ["upload_id"] = uploadId, ["chunk_index"] = index, ["base64_data"] = Convert.ToBase64String(pdf, start, length),
            }))["errcode"]!.GetValue<int>());
        var finish = await robot.CommandAsync("aibot_upload_media_finish", new JsonObject { ["upload_id"] = uploadId });
        var mediaId = finish["body"]!["media_id"]!.GetValue<string>();

        Assert.Equal(pdf, _fake.RobotMedia[mediaId].Content);
        var sent = await robot.CommandAsync("aibot_send_msg", new JsonObject { ["chatid"] = "zhangsan", ["msgtype"] = "file", ["file"] = new JsonObject { ["media_id"] = mediaId } });
        Assert.Equal(0, sent["errcode"]!.GetValue<int>());
    }

    private async Task<string> TokenAsync() =>
        (await _http.GetFromJsonAsync<JsonObject>($"/cgi-bin/gettoken?corpid={FakeWeCom.CorpId}&corpsecret={FakeWeCom.AppSecret}"))!["access_token"]!.GetValue<string>();

    private async Task<JsonObject> PostAsync(string method, string token, JsonObject body)
    {
        using var response = await _http.PostAsJsonAsync($"/cgi-bin/{method}?access_token={token}", body);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static JsonObject Text(string toUser, string content) => new()
    {
        ["touser"] = toUser, ["msgtype"] = "text", ["agentid"] = FakeWeCom.AgentId, ["text"] = new JsonObject { ["content"] = content },
    };

    private static JsonObject Markdown(string chatId, string content) => new()
    {
        ["chatid"] = chatId, ["msgtype"] = "markdown", ["markdown"] = new JsonObject { ["content"] = content },
    };

    private static JsonObject CheckInCard(string taskId) => new()
    {
        ["card_type"] = "button_interaction",
        ["main_title"] = new JsonObject { ["title"] = "今日签到" },
        ["task_id"] = taskId,
        ["button_list"] = new JsonArray(new JsonObject { ["text"] = "签到", ["style"] = 1, ["key"] = "checkin" }),
    };

    private static JsonObject Update(string code, string[] userIds, string replaceName) => new()
    {
        ["userids"] = new JsonArray([.. userIds.Select(u => (JsonNode)JsonValue.Create(u)!)]),
        ["agentid"] = FakeWeCom.AgentId,
        ["response_code"] = code,
        ["button"] = new JsonObject { ["replace_name"] = replaceName },
    };
}

/// <summary>A bare long-connection client: what the channel's socket does, frame by frame.</summary>
internal sealed class RobotClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private int _serial;

    public static async Task<RobotClient> ConnectAsync(FakeWeCom fake)
    {
        var client = new RobotClient();
        await client._socket.ConnectAsync(new Uri(fake.RobotSocketUrl), CancellationToken.None);
        return client;
    }

    public Task<JsonObject> SubscribeAsync(string secret = FakeWeCom.BotSecret) =>
        CommandAsync("aibot_subscribe", new JsonObject { ["bot_id"] = FakeWeCom.BotId, ["secret"] = secret });

    /// <summary>Sends a command and returns its ack (frames arriving before it are skipped).</summary>
    public async Task<JsonObject> CommandAsync(string cmd, JsonObject? body, string? reqId = null)
    {
        reqId ??= cmd + "_" + Interlocked.Increment(ref _serial);
        var frame = new JsonObject { ["cmd"] = cmd, ["headers"] = new JsonObject { ["req_id"] = reqId } };
        if (body is not null) frame["body"] = body.DeepClone();
        await _socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        while (true)
        {
            var received = await ReceiveAsync() ?? throw new InvalidOperationException("closed before the ack");
            if (received["cmd"] is null && received["headers"]?["req_id"]?.GetValue<string>() == reqId) return received;
        }
    }

    /// <summary>The next frame, or null when the server closed the connection.</summary>
    public async Task<JsonObject?> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(buffer, timeout.Token);
            }
            catch (WebSocketException)
            {
                return null;
            }
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return JsonNode.Parse(message.ToArray())!.AsObject();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // already gone
        }
        _socket.Dispose();
    }
}

/// <summary>A minimal host on 127.0.0.1:0 standing in for Academy's callback endpoints.</summary>
internal sealed class LoopbackHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackHost(WebApplication app)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
    }

    public HttpClient Client { get; }

    public static async Task<LoopbackHost> StartAsync(RequestDelegate handle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(handle);
        await app.StartAsync();
        return new LoopbackHost(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
