using System.Text.Json;
using Academy.Tests.Support;
using static Academy.Tests.Support.PlaygroundSteps;
using static Academy.Tests.Support.PlaygroundUser;

namespace Academy.Tests.Chat;

/// <summary>
/// The sentences a person reads in the chat, through the real host in the playground: roles named with
/// their article, no "group —" for an admin, exam titles rather than codes, "no answers yet" rather
/// than zeros, counts that agree with their nouns, and a language button that saves only a language.
/// </summary>
public sealed class WordingConversationTests : IAsyncLifetime
{
    // 09:00 on 2026-12-01 in Ho Chi Minh City: day 1 of the sample cohort, check-in open.
    private readonly AcademyApp _app = new(time: new ShiftedTime(DateTimeOffset.Parse("2026-12-01T02:00:00Z")));

    private const string Cohort = "Everyday Digital Safety — December 2026";
    private static readonly Academy.Learning.Localization.Localizer En = Academy.Learning.Localization.Catalog.Default.For("en");


    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_welcome_and_help_name_each_role_with_its_article_and_an_admin_gets_no_group()
    {
        var admin = await PersonaAsync(_app, "+84903100200");
        Assert.Equal($"Welcome, Nguyễn Thị Mai Anh! You are registered in {Cohort} as an admin. Send /help to see what you can do.",
            await RegisterAndWelcomeAsync(admin, "en"));
        var learner = await PersonaAsync(_app, "+84913000111");
        Assert.Equal($"Welcome, Lê Thị Hồng Nhung! You are registered in {Cohort} as a learner in Hanoi group 1 (HN-01). Send /help to see what you can do.",
            await RegisterAndWelcomeAsync(learner, "en"));
        var liaison = await PersonaAsync(_app, "+84912345678");
        Assert.Equal("Chào mừng Trần Văn Hùng! Bạn đã được đăng ký vào An toàn số hằng ngày — Tháng 12/2026 với vai trò liên lạc viên của Nhóm Hà Nội 1 (HN-01). Gửi /help để xem bạn có thể làm gì.",
            await RegisterAndWelcomeAsync(liaison, "vi"));

        Assert.StartsWith("You are an admin. You can use:\n", await AskAsync(admin, "/help"), StringComparison.Ordinal);
        Assert.StartsWith("You are a learner. You can use:\n", await AskAsync(learner, "/help"), StringComparison.Ordinal);
        Assert.StartsWith("Bạn là liên lạc viên. Bạn có thể dùng:\n", await AskAsync(liaison, "/help"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Me_says_there_are_no_answers_yet_names_the_post_test_by_its_title_and_counts_a_one_day_streak_in_the_singular()
    {
        var learner = await PersonaAsync(_app, "+84913000111");
        await RegisterAsync(_app, learner, "en");
        var me = await AskAsync(learner, "/me");
        Assert.Contains("• Quiz: no answers yet\n", me, StringComparison.Ordinal);
        Assert.Contains("• Check-ins: none yet\n", me, StringComparison.Ordinal);
        Assert.Contains("⬜ Post-test: not taken yet", me, StringComparison.Ordinal);
        Assert.DoesNotContain("0 answered", me, StringComparison.Ordinal);
        Assert.DoesNotContain("post-test", me, StringComparison.Ordinal); // the exam's code

        var cohortId = await _app.ScalarAsync<long>("SELECT id FROM cohorts");
        var last = await LastIdAsync(_app, "group-HN-01");
        await learner.PressAsync("group-HN-01", $"ci:{cohortId}");
        var toast = await WaitForBotAsync(_app, "group-HN-01", m => m.GetProperty("notice").GetBoolean(), last);
        // The toast speaks the group's language or the presser's; either way one day is one day.
        Assert.Contains(Text(toast.GetProperty("message")), (string[])["Checked in for day 1. Streak: 1 day.", "Đã điểm danh ngày 1. Chuỗi: 1 ngày."]);
        Assert.Contains("• Check-ins: 1, streak 1 day (best 1)\n", await AskAsync(learner, "/me"), StringComparison.Ordinal);

        // In Vietnamese too: the title ("Kiểm tra đầu ra"), never "… cuối khóa post-test".
        var other = await PersonaAsync(_app, "+84914222333");
        await RegisterAsync(_app, other, "vi");
        var vi = await AskAsync(other, "/me");
        Assert.Contains("• Câu đố: chưa có câu trả lời nào\n", vi, StringComparison.Ordinal);
        Assert.Contains("⬜ Kiểm tra đầu ra: chưa làm", vi, StringComparison.Ordinal);
        Assert.DoesNotContain("post-test", vi, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stranger_in_private_is_told_to_send_start_and_in_a_group_to_open_a_private_chat()
    {
        var stranger = new PlaygroundUser(_app, "guest");
        Assert.Equal("I don't know you yet: send /start to register.", await AskAsync(stranger, "/me"));

        var last = await LastIdAsync(_app, "group-HN-01");
        await stranger.SayAsync("group-HN-01", "/me");
        var inGroup = await WaitForBotAsync(_app, "group-HN-01", _ => true, last);
        Assert.Equal("I don't know you yet: open a private chat with me and send /start to register.", Text(inGroup.GetProperty("message")));
    }

    [Fact]
    public async Task A_language_button_with_an_unknown_code_saves_nothing_and_says_so_in_the_pressers_language()
    {
        var guest = new PlaygroundUser(_app, "guest");
        await guest.SayAsync(guest.PrivateChat, "/start");
        await WaitForBotAsync(_app, guest.PrivateChat, m => ButtonData(m).Contains("lang:en"));
        var last = await LastIdAsync(_app, guest.PrivateChat);
        await guest.PressAsync(guest.PrivateChat, "lang:xx");
        var refusal = await WaitForBotAsync(_app, guest.PrivateChat, m => Text(m).Length > 0, last);
        // Refused as a button that offers nothing (the same answer as any forged press), and it says nothing was recorded.
        Assert.Equal(En["button.invalid"], Text(refusal.GetProperty("message")));
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM conversation_state WHERE user_id = 'guest'"));
        await SettledAsync(_app);
        Assert.DoesNotContain(await BotMessagesAsync(_app, guest.PrivateChat, last), m => m.TryGetProperty("contactRequest", out var c) && c.ValueKind == JsonValueKind.String);

        // A registered learner's language stays as it was, and the refusal is in that language.
        var learner = await PersonaAsync(_app, "+84913000111");
        await RegisterAsync(_app, learner, "vi");
        last = await LastIdAsync(_app, learner.PrivateChat);
        await learner.PressAsync(learner.PrivateChat, "lang:xx");
        var vi = await WaitForBotAsync(_app, learner.PrivateChat, m => Text(m).Length > 0, last);
        Assert.Equal(Academy.Learning.Localization.Catalog.Default.Get("vi", "button.invalid"), Text(vi.GetProperty("message")));
        Assert.Equal("vi", await _app.ScalarAsync<string>("SELECT language FROM learners WHERE phone = '+84913000111'"));
    }

    // /start, a language, the contact: the welcome's text.
    private async Task<string> RegisterAndWelcomeAsync(PlaygroundUser user, string language)
    {
        var last = await LastIdAsync(_app, user.PrivateChat);
        await RegisterAsync(_app, user, language);
        // The last greeting: the first one ("Welcome to Academy!") asked for the language.
        return Text((await BotMessagesAsync(_app, user.PrivateChat, last)).Last(m => Text(m).StartsWith(language == "vi" ? "Chào mừng" : "Welcome", StringComparison.Ordinal)));
    }

    // A command in the person's private chat, and the bot's one reply to it.
    private async Task<string> AskAsync(PlaygroundUser user, string command)
    {
        var last = await LastIdAsync(_app, user.PrivateChat);
        await user.SayAsync(user.PrivateChat, command);
        await SettledAsync(_app);
        return Text((await BotMessagesAsync(_app, user.PrivateChat, last)).Single());
    }
}
