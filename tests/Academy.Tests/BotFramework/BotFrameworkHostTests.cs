using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Academy.Learning.Announcements;
using Academy.Learning.Daily;
using Academy.Learning.Localization;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Academy.Tests.BotFramework;

/// <summary>
/// The running host on the Bot Framework, against a loopback connector: signed Activities in,
/// recorded replies out — registration, binding a Teams channel, the day's programme, a quiz answered
/// by card submit under re-delivery, proactive pushes, an announcement with its read button; and the
/// tokens that must be refused.
/// </summary>
public sealed class BotFrameworkHostTests : IAsyncLifetime
{
    private const string Tenant = "tenant-1";
    private const string Bot = "28:" + FakeBotConnector.AppId;
    private const string Admin = "29:admin-aad", Liaison = "29:liaison-aad", Learner = "29:learner-aad";
    private const string TeamChannel = "19:hn01-general@thread.tacv2";
    private static readonly DateTimeOffset Day1Morning = DateTimeOffset.Parse("2026-12-01T02:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private FakeBotConnector _connector = null!;
    private readonly MovableTime _time = new(Day1Morning);
    private int _activity = 1;

    public async Task InitializeAsync() => _connector = await FakeBotConnector.StartAsync();

    public async Task DisposeAsync() => await _connector.DisposeAsync();

    private AcademyApp StartHost(bool emulator = false) => new(
        new Dictionary<string, string?>
        {
            ["BotFramework:AppId"] = emulator ? "" : FakeBotConnector.AppId,
            ["BotFramework:AppPassword"] = emulator ? "" : FakeBotConnector.AppPassword,
            ["BotFramework:Emulator"] = emulator ? "true" : "false",
            ["BotFramework:OpenIdMetadataUrl"] = _connector.MetadataUrl,
            ["BotFramework:Authority"] = _connector.BaseUrl,
        },
        time: _time);

    [Fact]
    public async Task Teams_people_register_a_channel_is_bound_the_day_delivered_and_a_card_answer_counts_once()
    {
        await using var host = StartHost();
        _connector.AddMember(Admin, "Mai Anh", "Mai.Anh.Nguyen@example.org"); // case differs from the roster
        _connector.AddMember(Liaison, "Hùng", "hung.tran@example.org");
        _connector.AddMember(Learner, "Nhung", "nhung@contoso.example"); // not on the roster: types her phone

        // Registration: the organisation e-mail finds the roster entry at once.
        await SayPrivatelyAsync(host, Admin, "/start");
        await WaitForPostAsync(Personal(Admin), a => a.Text.Contains("Nguyễn Thị Mai Anh", StringComparison.Ordinal));
        await SayPrivatelyAsync(host, Liaison, "/start");
        await WaitForPostAsync(Personal(Liaison), a => a.Text.Contains("Trần Văn Hùng", StringComparison.Ordinal));

        // No e-mail match: choose a language on the card, then type the number.
        await SayPrivatelyAsync(host, Learner, "/start");
        var choose = await WaitForPostAsync(Personal(Learner), a => a.SubmitData.Contains("lang:en"));
        Assert.Equal("plain", choose.Body["textFormat"]?.GetValue<string>());
        await PostAsync(host, Submit(Learner, PersonalConversation(Learner), "lang:en", personal: true));
        await WaitForPostAsync(Personal(Learner), a => a.Text.Contains("country code", StringComparison.Ordinal));
        await SayPrivatelyAsync(host, Learner, "+84 913 000 111");
        await WaitForPostAsync(Personal(Learner), a => a.Text.StartsWith("Welcome, Lê Thị Hồng Nhung!", StringComparison.Ordinal));
        Assert.Equal(3, await host.ScalarAsync<long>("SELECT COUNT(*) FROM channel_identities WHERE channel = 'botframework'"));

        // The liaison binds the Teams channel by @mentioning the bot in a thread: the channel is bound, not the thread.
        await PostAsync(host, ChannelMessage(Liaison, "<at>Academy</at> bind HN-01", mentionBot: true));
        var bound = await WaitForPostAsync(TeamChannel, a => a.Text.Contains("(HN-01)", StringComparison.Ordinal));
        Assert.Contains("@", bound.Text, StringComparison.Ordinal); // the note on what Teams lets the bot hear
        Assert.Equal(TeamChannel, await host.ScalarAsync<string>("SELECT chat_id FROM group_chats WHERE channel = 'botframework'"));

        // The admin pushes day 1: the lesson (Markdown), the check-in card and three quiz cards.
        await PostAsync(host, ChannelMessage(Admin, "<at>Academy</at> /push", mentionBot: true));
        var lesson = await WaitForPostAsync(TeamChannel, a => a.Text.Contains("Ngày 1", StringComparison.Ordinal));
        Assert.Equal("markdown", lesson.Body["textFormat"]?.GetValue<string>());
        var checkIn = await WaitForPostAsync(TeamChannel, a => a.SubmitData.Any(d => d.StartsWith("ci:", StringComparison.Ordinal)));
        await Eventually.UntilAsync(() => Task.FromResult(QuizCards().Count >= 3), "three quiz cards",
            dump: () => Task.FromResult(string.Join("\n", _connector.Posted.Select(p => p.Body.ToJsonString()))));
        await Task.Delay(300);
        Assert.Equal(3, QuizCards().Count);
        Assert.All(_connector.Posted, p => Assert.Equal("Bearer " + FakeBotConnector.ConnectorToken, p.Authorization));

        // The learner checks in on the card in the channel: the notice comes to her private chat, not the channel,
        // in the language she chose (English), not the channel's (Vietnamese).
        var beforeCheckIn = _connector.Posted.Count(p => p.ConversationId == TeamChannel);
        await PostAsync(host, Submit(Learner, TeamChannel + ";messageid=1700000000009", checkIn.SubmitData[0], personal: false));
        await WaitForPostAsync(PersonalConversation(Learner), a => a.Text == Catalog.Default.For("en").Get("checkin.recorded", ("day", 1), ("streak", 1)));
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT COUNT(*) FROM checkins"));

        // She answers the first single-answer quiz card; the connector re-delivers the same Activity, some at once;
        // then she presses another option of the same question.
        var quiz = QuizCards().First(q => q.Card!["body"]!.AsArray().All(e => e?["type"]?.GetValue<string>() != "Input.ChoiceSet"));
        var press = Submit(Learner, TeamChannel + ";messageid=1700000000010", quiz.SubmitData[0], personal: false);
        var statuses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostAsync(host, press)));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(host, press));
        await PostAsync(host, Submit(Learner, TeamChannel + ";messageid=1700000000010", quiz.SubmitData[1], personal: false));
        await Eventually.UntilAsync(async () => await host.UnprocessedUpdatesAsync() == 0, "inbox drained");
        await Eventually.UntilAsync(async () => await host.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')") == 0, "outbox drained");
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT COUNT(*) FROM answers"));
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT COUNT(*) FROM ledger WHERE kind = 'answer'"));
        var notices = _connector.Posted.Where(p => p.ConversationId == PersonalConversation(Learner)).Select(p => p.Text).ToList();
        var en = Catalog.Default.For("en");
        Assert.Single(notices, n => n.StartsWith(en["quiz.correct"], StringComparison.Ordinal) || n.StartsWith(en["quiz.wrong"], StringComparison.Ordinal));
        Assert.Single(notices, n => n == en["quiz.already"]);
        Assert.Equal(beforeCheckIn, _connector.Posted.Count(p => p.ConversationId == TeamChannel)); // nothing posted to the channel

        // One token for everything so far: fetched once, cached.
        Assert.Equal(1, _connector.TokenRequests);

        // Proactive pushes from the scheduler's programme: the reminder into the bound channel, the
        // liaison's digest into her private chat — with no Activity to reply to.
        var daily = host.Services.GetRequiredService<DailyProgramme>();
        var cohortId = await host.ScalarAsync<long>("SELECT cohort_id FROM study_groups WHERE code = 'HN-01'");
        var channelPosts = _connector.Posted.Count(p => p.ConversationId == TeamChannel);
        _time.Advance(TimeSpan.FromHours(10));
        var reminder = await daily.RunAsync(cohortId, ProgrammeItem.Reminder, 1);
        Assert.Equal(RunOutcome.Done, reminder.Outcome);
        await Eventually.UntilAsync(() => Task.FromResult(_connector.Posted.Count(p => p.ConversationId == TeamChannel) > channelPosts), "the reminder in the channel");
        Assert.DoesNotContain("Lê Thị Hồng Nhung", _connector.Posted.Last(p => p.ConversationId == TeamChannel).Text, StringComparison.Ordinal); // she checked in
        _time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(RunOutcome.Done, (await daily.RunAsync(cohortId, ProgrammeItem.LiaisonDigest, 1)).Outcome);
        await WaitForPostAsync(PersonalConversation(Liaison), a => a.Text.Contains("Tổng kết ngày 1 — Nhóm Hà Nội 1", StringComparison.Ordinal) && a.Body["attachments"] is not null);

        // Each jump of the clock outlived the hour-long token: a fresh one each time, no more.
        Assert.Equal(3, _connector.TokenRequests);

        // An announcement: the admin composes it in her private chat with the cards, to all groups, now.
        var adminPosts = _connector.Posted.Count(p => p.ConversationId == Personal(Admin));
        await SayPrivatelyAsync(host, Admin, "/announce");
        await Eventually.UntilAsync(() => Task.FromResult(_connector.Posted.Count(p => p.ConversationId == Personal(Admin)) > adminPosts), "asked for the text");
        var id = await host.ScalarAsync<long>("SELECT id FROM announcements");
        await SayPrivatelyAsync(host, Admin, "Buổi học ngày mai chuyển sang 15:00.");
        await WaitForPostAsync(Personal(Admin), a => a.SubmitData.Contains(AnnouncementButtons.Data(id, AnnouncementButtons.AllGroups)));
        await PostAsync(host, Submit(Admin, PersonalConversation(Admin), AnnouncementButtons.Data(id, AnnouncementButtons.AllGroups), personal: true));
        await WaitForPostAsync(Personal(Admin), a => a.SubmitData.Contains(AnnouncementButtons.Data(id, AnnouncementButtons.Now)));
        await PostAsync(host, Submit(Admin, PersonalConversation(Admin), AnnouncementButtons.Data(id, AnnouncementButtons.Now), personal: true));
        await WaitForPostAsync(Personal(Admin), a => a.SubmitData.Contains(AnnouncementButtons.Data(id, AnnouncementButtons.Confirm)));
        await PostAsync(host, Submit(Admin, PersonalConversation(Admin), AnnouncementButtons.Data(id, AnnouncementButtons.Confirm), personal: true));

        // The copy reaches the bound Teams channel with its "I have read" card; the learner's press counts once.
        var copy = await WaitForPostAsync(TeamChannel, a => a.Text.Contains("Buổi học ngày mai chuyển sang 15:00.", StringComparison.Ordinal));
        var readData = Assert.Single(copy.SubmitData);
        Assert.Equal($"ar:{id}", readData);
        await PostAsync(host, Submit(Learner, TeamChannel + ";messageid=1700000000777", readData, personal: false));
        await PostAsync(host, Submit(Learner, TeamChannel + ";messageid=1700000000777", readData, personal: false));
        await Eventually.UntilAsync(async () => await host.UnprocessedUpdatesAsync() == 0, "reads processed");
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT COUNT(*) FROM announcement_reads WHERE announcement_id = @id", new { id }));
        Assert.Equal("sent", await host.ScalarAsync<string>(
            "SELECT o.status FROM announcement_copies c JOIN outbox o ON o.idem_key = c.outbox_key WHERE c.announcement_id = @id AND c.channel = 'botframework'", new { id }));
    }

    [Fact]
    public async Task Spent_buttons_post_nothing_on_Teams_where_this_client_does_not_change_a_sent_card()
    {
        await using var host = StartHost();
        var client = host.Services.GetServices<Academy.BotHost.Channels.IChannelClient>().Single(c => c.Channel == "botframework");
        var result = await client.SendAsync(new Academy.Learning.Messaging.OutgoingMessage
        {
            To = new Academy.Learning.Model.ChatAddress("botframework", Learner), EditMessageId = "1700000000010",
            EditsButtonsOnly = true, Text = "✓ Your choice: A",
        }, default);
        // Not a new message saying "✓ Your choice: A" under nothing: the card keeps its buttons, a press on them is answered as stale.
        Assert.Equal(Academy.BotHost.Channels.SendStatus.Sent, result.Status);
        Assert.Empty(_connector.Posted);
    }

    [Fact]
    public async Task Forged_expired_and_foreign_tokens_are_refused_with_401_and_nothing_is_recorded()
    {
        await using var host = StartHost();
        var now = _time.GetUtcNow();
        var activity = PrivateMessage(Admin, "/start");
        using var otherKey = System.Security.Cryptography.RSA.Create(2048);
        var forgedKey = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(otherKey) { KeyId = FakeBotConnector.KeyId };

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(host, activity, token: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(host, activity, token: "not.a.jwt"));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(host, activity, token: _connector.Token(now, key: forgedKey)));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(host, activity, token: _connector.Token(now - TimeSpan.FromHours(2), lifetime: TimeSpan.FromMinutes(30))));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(host, activity, token: _connector.Token(now, audience: "someone-elses-bot")));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(host, activity, token: _connector.Token(now, issuer: "https://evil.example")));
        // A genuine token for another serviceUrl must not let a caller point our replies elsewhere.
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(host, activity, token: _connector.Token(now, serviceUrl: "https://evil.example/")));
        Assert.Equal(0, await host.AcknowledgedUpdatesAsync());
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT COUNT(*) FROM botframework_conversations"));

        // A valid token on a body that is not an Activity: 400. The genuine Activity passes.
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(host, "{\"type\": \"message\"", token: _connector.Token(now)));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(host, activity));
        Assert.Equal(1, await host.AcknowledgedUpdatesAsync());
        await WaitForPostAsync(Personal(Admin), a => a.Text.Length > 0);
        Assert.DoesNotContain(_connector.Posted, p => p.Authorization is null);
    }

    [Fact]
    public async Task Emulator_mode_without_an_app_id_accepts_unsigned_Activities_and_replies_without_a_token()
    {
        await using var host = StartHost(emulator: true);
        Assert.Equal(HttpStatusCode.OK, await PostAsync(host, PrivateMessage(Admin, "/help"), token: null));
        var reply = await WaitForPostAsync(Personal(Admin), a => a.Text.Length > 0);
        Assert.Null(reply.Authorization);
        Assert.Equal(0, _connector.TokenRequests);
    }

    [Fact]
    public async Task A_throttled_conversation_is_retried_after_its_Retry_After()
    {
        await using var host = StartHost();
        _connector.ThrottleNext(2);
        await SayPrivatelyAsync(host, Admin, "/help");
        await WaitForPostAsync(Personal(Admin), a => a.Text.Length > 0);
        Assert.Equal(2, await host.ScalarAsync<long>("SELECT attempts FROM outbox"));
    }

    [Fact]
    public async Task Sign_in_links_start_where_the_Bot_Connector_reached_the_host_as_the_proxy_forwarded_it()
    {
        await using var host = StartHost();
        _connector.AddMember(Admin, "Mai Anh", "mai.anh.nguyen@example.org");
        (string, string)[] proxied = [("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "academy.example.org")];
        Assert.Equal(HttpStatusCode.OK, await PostThroughProxyAsync(host, PrivateMessage(Admin, "/start"), _connector.Token(_time.GetUtcNow()), proxied));
        await WaitForPostAsync(Personal(Admin), a => a.Text.Contains("Nguyễn Thị Mai Anh", StringComparison.Ordinal));

        // A request with no genuine token names another host: it moves nothing.
        Assert.Equal(HttpStatusCode.Unauthorized, await PostThroughProxyAsync(host, PrivateMessage(Admin, "/help"), "not.a.jwt",
            ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "evil.example")));
        Assert.Equal("https://academy.example.org/verify/ABCD",
            host.Services.GetRequiredService<Academy.BotHost.Features.Certificates.CertificateLinks>().VerifyUrl("ABCD"));

        Assert.Equal(HttpStatusCode.OK, await PostThroughProxyAsync(host, PrivateMessage(Admin, "/dashboard"), _connector.Token(_time.GetUtcNow()), proxied));
        await WaitForPostAsync(Personal(Admin), a => a.Text.Contains("https://academy.example.org/dashboard/signin?token=", StringComparison.Ordinal));
    }

    // ---- helpers ----

    private static async Task<HttpStatusCode> PostThroughProxyAsync(AcademyApp host, string body, string token, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/messages", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        using var response = await host.Client.SendAsync(request);
        return response.StatusCode;
    }

    private List<PostedActivity> QuizCards() =>
        _connector.Posted.Where(p => p.ConversationId == TeamChannel && p.SubmitData.Any(d => d.StartsWith("q:", StringComparison.Ordinal))).ToList();

    private static string PersonalConversation(string user) => "a:personal-" + user[3..];

    // A private chat is addressed by the person; the fake records the connector's conversation id.
    private static string Personal(string user) => PersonalConversation(user);

    private async Task<PostedActivity> WaitForPostAsync(string conversation, Func<PostedActivity, bool> match)
    {
        PostedActivity? found = null;
        await Eventually.UntilAsync(() => Task.FromResult((found = _connector.Posted.FirstOrDefault(p => p.ConversationId == conversation && match(p))) is not null),
            $"a post in {conversation}", dump: () => Task.FromResult(string.Join("\n", _connector.Posted.Select(p => $"{p.ConversationId}: {p.Body.ToJsonString()}"))));
        return found!;
    }

    private Task<HttpStatusCode> SayPrivatelyAsync(AcademyApp host, string user, string text) => PostAsync(host, PrivateMessage(user, text));

    private async Task<HttpStatusCode> PostAsync(AcademyApp host, string body, string? token = "valid")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/messages", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token == "valid" ? _connector.Token(_time.GetUtcNow()) : token);
        using var response = await host.Client.SendAsync(request);
        return response.StatusCode;
    }

    private JsonObject Envelope(string type, string user, JsonObject conversation) => new()
    {
        ["type"] = type,
        ["id"] = $"1700000000{_activity++:D3}",
        ["timestamp"] = _time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["serviceUrl"] = _connector.ServiceUrl,
        ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = user, ["name"] = "User " + user, ["aadObjectId"] = Guid.NewGuid().ToString() },
        ["conversation"] = conversation,
        ["recipient"] = new JsonObject { ["id"] = Bot, ["name"] = "Academy" },
        ["locale"] = "en-US",
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = Tenant } },
    };

    private string PrivateMessage(string user, string text)
    {
        var a = Envelope("message", user, new JsonObject { ["id"] = PersonalConversation(user), ["conversationType"] = "personal", ["tenantId"] = Tenant });
        a["text"] = text;
        return a.ToJsonString();
    }

    private string ChannelMessage(string user, string text, bool mentionBot)
    {
        var a = Envelope("message", user, new JsonObject
        {
            ["id"] = TeamChannel + ";messageid=1700000000001", ["conversationType"] = "channel", ["isGroup"] = true, ["tenantId"] = Tenant,
        });
        a["text"] = text;
        if (mentionBot)
            a["entities"] = new JsonArray(new JsonObject
            {
                ["type"] = "mention", ["text"] = "<at>Academy</at>", ["mentioned"] = new JsonObject { ["id"] = Bot, ["name"] = "Academy" },
            });
        return a.ToJsonString();
    }

    private string Submit(string user, string conversationId, string data, bool personal)
    {
        var a = Envelope("message", user, personal
            ? new JsonObject { ["id"] = conversationId, ["conversationType"] = "personal", ["tenantId"] = Tenant }
            : new JsonObject { ["id"] = conversationId, ["conversationType"] = "channel", ["isGroup"] = true, ["tenantId"] = Tenant });
        a["replyToId"] = "1700000000555";
        a["value"] = new JsonObject { ["academy"] = data };
        return a.ToJsonString();
    }
}

/// <summary>Runs from a fixed instant like <see cref="ShiftedTime"/>, and can jump ahead (to a later moment of the day).</summary>
internal sealed class MovableTime(DateTimeOffset start) : TimeProvider
{
    private readonly global::System.Diagnostics.Stopwatch _running = global::System.Diagnostics.Stopwatch.StartNew();
    private TimeSpan _jumped;

    public void Advance(TimeSpan by) => _jumped += by;

    public override DateTimeOffset GetUtcNow() => start + _jumped + _running.Elapsed;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
