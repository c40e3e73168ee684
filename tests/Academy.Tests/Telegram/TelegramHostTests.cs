using System.Net;
using System.Text;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Telegram;

/// <summary>
/// The running host on Telegram, against the loopback Bot API: registration, binding a group, the
/// day's programme, answers under re-delivery, the webhook's refusals, long polling, send faults and
/// a restart in the middle of sending.
/// </summary>
public sealed class TelegramHostTests : IAsyncLifetime
{
    private const string HookPath = "/telegram/hook";
    private const string Secret = "hook-Secret_123";
    private const long Group = -1001234567890;
    private const long Admin = 5001, Liaison = 5002, Learner = 5003;
    private static readonly DateTimeOffset Day1Morning = DateTimeOffset.Parse("2026-12-01T02:00:00Z");

    private FakeBotApi _api = null!;
    private readonly TelegramUpdates _updates = new();

    public async Task InitializeAsync() => _api = await FakeBotApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private AcademyApp StartHost(string mode, SqliteTestStore? store = null, bool playground = false, bool process = true) => new(
        new Dictionary<string, string?>
        {
            ["Inbox:Process"] = process ? "true" : "false",
            ["Telegram:BotToken"] = _api.Token,
            ["Telegram:ApiBaseUrl"] = _api.BaseUrl,
            ["Telegram:Mode"] = mode,
            ["Telegram:WebhookUrl"] = "https://academy.example.org" + HookPath,
            ["Telegram:SecretToken"] = Secret,
            ["Telegram:PollTimeoutSeconds"] = "1",
            ["Playground:Enabled"] = playground ? "true" : "false",
            ["Certificates:PublicBaseUrl"] = "https://academy.example.org", // a deployment says where certificates are verified
        },
        time: new ShiftedTime(Day1Morning), store: store);

    [Fact]
    public async Task Over_the_webhook_a_group_is_bound_the_day_delivered_and_an_answer_counts_once()
    {
        await using var host = StartHost("Webhook", playground: true); // the playground seeds the sample course
        await WaitAsync(() => _api.WebhookUrl == "https://academy.example.org" + HookPath, "setWebhook");
        var setWebhook = _api.Requests.Last(r => r.Method == "setWebhook");
        Assert.Equal(Secret, setWebhook.Field("secret_token"));
        Assert.Contains("poll_answer", setWebhook.Field("allowed_updates"), StringComparison.Ordinal);

        await RegisterAsync(host, Admin, "+84903100200", "Welcome, Nguyễn Thị Mai Anh!");
        await RegisterAsync(host, Liaison, "+84912345678", "Welcome, Trần Văn Hùng!");
        await RegisterAsync(host, Learner, "84913000111", "Welcome, Lê Thị Hồng Nhung!"); // Telegram may omit the '+'

        Assert.Equal(HttpStatusCode.OK, await PostAsync(host, GroupCommand(Liaison, "/bind@AcademyTestBot HN-01")));
        await WaitForSendAsync("sendMessage", Group, text => text.Contains("(HN-01)", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, await PostAsync(host, GroupCommand(Admin, "/push")));
        await WaitForSendAsync("sendMessage", Group, text => text.StartsWith("<b>Ngày 1:", StringComparison.Ordinal));
        var checkIn = await WaitForSendAsync("sendMessage", Group, text => text.StartsWith("Điểm danh ngày 1", StringComparison.Ordinal));
        // Three questions: as native polls, or as buttons where a question does not fit a poll.
        bool IsQuiz(RecordedRequest r) => r.ChatId == Group && r.StatusCode == 200 &&
            (r.Method == "sendPoll" || (r.Method == "sendMessage" && (r.Field("reply_markup") ?? "").Contains("\"q:", StringComparison.Ordinal)));
        await Eventually.UntilAsync(() => Task.FromResult(_api.Requests.Count(IsQuiz) >= 3),
            "three quiz questions", dump: () => Task.FromResult(string.Join(", ", _api.Requests.Where(r => r.ChatId == Group).Select(r => $"{r.Method}:{r.StatusCode}:{r.Field("reply_markup")}"))));
        await Task.Delay(500);
        Assert.Equal(3, _api.Requests.Count(IsQuiz));
        Assert.Contains(_api.Requests, r => r.Method == "sendPoll" && r.ChatId == Group);
        Assert.All(_api.Requests.Where(r => r.Method == "sendPoll"), p => Assert.Equal("false", p.Field("is_anonymous")));

        // The learner checks in with the button: a toast answers, nothing is posted to the group. She chose
        // English: the toast is hers, in English, while the group's messages are Vietnamese.
        var data = checkIn.FieldJson("reply_markup").GetProperty("inline_keyboard")[0][0].GetProperty("callback_data").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await PostAsync(host, _updates.Callback(Learner, Group, data)));
        var toast = await WaitForAsync(() => _api.Requests.LastOrDefault(r => r.Method == "answerCallbackQuery" && r.Field("text") is not null), "toast");
        Assert.Equal(Academy.Learning.Localization.Catalog.Default.For("en").Get("checkin.recorded", ("day", 1), ("streak", 1)), toast.Field("text"));

        // The learner answers a quiz poll; Telegram re-delivers the update five times, some at once.
        string? pollId = null;
        await Eventually.UntilAsync(async () => (pollId = await host.ScalarAsync<string?>("SELECT poll_id FROM poll_links ORDER BY delivery_id LIMIT 1")) is not null, "poll link");
        var answer = _updates.PollAnswer(Learner, pollId!, 0);
        var statuses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostAsync(host, answer)));
        statuses = [.. statuses, await PostAsync(host, answer), await PostAsync(host, answer)];
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        await Eventually.UntilAsync(async () => await host.UnprocessedUpdatesAsync() == 0, "inbox drained");
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT COUNT(*) FROM answers"));
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT COUNT(*) FROM ledger WHERE kind = 'answer'"));

        // Telegram's limits were never exceeded: not one 429.
        Assert.DoesNotContain(_api.Requests, r => r.StatusCode == 429);
    }

    [Fact]
    public async Task The_webhook_refuses_what_is_not_a_genuine_update_and_records_nothing()
    {
        await using var host = StartHost("Webhook");
        var update = _updates.PrivateText(Admin, "/start");
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(host, update, secret: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(host, update, secret: "wrong"));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(host, "{\"update_id\": \"x\""));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(host, "[1, 2, 3]"));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(host, "{\"message\": {}}"));
        var huge = "{\"update_id\": 1, \"message\": {\"text\": \"" + new string('a', 1_100_000) + "\"}}";
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await PostAsync(host, huge));
        Assert.Equal(0, await host.AcknowledgedUpdatesAsync());
    }

    [Fact]
    public async Task Long_polling_takes_updates_in_and_confirms_them_after_recording()
    {
        await using var host = StartHost("Polling", playground: true);
        await WaitAsync(() => _api.Requests.Any(r => r.Method == "deleteWebhook"), "deleteWebhook before polling");
        Assert.True(_api.Requests.Any(r => r.Method == "setMyCommands" && r.Field("language_code") == "vi"), "command menus per language");
        _api.EnqueueUpdate(_updates.PrivateText(Admin, "/start"));
        await WaitForSendAsync("sendMessage", Admin, text => text.Contains("choose your language", StringComparison.Ordinal));
        // The next getUpdates carried offset = id + 1, which confirms the update to Telegram.
        await WaitAsync(() => _api.PendingUpdates == 0, "update confirmed");
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT COUNT(*) FROM inbox"));
    }

    [Fact]
    public async Task A_start_up_call_that_fails_is_logged_and_the_bot_still_serves()
    {
        _api.BreakMethod("setMyCommands");
        await using var host = StartHost("Polling");
        await WaitAsync(() => _api.Requests.Any(r => r.Method == "deleteWebhook"), "polling set up despite setMyCommands failing");
        Assert.All(_api.Requests.Where(r => r.Method == "setMyCommands"), r => Assert.Equal(500, r.StatusCode));
        _api.EnqueueUpdate(_updates.PrivateText(Admin, "/help"));
        await WaitForSendAsync("sendMessage", Admin, text => text.Contains("/start", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_faults_are_handled_per_chat()
    {
        await using var host = StartHost("Webhook");
        await WaitAsync(() => _api.WebhookUrl is not null, "setWebhook");
        _api.ThrottleNext(9001, retryAfterSeconds: 1);   // 429 once for this chat
        _api.FailNext(9002, 2);                          // two 5xx, then fine
        _api.BlockChat(9003);                            // 403: blocked by the user
        _api.MigrateChat(-9004, -1009004);               // the group became a supergroup
        foreach (var chat in new long[] { 9001, 9002, 9003, -9004, 9005 }) await EnqueueAsync(host, chat, $"hello {chat}");

        await Eventually.UntilAsync(async () => await host.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')") == 0,
            "outbox settled", seconds: 40, dump: async () => string.Join("; ", await host.QueryAsync<string>("SELECT chat_id || ' ' || status || ' ' || attempts || ' ' || not_before || ' ' || COALESCE(error, '') FROM outbox")));
        Assert.Equal("sent", await StatusAsync(host, "9001"));
        Assert.Equal("sent", await StatusAsync(host, "9002"));
        Assert.Equal("unreachable", await StatusAsync(host, "9003"));
        Assert.Equal("sent", await StatusAsync(host, "-1009004"));
        Assert.Equal("sent", await StatusAsync(host, "9005"));
        foreach (var chat in new long[] { 9001, 9002, -1009004, 9005 })
            Assert.Single(_api.Requests, r => r.Method == "sendMessage" && r.ChatId == chat && r.StatusCode == 200);
    }

    [Fact]
    public async Task A_restart_in_the_middle_of_sending_loses_nothing_and_repeats_nothing()
    {
        var store = new SqliteTestStore();
        try
        {
            await using (var first = StartHost("Webhook", store))
            {
                await WaitAsync(() => _api.WebhookUrl is not null, "setWebhook");
                for (long chat = 20_001; chat <= 20_060; chat++) await EnqueueAsync(first, chat, $"announcement to {chat}");
                await WaitAsync(() => _api.Requests.Count(r => r.Method == "sendMessage" && r.StatusCode == 200) >= 15, "some sent");
            } // stopped mid-broadcast
            var sentBefore = _api.Requests.Count(r => r.Method == "sendMessage" && r.StatusCode == 200);
            Assert.InRange(sentBefore, 15, 59);

            await using var second = StartHost("Webhook", store);
            await Eventually.UntilAsync(async () => await second.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')") == 0, "rest sent", seconds: 30);
            for (long chat = 20_001; chat <= 20_060; chat++)
                Assert.Single(_api.Requests, r => r.Method == "sendMessage" && r.ChatId == chat && r.StatusCode == 200);
            Assert.DoesNotContain(_api.Requests, r => r.StatusCode == 429);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_host_that_only_receives_acknowledges_and_keeps_updates_for_a_host_that_processes()
    {
        var store = new SqliteTestStore();
        try
        {
            await using (var receiver = StartHost("Webhook", store, process: false))
            {
                Assert.Equal(HttpStatusCode.OK, await PostAsync(receiver, _updates.PrivateText(Admin, "/start")));
                await Task.Delay(1500); // past the processor's one-second wake-up: it would have answered by now
                Assert.Equal(1, await receiver.AcknowledgedUpdatesAsync());
                Assert.DoesNotContain(_api.Requests, r => r.Method == "sendMessage" && r.ChatId == Admin);
            }

            await using var processing = StartHost("Webhook", store);
            await WaitForSendAsync("sendMessage", Admin, text => text.Contains("choose your language", StringComparison.Ordinal));
            Assert.Equal(1, await processing.ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'done'"));
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_audience_gets_its_command_menu_and_the_group_administrators_menu_is_accepted()
    {
        await using var host = StartHost("Polling");
        await WaitAsync(() => _api.Requests.Any(r => r.Method == "deleteWebhook"), "start-up done");
        var menus = _api.Requests.Where(r => r.Method == "setMyCommands").ToList();
        Assert.Equal(9, menus.Count); // three audiences, three languages
        Assert.All(menus, r => Assert.Equal(200, r.StatusCode));
        var admins = menus.Where(r => r.FieldJson("scope").GetProperty("type").GetString() == "all_chat_administrators").ToList();
        Assert.Equal(3, admins.Count);
        Assert.Contains(admins, r => r.FieldJson("commands").EnumerateArray().Any(c => c.GetProperty("command").GetString() == "bind"));
        var health = await HealthAsync(host);
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("warnings").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_set_up_call_telegram_refuses_is_a_warning_on_health_until_it_is_accepted()
    {
        _api.BreakMethod("setMyCommands");
        _api.RefuseMethod("setWebhook", "bad webhook: Failed to resolve host: Name or service not known");
        await using var host = StartHost("Webhook");
        string Warnings(System.Text.Json.JsonElement health) =>
            health.GetProperty("checks").GetProperty("warnings").GetProperty("description").GetString() ?? "";
        await Eventually.UntilAsync(async () => Warnings(await HealthAsync(host)).Contains("setWebhook", StringComparison.Ordinal), "setWebhook warning");
        var health = await HealthAsync(host);
        Assert.Equal("Degraded", health.GetProperty("checks").GetProperty("warnings").GetProperty("status").GetString());
        var text = Warnings(health);
        Assert.Contains("400 Bad Request: bad webhook: Failed to resolve host", text, StringComparison.Ordinal);
        Assert.Contains("setMyCommands failed for all_private_chats/en", text, StringComparison.Ordinal);
        Assert.Contains("all_chat_administrators/vi", text, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Token, text, StringComparison.Ordinal);

        // Accepted on a later try: that warning goes; the menus, tried once a start, stay reported.
        _api.RefuseMethod("setWebhook", null);
        await WaitAsync(() => _api.WebhookUrl is not null, "setWebhook retried", seconds: 30);
        await Eventually.UntilAsync(async () => !Warnings(await HealthAsync(host)).Contains("setWebhook", StringComparison.Ordinal), "setWebhook warning cleared");
        Assert.Contains("setMyCommands", Warnings(await HealthAsync(host)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Adding_the_bot_to_a_group_greets_it_once_whichever_report_comes_first(bool myChatMemberFirst)
    {
        await using var host = StartHost("Webhook");
        await WaitAsync(() => _api.WebhookUrl is not null, "setWebhook");
        const long newGroup = -1009876543210;
        var status = _updates.MyChatMember(newGroup, Liaison, "left", "member");
        var service = _updates.NewChatMembers(newGroup, Liaison);
        foreach (var update in myChatMemberFirst ? new[] { status, service } : [service, status])
            Assert.Equal(HttpStatusCode.OK, await PostAsync(host, update));
        // Telegram delivers both again (it did not see our answers in time).
        Assert.Equal(HttpStatusCode.OK, await PostAsync(host, service));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(host, status));
        await Eventually.UntilAsync(async () => await host.UnprocessedUpdatesAsync() == 0, "inbox drained");
        await SentSettledAsync(host);
        bool Greeting(RecordedRequest r) => r.Method == "sendMessage" && r.ChatId == newGroup && (r.Field("text") ?? "").Contains("/bind", StringComparison.Ordinal);
        Assert.Single(_api.Requests, Greeting);

        // Removed, then added again: that is a new arrival, greeted again (once).
        await PostAsync(host, _updates.MyChatMember(newGroup, Liaison, "member", "left"));
        await PostAsync(host, _updates.NewChatMembers(newGroup, Liaison));
        await PostAsync(host, _updates.MyChatMember(newGroup, Liaison, "left", "member"));
        await Eventually.UntilAsync(async () => await host.UnprocessedUpdatesAsync() == 0, "inbox drained");
        await SentSettledAsync(host);
        Assert.Equal(2, _api.Requests.Count(Greeting));
    }

    [Fact]
    public async Task Registration_leaves_no_button_or_keyboard_that_can_no_longer_be_used()
    {
        await using var host = StartHost("Webhook", playground: true); // the playground seeds the roster
        await WaitAsync(() => _api.WebhookUrl is not null, "setWebhook");
        await PostAsync(host, _updates.PrivateText(Learner, "/start"));
        var choose = await WaitForSendAsync("sendMessage", Learner, text => text.Contains("choose your language", StringComparison.Ordinal));
        var chooseId = _api.Messages(Learner).Single(m => m["text"]!.GetValue<string>().Contains("choose your language", StringComparison.Ordinal))["message_id"]!.GetValue<long>();
        Assert.NotNull(_api.Message(Learner, chooseId)!["reply_markup"]);

        await PostAsync(host, _updates.Callback(Learner, Learner, "lang:en", chooseId));
        await WaitForSendAsync("sendMessage", Learner, text => text.Contains("share your phone number", StringComparison.Ordinal));
        await WaitAsync(() => _api.Message(Learner, chooseId)!["reply_markup"] is null, "language buttons taken off");
        var chosen = _api.Message(Learner, chooseId)!["text"]!.GetValue<string>();
        Assert.Equal(choose.Field("text") + "\n\n✓ Your choice: English", chosen);

        await PostAsync(host, _updates.Contact(Learner, "84913000111"));
        var welcome = await WaitForSendAsync("sendMessage", Learner, text => text.StartsWith("Welcome, ", StringComparison.Ordinal));
        Assert.True(welcome.FieldJson("reply_markup").GetProperty("remove_keyboard").GetBoolean());
        await SentSettledAsync(host);
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'"));
    }

    [Fact]
    public async Task A_quiz_vote_changed_or_retracted_leaves_the_first_answer_counted()
    {
        await using var host = StartHost("Webhook", playground: true); // the playground seeds the sample course
        await WaitAsync(() => _api.WebhookUrl is not null, "setWebhook");
        await RegisterAsync(host, Admin, "+84903100200", "Welcome, Nguyễn Thị Mai Anh!");
        await RegisterAsync(host, Liaison, "+84912345678", "Welcome, Trần Văn Hùng!");
        await RegisterAsync(host, Learner, "84913000111", "Welcome, Lê Thị Hồng Nhung!");
        await PostAsync(host, GroupCommand(Liaison, "/bind HN-01"));
        await WaitForSendAsync("sendMessage", Group, text => text.Contains("(HN-01)", StringComparison.Ordinal));
        await PostAsync(host, GroupCommand(Admin, "/push"));
        string? pollId = null;
        await Eventually.UntilAsync(async () => (pollId = await host.ScalarAsync<string?>("SELECT poll_id FROM poll_links ORDER BY delivery_id LIMIT 1")) is not null, "poll link");
        var questionId = await host.ScalarAsync<long>(
            "SELECT d.question_id FROM poll_links p JOIN deliveries d ON d.id = p.delivery_id WHERE p.poll_id = @pollId", new { pollId });
        Academy.Learning.Model.Question question;
        await using (var s = await host.Services.GetRequiredService<AcademyDatabase>().BeginReadAsync())
            question = (await ContentStore.GetQuestionAsync(s, questionId))!;
        var right = question.Correct.ToArray();
        var wrong = Enumerable.Range(0, Math.Max(2, question.Options.Count)).First(i => !right.Contains(i));

        // A wrong vote, taken back, then the right one (where Telegram would allow it), and a repeat.
        foreach (var vote in new[] { _updates.PollAnswer(Learner, pollId!, wrong), _updates.PollAnswer(Learner, pollId!), _updates.PollAnswer(Learner, pollId!, right),
                     _updates.PollAnswer(Learner, pollId!, right) })
            Assert.Equal(HttpStatusCode.OK, await PostAsync(host, vote));
        await Eventually.UntilAsync(async () => await host.UnprocessedUpdatesAsync() == 0, "inbox drained");
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT COUNT(*) FROM answers"));
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT correct FROM answers"));
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT COUNT(*) FROM ledger WHERE kind = 'answer'"));
    }

    // ---- the conversation ----

    private async Task RegisterAsync(AcademyApp host, long user, string phone, string welcome)
    {
        await PostAsync(host, _updates.PrivateText(user, "/start"));
        await WaitForSendAsync("sendMessage", user, text => text.Contains("choose your language", StringComparison.Ordinal));
        await PostAsync(host, _updates.Callback(user, user, "lang:en"));
        await WaitForSendAsync("sendMessage", user, text => text.Contains("share your phone number", StringComparison.Ordinal));
        await PostAsync(host, _updates.Contact(user, phone));
        await WaitForSendAsync("sendMessage", user, text => text.StartsWith(welcome, StringComparison.Ordinal));
    }

    private static Task<HttpStatusCode> PostAsync(AcademyApp host, string json, string? secret = Secret) =>
        TelegramUpdates.PostAsync(host.Client, HookPath, json, secret);

    private static async Task EnqueueAsync(AcademyApp host, long chat, string text)
    {
        var outbox = host.Services.GetRequiredService<Outbox>();
        await using var s = await host.Services.GetRequiredService<AcademyDatabase>().BeginAsync();
        await outbox.EnqueueAsync(s, $"test/{chat}/{text}", new OutgoingMessage { To = new ChatAddress("telegram", chat.ToString(System.Globalization.CultureInfo.InvariantCulture)), Text = text });
        await s.CommitAsync();
        outbox.Notify();
    }

    private string GroupCommand(long user, string text) => _updates.CommandIn(Group, user, text);

    // ---- waiting and reading ----

    private async Task<RecordedRequest> WaitForSendAsync(string method, long chat, Func<string, bool> text) =>
        await WaitForAsync(() => _api.Requests.LastOrDefault(r => r.Method == method && r.ChatId == chat && r.StatusCode == 200 && text(r.Field("text") ?? "")),
            $"{method} to {chat}");

    private static async Task<T> WaitForAsync<T>(Func<T?> probe, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (probe() is { } found) return found;
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    private static Task WaitAsync(Func<bool> condition, string what, int seconds = 20) =>
        WaitForAsync<object>(() => condition() ? new object() : null, what, seconds);

    private static async Task<System.Text.Json.JsonElement> HealthAsync(AcademyApp host)
    {
        using var response = await host.Client.GetAsync(new Uri("/health", UriKind.Relative));
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static Task SentSettledAsync(AcademyApp host) =>
        Eventually.UntilAsync(async () => await host.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')") == 0, "outbox sent");

    private static Task<string> StatusAsync(AcademyApp host, string chat) =>
        host.ScalarAsync<string>($"SELECT status FROM outbox WHERE chat_id = '{chat}'");

}
