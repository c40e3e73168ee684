using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Academy.BotHost.Channels.Telegram;

namespace Academy.Tests.Telegram;

public sealed class TelegramBotClientTests : IAsyncLifetime
{
    private FakeBotApi _api = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _api = await FakeBotApi.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    private TelegramBotClient Client(string? token = null, TimeSpan? requestTimeout = null) =>
        new(_http, new TelegramOptions { BotToken = token ?? _api.Token, ApiBaseUrl = _api.BaseUrl, RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(10) });

    [Fact]
    public async Task GetMe_returns_the_bot_with_its_64_bit_id()
    {
        var me = await Client().GetMeAsync();
        Assert.Equal(FakeBotApi.BotId, me.Id);
        Assert.True(me.IsBot);
        Assert.Equal(FakeBotApi.BotUsername, me.Username);
        Assert.Equal("getMe", Assert.Single(_api.Requests).Method);
    }

    [Fact]
    public async Task A_wrong_token_is_401_and_the_exception_does_not_contain_it()
    {
        var wrong = $"{FakeBotApi.BotId}:wrong-secret";
        var ex = await Assert.ThrowsAsync<TelegramApiException>(() => Client(wrong).GetMeAsync());
        Assert.Equal(401, ex.ErrorCode);
        Assert.Equal("Unauthorized", ex.Description);
        Assert.DoesNotContain("wrong-secret", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendMessage_posts_snake_case_json_and_message_ids_count_per_chat()
    {
        var client = Client();
        var first = await client.SendMessageAsync(new SendMessageRequest(-1001987654321, "<b>Hi</b> &amp; welcome") { MessageThreadId = 42 });
        var second = await client.SendMessageAsync(new SendMessageRequest(-1001987654321, "again") { MessageThreadId = 42 });
        var elsewhere = await client.SendMessageAsync(new SendMessageRequest(5123456789, "hello"));

        Assert.Equal([1L, 2L, 1L], [first.MessageId, second.MessageId, elsewhere.MessageId]);
        Assert.Equal("Hi & welcome", first.Text);
        Assert.Equal(-1001987654321, first.Chat!.Id);
        Assert.Equal(42, first.MessageThreadId);
        var sent = _api.Requests[0];
        Assert.False(sent.IsMultipart);
        Assert.Equal("-1001987654321", sent.Field("chat_id"));
        Assert.Equal("42", sent.Field("message_thread_id"));
        Assert.Equal("HTML", sent.Field("parse_mode"));
        Assert.False(sent.Fields.ContainsKey("reply_markup")); // nulls are not sent
    }

    [Fact]
    public async Task Refusals_carry_telegrams_error_code_description_and_parameters()
    {
        _api.MigrateChat(-4012345678, -1002345678901);
        _api.ThrottleNext(5123456789, 37);
        var client = Client();

        var migrated = await Assert.ThrowsAsync<TelegramApiException>(() => client.SendMessageAsync(new SendMessageRequest(-4012345678, "hi")));
        Assert.Equal(400, migrated.ErrorCode);
        Assert.Equal(-1002345678901, migrated.MigrateToChatId);

        var throttled = await Assert.ThrowsAsync<TelegramApiException>(() => client.SendMessageAsync(new SendMessageRequest(5123456789, "hi")));
        Assert.Equal(429, throttled.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(37), throttled.RetryAfter);

        var badHtml = await Assert.ThrowsAsync<TelegramApiException>(() => client.SendMessageAsync(new SendMessageRequest(5123456789, "a < b")));
        Assert.StartsWith("Bad Request: can't parse entities", badHtml.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetUpdates_confirms_by_offset_and_long_polls_for_new_updates()
    {
        var client = Client();
        var ids = Enumerable.Range(0, 3).Select(i => _api.EnqueueUpdate(
            """{"message":{"message_id":1,"chat":{"id":5123456789,"type":"private"},"date":1767225600,"text":"m"}}""")).ToList();

        var batch = await client.GetUpdatesAsync(offset: null, limit: 2, timeoutSeconds: 0);
        Assert.Equal(ids[..2], batch.Select(u => u.GetProperty("update_id").GetInt64()));

        var next = batch[^1].GetProperty("update_id").GetInt64() + 1;
        batch = await client.GetUpdatesAsync(next, timeoutSeconds: 0);
        Assert.Equal([ids[2]], batch.Select(u => u.GetProperty("update_id").GetInt64()));
        Assert.Equal(1, _api.PendingUpdates); // the first two are confirmed and gone

        var poll = client.GetUpdatesAsync(ids[2] + 1, timeoutSeconds: 30);
        await Task.Delay(200);
        Assert.False(poll.IsCompleted);
        var late = _api.EnqueueUpdate("""{"poll_answer":{"poll_id":"p","user":{"id":1,"is_bot":false,"first_name":"A"},"option_ids":[0]}}""");
        var arrived = await poll.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(late, Assert.Single(arrived).GetProperty("update_id").GetInt64());
        Assert.Equal(1, _api.PendingUpdates); // delivered, not yet confirmed
        Assert.Equal(JsonSerializer.Serialize(TelegramBotClient.AllowedUpdates), _api.Requests[^1].Field("allowed_updates"));
    }

    [Fact]
    public async Task A_second_concurrent_poller_gets_409()
    {
        var client = Client();
        var first = client.GetUpdatesAsync(null, timeoutSeconds: 2);
        await Task.Delay(200);
        var conflict = await Assert.ThrowsAsync<TelegramApiException>(() => client.GetUpdatesAsync(null, timeoutSeconds: 0));
        Assert.Equal(409, conflict.ErrorCode);
        Assert.Empty(await first);
    }

    [Fact]
    public async Task Polling_while_a_webhook_is_set_is_a_conflict_until_it_is_deleted()
    {
        var client = Client();
        Assert.True(await client.SetWebhookAsync("https://academy.example.com/telegram", "s3cret_token-1", maxConnections: 10));
        Assert.Equal(409, (await Assert.ThrowsAsync<TelegramApiException>(() => client.GetUpdatesAsync(null, timeoutSeconds: 0))).ErrorCode);
        Assert.Equal("s3cret_token-1", _api.Requests[0].Field("secret_token"));
        Assert.Contains("chat_member", _api.Requests[0].Field("allowed_updates")!, StringComparison.Ordinal);
        Assert.True(await client.DeleteWebhookAsync());
        Assert.Empty(await client.GetUpdatesAsync(null, timeoutSeconds: 0));
    }

    [Fact]
    public async Task Typed_wrappers_round_trip()
    {
        _api.EnforceRateLimits = false; // many sends into one group, faster than Telegram allows
        var client = Client();
        const long group = -1001987654321;
        var poll = await client.SendPollAsync(new SendPollRequest(group, "2+2?", [new("3"), new("4")]) { CorrectOptionIds = [1], Explanation = "basic" });
        Assert.False(poll.Poll!.IsAnonymous);
        Assert.Equal("quiz", poll.Poll.Type);
        Assert.Equal([1], poll.Poll.CorrectOptions);
        Assert.False(poll.Poll.AllowsRevoting);
        Assert.NotEmpty(poll.Poll.Id);
        var stopped = await client.StopPollAsync(group, poll.MessageId);
        Assert.True(stopped.IsClosed);
        Assert.Equal(poll.Poll.Id, stopped.Id);

        var text = await client.SendMessageAsync(new SendMessageRequest(group, "Question")
        {
            ReplyMarkup = new InlineKeyboardMarkup([[new InlineKeyboardButton("A", "q:1:0")]]),
        });
        // The keyboard goes along with the new text (an edit without one removes it, and then there would be nothing left to remove).
        var edited = await client.EditMessageTextAsync(new EditMessageTextRequest(group, text.MessageId, "Question (closed)")
        {
            ReplyMarkup = new InlineKeyboardMarkup([[new InlineKeyboardButton("A", "q:1:0")]]),
        });
        Assert.Equal("Question (closed)", edited.Text);
        await client.EditMessageReplyMarkupAsync(new EditMessageReplyMarkupRequest(group, text.MessageId, null));
        Assert.True(await client.AnswerCallbackQueryAsync(new AnswerCallbackQueryRequest("4382bf") { Text = "Saved" }));

        var photo = await client.SendPhotoAsync(new SendPhotoRequest(group) { Upload = new FileUpload("chart.png", [137, 80, 78, 71]), Caption = "<b>Week 1</b>", ParseMode = "HTML", MessageThreadId = 7 });
        Assert.NotEmpty(photo.Photo!);
        var upload = _api.Requests.Single(r => r.Method == "sendPhoto");
        Assert.True(upload.IsMultipart);
        Assert.Equal([137, 80, 78, 71], upload.Files["photo"].Content);
        Assert.Equal("chart.png", upload.Files["photo"].FileName);
        Assert.Equal("7", upload.Field("message_thread_id"));
        var document = await client.SendDocumentAsync(new SendDocumentRequest(group) { Document = "https://example.com/report.pdf" });
        Assert.NotNull(document.Document);

        Assert.Equal("supergroup", (await client.GetChatAsync(group)).Type);
        Assert.Equal("administrator", (await client.GetChatMemberAsync(group, FakeBotApi.BotId)).Status);
        Assert.True(await client.SetMyCommandsAsync([new BotCommand("today", "Today's lesson")], BotCommandScope.AllGroupChats, "vi"));
        var commands = _api.Requests[^1];
        Assert.Equal("all_group_chats", commands.FieldJson("scope").GetProperty("type").GetString());
        Assert.Equal("vi", commands.Field("language_code"));
    }

    [Fact]
    public async Task No_answer_within_the_request_timeout_is_a_timeout_without_the_token()
    {
        _api.HangChat(5123456789);
        var stopwatch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<TaskCanceledException>(() =>
            Client(requestTimeout: TimeSpan.FromMilliseconds(500)).SendMessageAsync(new SendMessageRequest(5123456789, "hi")));
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(5));
        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.DoesNotContain(_api.Token, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_connection_surfaces_without_the_token()
    {
        var closedPort = ClosedPort();
        var client = new TelegramBotClient(_http, new TelegramOptions { BotToken = _api.Token, ApiBaseUrl = $"http://127.0.0.1:{closedPort}" });
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetMeAsync());
        Assert.Equal(HttpRequestError.ConnectionError, ex.HttpRequestError);
        Assert.DoesNotContain(_api.Token, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Token.Split(':')[1], ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connect_that_times_out_is_a_connection_failure_since_nothing_left()
    {
        using var unanswered = await Academy.Fakes.UnansweredPort.OpenAsync();
        var client = new TelegramBotClient(_http, new TelegramOptions
        {
            BotToken = _api.Token, ApiBaseUrl = $"http://127.0.0.1:{unanswered.Port}", RequestTimeout = TimeSpan.FromMilliseconds(500),
        });
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.SendMessageAsync(new SendMessageRequest(5123456789, "hi")));
        Assert.Equal(HttpRequestError.ConnectionError, ex.HttpRequestError);
        Assert.Contains("nothing was sent", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Token, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_dressed_up_as_a_timeout()
    {
        _api.HangChat(5123456789);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client().SendMessageAsync(new SendMessageRequest(5123456789, "hi"), cts.Token));
        Assert.IsNotType<TimeoutException>(ex.InnerException);
    }

    [Theory]
    [InlineData("\"correct_option_id\":2", new[] { 2 })]                       // before Bot API 9.6
    [InlineData("\"correct_option_ids\":[0,2],\"allows_revoting\":false", new[] { 0, 2 })] // 9.6 and later
    [InlineData("\"correct_option_ids\":[1],\"correct_option_id\":1", new[] { 1 })]  // a server writing both
    public async Task A_quizs_correct_options_are_read_from_either_shape_of_the_poll(string fields, int[] expected)
    {
        var body = "{\"ok\":true,\"result\":{\"id\":\"53\",\"question\":\"Q\",\"options\":[{\"text\":\"a\",\"voter_count\":0},{\"text\":\"b\",\"voter_count\":0},{\"text\":\"c\",\"voter_count\":1}],"
                   + "\"total_voter_count\":1,\"is_closed\":true,\"is_anonymous\":false,\"type\":\"quiz\",\"allows_multiple_answers\":" + (expected.Length > 1 ? "true" : "false") + "," + fields + "}}";
        using var http = new HttpClient(new Answering(body));
        var client = new TelegramBotClient(http, new TelegramOptions { BotToken = _api.Token, ApiBaseUrl = "http://127.0.0.1:1" });
        var poll = await client.StopPollAsync(-1001987654321, 7);
        Assert.Equal(expected, poll.CorrectOptions);
    }

    /// <summary>A server that answers every request with one body, as a Bot API of another version would.</summary>
    private sealed class Answering(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") });
    }

    [Fact]
    public void Options_refuse_a_missing_token_and_describe_webhook_mistakes_without_secrets()
    {
        Assert.Throws<ArgumentException>(() => new TelegramBotClient(_http, new TelegramOptions()));
        var errors = new TelegramOptions { BotToken = "123:secret", Mode = TelegramMode.Webhook, WebhookUrl = "http://x", SecretToken = "bad token!" }.Validate();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.DoesNotContain("secret", e, StringComparison.Ordinal));
    }

    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
