using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Academy.Tests.Support.PlaygroundUser;
using Academy.Learning.Content;

namespace Academy.Tests.Chat;

/// <summary>
/// Conversations through the real endpoints of a running host, in the playground channel: the same
/// inbox, pipeline, handlers and outbox as Telegram.
/// </summary>
public sealed class PlaygroundConversationTests : IAsyncLifetime
{
    // 09:00 on 2026-12-01 in Ho Chi Minh City: day 1 of the sample cohort, check-in open.
    private readonly AcademyApp _app = new(time: new ShiftedTime(DateTimeOffset.Parse("2026-12-01T02:00:00Z")));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_learner_registers_gets_the_day_checks_in_and_answers_once()
    {
        var admin = new PlaygroundUser(_app, await PersonaAsync("+84903100200"));
        var learner = new PlaygroundUser(_app, await PersonaAsync("+84913000111"));
        await RegisterAsync(admin, "lang:en", "Welcome, Nguyễn Thị Mai Anh!");
        await RegisterAsync(learner, "lang:vi", "Chào mừng Lê Thị Hồng Nhung!");

        const string group = "group-HN-01";
        await admin.SayAsync(group, "/push");
        var lesson = await WaitForBotAsync(_app, group, m => Text(m).StartsWith("**Ngày 1:", StringComparison.Ordinal));
        var checkIn = await WaitForBotAsync(_app, group, m => ButtonData(m).Any(d => d.StartsWith("ci:", StringComparison.Ordinal)));
        var quiz = await WaitForBotAsync(_app, group, m => ButtonData(m).Any(d => d.StartsWith("q:", StringComparison.Ordinal)) &&
                                                           !ButtonData(m).Any(d => d.EndsWith(":submit", StringComparison.Ordinal)));
        Assert.Contains("lr:", ButtonData(lesson.GetProperty("message")).Single(), StringComparison.Ordinal);

        // Pushing the same day again delivers nothing twice.
        var before = await _app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox");
        await admin.SayAsync(group, "/push 1");
        await WaitForBotAsync(_app, group, m => Text(m) == "Nội dung ngày 1 đã được gửi ở đây.");
        Assert.Equal(before + 1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox")); // only that reply

        var last = await LastIdAsync(group);
        await learner.PressAsync(group, ButtonData(checkIn.GetProperty("message")).Single());
        var notice = await WaitForBotAsync(_app, group, m => m.GetProperty("notice").GetBoolean(), last);
        Assert.Equal("Đã điểm danh ngày 1. Chuỗi: 1 ngày.", Text(notice.GetProperty("message")));

        // The same quiz answered three times (double taps, a second option): counted once.
        var options = ButtonData(quiz.GetProperty("message")).ToList();
        foreach (var option in new[] { options[0], options[0], options[^1] })
        {
            last = await LastIdAsync(group);
            await learner.PressAsync(group, option);
            await WaitForBotAsync(_app, group, m => m.GetProperty("notice").GetBoolean(), last);
        }
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM answers"));
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM checkins"));

        last = await LastIdAsync(learner.PrivateChat);
        await learner.SayAsync(learner.PrivateChat, "/me");
        var me = await WaitForBotAsync(_app, learner.PrivateChat, m => Text(m).Contains("Điểm danh: 1 lần", StringComparison.Ordinal), last);
        Assert.Contains("đã trả lời 1", Text(me.GetProperty("message")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multiple_answer_question_is_ticked_then_submitted_once()
    {
        var learner = new PlaygroundUser(_app, await PersonaAsync("+84913000111"));
        await RegisterAsync(learner, "lang:en", "Welcome,");
        const string group = "group-HN-01";
        // Deliver pw-09 (correct: options 3 and 4) into the group, as the programme would.
        await using (var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            var ids = await s.QuerySingleAsync<(long Cohort, long Group, long Question)>(
                "SELECT g.cohort_id, g.id, q.id FROM study_groups g, questions q WHERE g.code = 'HN-01' AND q.code = 'pw-09'");
            var record = _app.Services.GetRequiredService<Academy.Learning.Daily.LearnerRecord>();
            var delivery = await record.RecordDeliveryAsync(s, new Academy.Learning.Daily.Delivery(
                "test/pw-09", ids.Cohort, ids.Group, null, 1, Academy.Learning.Daily.DeliveryKind.Question, QuestionId: ids.Question));
            var question = (await ContentStore.GetQuestionAsync(s, ids.Question))!;
            await _app.Services.GetRequiredService<Academy.Learning.Messaging.Outbox>().EnqueueAsync(s, "test/pw-09/msg", new Academy.Learning.Messaging.OutgoingMessage
            {
                To = new Academy.Learning.Model.ChatAddress("playground", group),
                Quiz = Academy.Learning.Daily.Programme.QuizOf(question, delivery, Academy.Learning.Localization.Catalog.Default.For("vi")),
            });
            await s.CommitAsync();
        }
        _app.Services.GetRequiredService<Academy.Learning.Messaging.Outbox>().Notify();
        var quiz = await WaitForBotAsync(_app, group, m => ButtonData(m).Any(d => d.EndsWith(":submit", StringComparison.Ordinal)));
        var data = ButtonData(quiz.GetProperty("message")).ToList();
        Assert.Equal(5, data.Count); // four options and Submit

        async Task<string> Press(string button)
        {
            var last = await LastIdAsync(group);
            await learner.PressAsync(group, button);
            return Text((await WaitForBotAsync(_app, group, m => m.GetProperty("notice").GetBoolean(), last)).GetProperty("message"));
        }
        // The toasts go to the learner alone, in the language they chose (English), not the group's (Vietnamese).
        Assert.Equal("Tick at least one option first.", await Press(data[4]));
        Assert.Equal("Ticked: 3. Press Submit when done.", await Press(data[2]));
        Assert.Equal("Ticked: 1, 3. Press Submit when done.", await Press(data[0]));
        Assert.Equal("Ticked: 3. Press Submit when done.", await Press(data[0])); // unticked
        await Press(data[3]);
        Assert.StartsWith("✅ Correct!", await Press(data[4]), StringComparison.Ordinal);
        Assert.Equal("You have already answered this question; your first answer counts.", await Press(data[4]));
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM answers WHERE correct = 1"));
    }

    [Fact]
    public async Task Toasts_speak_the_pressers_own_language_while_the_group_hears_its_own()
    {
        var en = Academy.Learning.Localization.Catalog.Default.For("en");
        var zh = Academy.Learning.Localization.Catalog.Default.For("zh-Hans");
        var vi = Academy.Learning.Localization.Catalog.Default.For("vi");
        var admin = new PlaygroundUser(_app, await PersonaAsync("+84903100200"));
        var nhung = new PlaygroundUser(_app, await PersonaAsync("+84913000111"));
        var tuan = new PlaygroundUser(_app, await PersonaAsync("+84914222333"));
        await RegisterAsync(admin, "lang:en", "Welcome,");
        await RegisterAsync(nhung, "lang:en", "Welcome,");
        await RegisterAsync(tuan, "lang:zh-Hans", "欢迎");
        const string group = "group-HN-01"; // speaks Vietnamese
        await admin.SayAsync(group, "/push");
        var lesson = await WaitForBotAsync(_app, group, m => ButtonData(m).Any(d => d.StartsWith("lr:", StringComparison.Ordinal)));
        var checkIn = await WaitForBotAsync(_app, group, m => ButtonData(m).Any(d => d.StartsWith("ci:", StringComparison.Ordinal)));
        var quiz = await WaitForBotAsync(_app, group, m => ButtonData(m).Any(d => d.StartsWith("q:", StringComparison.Ordinal)) &&
                                                           !ButtonData(m).Any(d => d.EndsWith(":submit", StringComparison.Ordinal)));

        async Task<string> Press(PlaygroundUser user, string data)
        {
            var last = await LastIdAsync(group);
            await user.PressAsync(group, data);
            return Text((await WaitForBotAsync(_app, group, m => m.GetProperty("notice").GetBoolean(), last)).GetProperty("message"));
        }
        Assert.Equal(en.Get("checkin.recorded", ("day", 1), ("streak", 1)), await Press(nhung, ButtonData(checkIn.GetProperty("message")).Single()));
        Assert.Equal(zh.Get("checkin.recorded", ("day", 1), ("streak", 1)), await Press(tuan, ButtonData(checkIn.GetProperty("message")).Single()));
        Assert.Equal(zh["lesson.read_recorded"], await Press(tuan, ButtonData(lesson.GetProperty("message")).Single()));
        var verdict = await Press(nhung, ButtonData(quiz.GetProperty("message")).First());
        Assert.True(verdict.StartsWith(en["quiz.correct"], StringComparison.Ordinal) || verdict.StartsWith(en["quiz.wrong"], StringComparison.Ordinal), verdict);
        verdict = await Press(tuan, ButtonData(quiz.GetProperty("message")).First());
        Assert.True(verdict.StartsWith(zh["quiz.correct"], StringComparison.Ordinal) || verdict.StartsWith(zh["quiz.wrong"], StringComparison.Ordinal), verdict);

        // What is said to the group stays in the group's language, whoever asked (the admin reads English).
        await admin.SayAsync(group, "/push 1");
        await WaitForBotAsync(_app, group, m => Text(m) == vi.Get("push.already", ("day", 1)));
    }

    [Fact]
    public async Task A_chosen_language_replaces_its_buttons_and_the_share_button_goes_once_the_number_is_given()
    {
        var learner = new PlaygroundUser(_app, await PersonaAsync("+84913000111"));
        await learner.SayAsync(learner.PrivateChat, "/start");
        var choose = await WaitForBotAsync(_app, learner.PrivateChat, m => ButtonData(m).Contains("lang:vi"));
        var chooseId = choose.GetProperty("id").GetInt64();
        await learner.PressAsync(learner.PrivateChat, "lang:vi", chooseId);
        var share = await WaitForBotAsync(_app, learner.PrivateChat, m => m.GetProperty("contactRequest").ValueKind == JsonValueKind.String);
        var chosen = await WaitForBotAsync(_app, learner.PrivateChat, m => Text(m).EndsWith("✓ Bạn đã chọn: Tiếng Việt", StringComparison.Ordinal));
        Assert.Equal(chooseId, chosen.GetProperty("id").GetInt64()); // the same message, changed in place
        Assert.StartsWith(Text(choose.GetProperty("message")), Text(chosen.GetProperty("message")), StringComparison.Ordinal);
        Assert.Empty(ButtonData(chosen.GetProperty("message")));

        await learner.ShareContactAsync();
        await WaitForBotAsync(_app, learner.PrivateChat, m => Text(m).StartsWith("Chào mừng Lê Thị Hồng Nhung!", StringComparison.Ordinal));
        var asked = (await _app.Client.GetFromJsonAsync<JsonElement>(new Uri($"/playground/api/messages?chat={learner.PrivateChat}", UriKind.Relative)))
            .EnumerateArray().Single(i => i.GetProperty("id").GetInt64() == share.GetProperty("id").GetInt64());
        Assert.Equal(JsonValueKind.Null, asked.GetProperty("message").GetProperty("contactRequest").ValueKind);
        Assert.True(asked.GetProperty("editedAt").ValueKind == JsonValueKind.Number, "the page redraws the changed message");
    }

    [Fact]
    public async Task Someone_not_on_the_roster_is_told_so_and_cannot_act()
    {
        var guest = new PlaygroundUser(_app, "guest");
        await guest.SayAsync(guest.PrivateChat, "/start");
        await WaitForBotAsync(_app, guest.PrivateChat, m => ButtonData(m).Contains("lang:en"));
        await guest.PressAsync(guest.PrivateChat, "lang:en");
        await WaitForBotAsync(_app, guest.PrivateChat, m => m.GetProperty("contactRequest").ValueKind == JsonValueKind.String);
        await guest.ShareContactAsync();
        await WaitForBotAsync(_app, guest.PrivateChat, m => Text(m).Contains("not on any class roster", StringComparison.Ordinal));

        // Told in the language the guest chose, not the group's.
        await guest.SayAsync("group-HN-01", "/me");
        await WaitForBotAsync(_app, "group-HN-01", m => Text(m).StartsWith("I don't know you yet", StringComparison.Ordinal));
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM channel_identities"));
    }

    [Fact]
    public async Task Roles_are_enforced_politely_and_refusals_audited()
    {
        var learner = new PlaygroundUser(_app, await PersonaAsync("+84913000111"));
        var liaison = new PlaygroundUser(_app, await PersonaAsync("+84912345678"));
        await RegisterAsync(learner, "lang:en", "Welcome,");
        await RegisterAsync(liaison, "lang:en", "Welcome,");

        await learner.SayAsync("group-HN-01", "/push");
        await WaitForBotAsync(_app, "group-HN-01", m => Text(m) == "Sorry, that needs the admin role. This request has been noted.");
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'refused'"));
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM deliveries"));

        // A liaison binds their own group to a new chat, but not someone else's group.
        await liaison.SayAsync("group-new-hanoi", "/bind HN-01");
        await WaitForBotAsync(_app, "group-new-hanoi", m => Text(m).Contains("(HN-01)", StringComparison.Ordinal));
        await liaison.SayAsync("group-new-hanoi", "/bind SH-01");
        await WaitForBotAsync(_app, "group-new-hanoi", m => Text(m).Contains("SH-01", StringComparison.Ordinal) && !Text(m).Contains("(SH-01)", StringComparison.Ordinal));
        Assert.Equal(1, await _app.ScalarAsync<long>(
            "SELECT COUNT(*) FROM group_chats gc JOIN study_groups g ON g.id = gc.group_id WHERE gc.chat_id = 'group-new-hanoi' AND g.code = 'HN-01' AND gc.active = 1"));
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM group_chats WHERE chat_id = 'group-HN-01' AND active = 1"));
    }

    [Fact]
    public async Task Bad_playground_requests_get_400_and_change_nothing()
    {
        var bad = await _app.Client.PostAsJsonAsync(new Uri("/playground/api/send", UriKind.Relative), new { personaId = "p1", chatId = "dm-p2", text = "hi" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var empty = await _app.Client.PostAsJsonAsync(new Uri("/playground/api/send", UriKind.Relative), new { personaId = "p1", chatId = "dm-p1" });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        using var malformed = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await _app.Client.PostAsync(new Uri("/playground/api/send", UriKind.Relative), malformed)).StatusCode);
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM inbox"));
    }

    private async Task RegisterAsync(PlaygroundUser user, string language, string welcome)
    {
        await user.SayAsync(user.PrivateChat, "/start");
        await WaitForBotAsync(_app, user.PrivateChat, m => ButtonData(m).Contains(language));
        await user.PressAsync(user.PrivateChat, language);
        await WaitForBotAsync(_app, user.PrivateChat, m => m.GetProperty("contactRequest").ValueKind == JsonValueKind.String);
        await user.ShareContactAsync();
        await WaitForBotAsync(_app, user.PrivateChat, m => Text(m).StartsWith(welcome, StringComparison.Ordinal));
    }

    private async Task<string> PersonaAsync(string phone)
    {
        // The page sees only masked numbers; the persona is named after the roster entry's id.
        return (await PlaygroundSteps.PersonaAsync(_app, phone)).PersonaId;
    }

    private async Task<long> LastIdAsync(string chat)
    {
        var items = await _app.Client.GetFromJsonAsync<JsonElement>(new Uri($"/playground/api/messages?chat={chat}", UriKind.Relative));
        return items.EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).DefaultIfEmpty(0).Max();
    }

}
