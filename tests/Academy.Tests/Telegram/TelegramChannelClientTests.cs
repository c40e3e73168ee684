using System.Diagnostics;
using Academy.BotHost.Channels;
using Academy.BotHost.Channels.Telegram;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Tests.Support;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Telegram;

/// <summary>Send outcomes as the dispatcher sees them, against a Bot API that misbehaves on cue.</summary>
public sealed class TelegramChannelClientTests : IAsyncLifetime
{
    private const long Learner = 5123456789;
    private const long Group = -1001987654321;
    private readonly FakeTime _time = new(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private FakeBotApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeBotApi.StartAsync(_time);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    private TelegramChannelClient Channel(string? baseUrl = null) =>
        new(new TelegramBotClient(_http, new TelegramOptions { BotToken = _api.Token, ApiBaseUrl = baseUrl ?? _api.BaseUrl }));

    private static OutgoingMessage Text(long chat, string text, string? thread = null) =>
        new() { To = new ChatAddress("telegram", chat.ToString(System.Globalization.CultureInfo.InvariantCulture), thread), Text = text };

    [Fact]
    public void Capabilities_are_telegrams()
    {
        var channel = Channel();
        Assert.Equal("telegram", channel.Channel);
        Assert.Equal(new ChannelCapabilities(30, TimeSpan.FromSeconds(1), 20, 4096, true, 64) { UnpacedButtonAnswers = true }, channel.Capabilities);
    }

    [Fact]
    public async Task A_sent_message_reports_its_id()
    {
        var result = await Channel().SendAsync(Text(Learner, "Hello <there>"), default);
        Assert.Equal(new SendResult(SendStatus.Sent, "1"), result);
        Assert.Equal("Hello &lt;there&gt;", _api.Requests[0].Field("text"));
    }

    [Fact]
    public async Task A_quiz_goes_out_as_a_non_anonymous_poll_and_its_id_comes_back()
    {
        var result = await Channel().SendAsync(new OutgoingMessage
        {
            To = new ChatAddress("telegram", Group.ToString(System.Globalization.CultureInfo.InvariantCulture), "42"),
            Quiz = new QuizContent("Which gas do plants absorb?", ["O2", "CO2"], [1], false, "Photosynthesis", 991),
        }, default);
        Assert.Equal(SendStatus.Sent, result.Status);
        Assert.NotNull(result.PollId);
        var poll = Assert.Single(_api.Requests);
        Assert.Equal("sendPoll", poll.Method);
        Assert.Equal("false", poll.Field("is_anonymous"));
        Assert.Equal("quiz", poll.Field("type"));
        Assert.Equal("[1]", poll.Field("correct_option_ids"));
        Assert.Null(poll.Field("correct_option_id")); // the shape Bot API 9.6 replaced
        Assert.Equal("42", poll.Field("message_thread_id"));
    }

    [Fact]
    public async Task Rate_limited_is_retry_later_after_the_servers_retry_after()
    {
        _api.ThrottleNext(Learner, 1234);
        var result = await Channel().SendAsync(Text(Learner, "hi"), default);
        Assert.Equal(SendStatus.RetryLater, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(1234), result.RetryAfter);
    }

    [Fact]
    public async Task Faster_than_one_a_second_into_a_chat_is_throttled_after_a_burst_of_three()
    {
        var channel = Channel();
        var results = new List<SendResult>();
        for (var i = 0; i < 4; i++) results.Add(await channel.SendAsync(Text(Learner, $"m{i}"), default));
        Assert.Equal([SendStatus.Sent, SendStatus.Sent, SendStatus.Sent, SendStatus.RetryLater], results.Select(r => r.Status));
        Assert.Equal(TimeSpan.FromSeconds(1), results[3].RetryAfter);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SendStatus.Sent, (await channel.SendAsync(Text(Learner, "later"), default)).Status);
    }

    [Fact]
    public async Task More_than_twenty_a_minute_into_a_group_waits_for_the_minute_to_pass()
    {
        var channel = Channel();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(SendStatus.Sent, (await channel.SendAsync(Text(Group, $"m{i}"), default)).Status);
            _time.Advance(TimeSpan.FromSeconds(2));
        }
        var refused = await channel.SendAsync(Text(Group, "one too many"), default);
        Assert.Equal(SendStatus.RetryLater, refused.Status);
        Assert.Equal(TimeSpan.FromSeconds(20), refused.RetryAfter); // the first of the 20 leaves the window in 60 - 40 s
    }

    [Fact]
    public async Task More_than_thirty_a_second_overall_is_throttled()
    {
        var channel = Channel();
        var statuses = new List<SendStatus>();
        for (var i = 0; i < 31; i++) statuses.Add((await channel.SendAsync(Text(Learner + i, "bulk"), default)).Status);
        Assert.Equal(30, statuses.Count(s => s == SendStatus.Sent));
        Assert.Equal(SendStatus.RetryLater, statuses[^1]);
    }

    [Fact]
    public async Task Blocked_by_the_user_is_unreachable()
    {
        _api.BlockChat(Learner);
        var result = await Channel().SendAsync(Text(Learner, "hi"), default);
        Assert.Equal(SendStatus.Unreachable, result.Status);
        Assert.Equal("Forbidden: bot was blocked by the user", result.Error);
    }

    [Fact]
    public async Task A_server_error_is_retry_later_and_clears()
    {
        _api.FailNext(Learner, 1);
        var channel = Channel();
        var failed = await channel.SendAsync(Text(Learner, "hi"), default);
        Assert.Equal(SendStatus.RetryLater, failed.Status);
        Assert.Equal(TelegramChannelClient.TransientBackOff, failed.RetryAfter);
        Assert.Equal(SendStatus.Sent, (await channel.SendAsync(Text(Learner, "hi"), default)).Status);
    }

    [Fact]
    public async Task A_migrated_group_reports_its_new_id()
    {
        _api.MigrateChat(-4012345678, -1002345678901);
        var result = await Channel().SendAsync(Text(-4012345678, "hi"), default);
        Assert.Equal(SendStatus.Migrated, result.Status);
        Assert.Equal("-1002345678901", result.MigratedToChatId);
    }

    [Fact]
    public async Task Other_bad_requests_fail_with_telegrams_description()
    {
        _api.RejectChat(Learner, "Bad Request: chat not found");
        var result = await Channel().SendAsync(Text(Learner, "hi"), default);
        Assert.Equal(SendStatus.Failed, result.Status);
        Assert.Equal("400 Bad Request: chat not found", result.Error);
    }

    [Fact]
    public async Task Messages_telegram_cannot_carry_fail_without_a_request()
    {
        var channel = Channel();
        var buttonsAlone = await channel.SendAsync(Text(Learner, "") with { Buttons = [[new Button("ok", "ok")]] }, default);
        var badAddress = await channel.SendAsync(Text(Learner, "hi") with { To = new ChatAddress("telegram", "@somechannel") }, default);
        Assert.Equal(SendStatus.Failed, buttonsAlone.Status);
        Assert.Equal(SendStatus.Failed, badAddress.Status);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task No_answer_is_unknown_within_the_http_timeout()
    {
        _api.HangChat(Learner);
        using var shortHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var channel = new TelegramChannelClient(new TelegramBotClient(shortHttp, new TelegramOptions { BotToken = _api.Token, ApiBaseUrl = _api.BaseUrl }));
        var stopwatch = Stopwatch.StartNew();
        var result = await channel.SendAsync(Text(Learner, "hi"), default);
        Assert.Equal(SendStatus.Unknown, result.Status);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(5));
        Assert.Equal(0, Assert.Single(_api.Requests).StatusCode); // it did arrive
        Assert.DoesNotContain(_api.Token, result.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_connection_is_retry_later()
    {
        var result = await Channel($"http://127.0.0.1:{TelegramBotClientTests.ClosedPort()}").SendAsync(Text(Learner, "hi"), default);
        Assert.Equal(SendStatus.RetryLater, result.Status);
        Assert.DoesNotContain(_api.Token, result.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_cancellation_propagates()
    {
        _api.HangChat(Learner);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Channel().SendAsync(Text(Learner, "hi"), cts.Token));
    }

    [Fact]
    public async Task A_long_text_goes_in_parts_and_a_later_failure_says_how_many_went()
    {
        // Four parts into one chat at once: Telegram's per-chat burst lets three through.
        var text = string.Join("\n\n", Enumerable.Range(0, 4).Select(i => new string((char)('a' + i), 4000)));
        var result = await Channel().SendAsync(Text(Learner, text), default);
        Assert.Equal(SendStatus.RetryLater, result.Status);
        Assert.Equal("1", result.PlatformMessageId);
        Assert.Contains("3 of 4 parts were sent", result.Error, StringComparison.Ordinal);
        Assert.Equal(3, _api.Requests.Count(r => r.StatusCode == 200));
    }

    [Fact]
    public async Task A_split_text_with_buttons_arrives_whole_with_buttons_on_the_last_part()
    {
        var text = string.Join("\n", Enumerable.Range(0, 500).Select(i => $"Line {i}: a < b & c"));
        var result = await Channel().SendAsync(Text(Group, text, thread: "42") with { Buttons = [[new Button("Next", "next")]] }, default);
        Assert.Equal(SendStatus.Sent, result.Status);
        var sent = _api.Requests;
        Assert.Equal(3, sent.Count);
        Assert.All(sent, r => Assert.Equal("42", r.Field("message_thread_id")));
        Assert.All(sent.Take(sent.Count - 1), r => Assert.Null(r.Field("reply_markup")));
        Assert.NotNull(sent[^1].Field("reply_markup"));
    }

    [Fact]
    public async Task An_expired_press_does_not_stop_the_reply()
    {
        var reply = Text(Learner, "Lesson 2") with { AnswersCallbackId = "", Buttons = [[new Button("Studied", "lr:2")]] };
        var result = await Channel().SendAsync(reply, default);
        Assert.Equal(SendStatus.Sent, result.Status);
        Assert.Equal(["answerCallbackQuery", "sendMessage"], _api.Requests.Select(r => r.Method));
        Assert.Equal(400, _api.Requests[0].StatusCode);
    }

    [Fact]
    public async Task A_notice_for_an_expired_press_fails_for_good()
    {
        var result = await Channel().SendAsync(Text(Learner, "Correct!") with { AnswersCallbackId = "" }, default);
        Assert.Equal(SendStatus.Failed, result.Status);
        Assert.Equal(["answerCallbackQuery"], _api.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task A_generated_image_is_uploaded_with_its_caption()
    {
        var result = await Channel().SendAsync(new OutgoingMessage
        {
            To = new ChatAddress("telegram", "5123456789"),
            Text = "Your **progress**",
            Format = TextFormat.Markdown,
            Attachment = new Attachment(AttachmentKind.Image, "progress.png", Content: [1, 2, 3, 4]),
        }, default);
        Assert.Equal(SendStatus.Sent, result.Status);
        var upload = Assert.Single(_api.Requests);
        Assert.True(upload.IsMultipart);
        Assert.Equal("Your <b>progress</b>", upload.Field("caption"));
        Assert.Equal([1, 2, 3, 4], upload.Files["photo"].Content);
    }

    [Fact]
    public async Task A_multiple_answer_question_goes_out_as_a_native_quiz_with_its_correct_options()
    {
        var result = await Channel().SendAsync(new OutgoingMessage
        {
            To = new ChatAddress("telegram", Group.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Quiz = new QuizContent("Which make a password harder to crack?", ["o → 0", "a birth year", "random words", "length"], [3, 2], true, "Length and randomness", 993),
        }, default);
        Assert.Equal(SendStatus.Sent, result.Status);
        Assert.NotNull(result.PollId);
        var poll = Assert.Single(_api.Requests);
        Assert.Equal(("sendPoll", 200), (poll.Method, poll.StatusCode));
        Assert.Equal("quiz", poll.Field("type"));
        Assert.Equal("true", poll.Field("allows_multiple_answers"));
        Assert.Equal("[2,3]", poll.Field("correct_option_ids"));
        Assert.Equal("false", poll.Field("allows_revoting"));
        Assert.Equal("false", poll.Field("is_anonymous"));
        var shown = _api.Message(Group, long.Parse(result.PlatformMessageId!, System.Globalization.CultureInfo.InvariantCulture))!["poll"]!;
        Assert.Equal("[2,3]", shown["correct_option_ids"]!.ToJsonString());
        Assert.False(shown["allows_revoting"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Inline_code_with_hostile_content_is_accepted_by_telegrams_html_parser_and_shows_as_written()
    {
        var result = await Channel().SendAsync(new OutgoingMessage
        {
            To = new ChatAddress("telegram", Learner.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Format = TextFormat.Markdown,
            Text = "Type `</code><b onclick=\"x\">&amp; <i>` then **press `Enter`**",
        }, default);
        Assert.Equal(SendStatus.Sent, result.Status);
        Assert.Equal("Type <code>&lt;/code&gt;&lt;b onclick=\"x\"&gt;&amp;amp; &lt;i&gt;</code> then <b>press Enter</b>", _api.Requests[0].Field("text"));
        Assert.Equal("Type </code><b onclick=\"x\">&amp; <i> then press Enter", _api.Message(Learner, 1)!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Spent_buttons_come_off_the_message_and_a_choice_is_written_in_their_place()
    {
        var channel = Channel();
        var to = new ChatAddress("telegram", Learner.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var asked = await channel.SendAsync(new OutgoingMessage
        {
            To = to, Text = "Choose <your> language", Buttons = [[new Button("English", "lang:en"), new Button("Tiếng Việt", "lang:vi")]],
        }, default);
        Assert.NotNull(_api.Message(Learner, 1)!["reply_markup"]);

        var spent = await channel.SendAsync(new OutgoingMessage
        {
            To = to, EditMessageId = asked.PlatformMessageId, EditsButtonsOnly = true, Text = "✓ Your choice: English",
            EditedText = "Choose <your> language",
        }, default);
        Assert.Equal(new SendResult(SendStatus.Sent, "1"), spent);
        var shown = _api.Message(Learner, 1)!;
        Assert.Equal("Choose <your> language\n\n✓ Your choice: English", shown["text"]!.GetValue<string>());
        Assert.Null(shown["reply_markup"]);

        // Taken off again (a second press on the same message): Telegram finds nothing to change, and that is fine.
        var again = await channel.SendAsync(new OutgoingMessage { To = to, EditMessageId = "1", EditsButtonsOnly = true }, default);
        Assert.Equal(SendStatus.Sent, again.Status);
        Assert.Equal(400, _api.Requests[^1].StatusCode);
        Assert.Equal("editMessageReplyMarkup", _api.Requests[^1].Method);

        // A message that never went out: nothing to change, and nothing is sent.
        var count = _api.Requests.Count;
        Assert.Equal(SendStatus.Sent, (await channel.SendAsync(new OutgoingMessage { To = to, EditsButtonsOnly = true, Text = "✓ x" }, default)).Status);
        Assert.Equal(count, _api.Requests.Count);
    }

    [Fact]
    public async Task Buttons_alone_come_off_with_the_text_left_as_it_was()
    {
        var channel = Channel();
        var to = new ChatAddress("telegram", Learner.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await channel.SendAsync(new OutgoingMessage { To = to, Text = "Question 3", Buttons = [[new Button("A", "x:1:2:0")]] }, default);
        Assert.Equal(SendStatus.Sent, (await channel.SendAsync(new OutgoingMessage { To = to, EditMessageId = "1", EditsButtonsOnly = true }, default)).Status);
        var edit = _api.Requests[^1];
        Assert.Equal(("editMessageReplyMarkup", 200), (edit.Method, edit.StatusCode));
        Assert.Null(edit.Field("reply_markup"));
        Assert.Equal("Question 3", _api.Message(Learner, 1)!["text"]!.GetValue<string>());
        Assert.Null(_api.Message(Learner, 1)!["reply_markup"]);
    }

    [Fact]
    public async Task The_welcome_after_a_shared_contact_removes_the_contact_keyboard()
    {
        await Channel().SendAsync(new OutgoingMessage
        {
            To = new ChatAddress("telegram", Learner.ToString(System.Globalization.CultureInfo.InvariantCulture)), Text = "Welcome, Linh!", EndsContactRequest = true,
        }, default);
        var welcome = Assert.Single(_api.Requests);
        Assert.Equal(200, welcome.StatusCode);
        Assert.True(welcome.FieldJson("reply_markup").GetProperty("remove_keyboard").GetBoolean());
    }
}
