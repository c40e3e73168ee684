using System.Text.Json;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Academy.Tests.Support.PlaygroundSteps;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.People;

namespace Academy.Tests.Chat;

/// <summary>
/// A liaison runs HN-01's day 1 from the group chat (09:00 local, check-in open): /today, the nudge
/// button, /summary; the lesson carries the day's discussion topic. Seeded by <see cref="LiaisonDay"/>.
/// </summary>
public sealed class LiaisonToolsTests : IAsyncLifetime
{
    private const string Group = "group-HN-01";
    private static readonly Localizer Vi = Catalog.Default.For("vi"), En = Catalog.Default.For("en"), Zh = Catalog.Default.For("zh-Hans");
    private readonly AcademyApp _app = new(time: new ShiftedTime(DateTimeOffset.Parse("2026-12-01T02:00:00Z")));
    private LiaisonDay.Seed _seed = null!;
    private PlaygroundUser _liaison = null!, _bao = null!, _tram = null!, _ha = null!;
    private readonly Dictionary<string, long> _registered = []; // each private chat's last message after registration

    public async Task InitializeAsync()
    {
        _liaison = await PersonaAsync(_app, LiaisonDay.Hung);
        _bao = await PersonaAsync(_app, LiaisonDay.Bao);
        _tram = await PersonaAsync(_app, LiaisonDay.Tram);
        _ha = await PersonaAsync(_app, LiaisonDay.Ha);
        await RegisterAsync(_app, _liaison, "en"); // reads English; the group's chat speaks Vietnamese
        await RegisterAsync(_app, _bao, "en");
        await RegisterAsync(_app, _tram, "zh-Hans");
        await RegisterAsync(_app, _ha, "vi");
        foreach (var user in new[] { _bao, _tram, _ha }) _registered[user.PersonaId] = await LastIdAsync(_app, user.PrivateChat);
        await using (var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            _seed = await LiaisonDay.SeedAsync(s, _app.Services.GetRequiredService<Programme>(), _app.Services.GetRequiredService<LearnerRecord>());
            // Hà blocked the bot after registering.
            await s.ExecuteAsync("UPDATE channel_identities SET unreachable_at = 1 WHERE external_id = @id", new { id = _ha.PersonaId });
            await s.CommitAsync();
        }
        _app.Services.GetRequiredService<Outbox>().Notify();
        await SettledAsync(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Today_shows_who_checked_in_when_who_is_missing_and_the_quiz()
    {
        var message = await SayAsync(_liaison, Group, "/today");
        var times = await CheckInClocksAsync();
        var expected = string.Join('\n',
            Vi.Get("today.heading", ("group", "Nhóm Hà Nội 1"), ("code", "HN-01"), ("day", 1), ("date", "2026-12-01")),
            Vi.Get("today.checked_in", ("count", 2), ("enrolled", 8)) + $": Lê Thị Hồng Nhung {times["Lê Thị Hồng Nhung"]}, Phạm Minh Tuấn {times["Phạm Minh Tuấn"]}",
            Vi.Get("today.missing", ("count", 6)) + $": {LiaisonDay.Attack}, Bùi Thị Lan, Hoàng Đức Anh, Vũ Thu Hà, Đặng Quốc Bảo, Đỗ Ngọc Trâm",
            Vi.Get("today.quiz", ("questions", 3), ("count", 2), ("enrolled", 8)) + ": Lê Thị Hồng Nhung 2/3, Phạm Minh Tuấn 1/3");
        Assert.Equal(expected, PlaygroundUser.Text(message));
        Assert.Equal("🔔 Nhắc 6 người chưa điểm danh", message.GetProperty("buttons")[0][0].GetProperty("label").GetString());
        Assert.Equal(NudgeButtonHandler.Data(_seed.GroupId, 1), Assert.Single(PlaygroundUser.ButtonData(message)));

        // In private the liaison gets their own group, in their own language; an admin must name one.
        var mine = await SayAsync(_liaison, _liaison.PrivateChat, "/today");
        Assert.StartsWith("📋 Hanoi group 1 (HN-01) · day 1 · 2026-12-01\n✅ Checked in 2/8: ", PlaygroundUser.Text(mine), StringComparison.Ordinal);
        var admin = await PersonaAsync(_app, "+84903100200");
        await RegisterAsync(_app, admin, "en");
        Assert.Equal(En.Get("liaison.name_group", ("command", "/today")), PlaygroundUser.Text(await SayAsync(admin, admin.PrivateChat, "/today")));
        Assert.StartsWith("📋 Hanoi group 1 (HN-01)", PlaygroundUser.Text(await SayAsync(admin, admin.PrivateChat, "/today hn-01")), StringComparison.Ordinal);
        Assert.Equal(En.Get("liaison.unknown_group", ("code", "XX-9")), PlaygroundUser.Text(await SayAsync(admin, admin.PrivateChat, "/today XX-9")));
    }

    [Fact]
    public async Task Nudge_reaches_the_reachable_missing_once_and_names_the_unreachable()
    {
        var data = NudgeButtonHandler.Data(_seed.GroupId, 1);
        var (toast, details) = await PressAsync(_liaison, Group, data);
        Assert.Equal(En.Get("nudge.toast", ("count", 2), ("unreachable", 4)), toast); // the presser's language
        // Who was reminded and who cannot be reached: to the liaison privately, in their language (English).
        Assert.Equal(
            En.Get("nudge.done", ("count", 2)) + ": Đặng Quốc Bảo, Đỗ Ngọc Trâm\n" +
            En.Get("nudge.unreachable", ("count", 4)) + $": {LiaisonDay.Attack} (never started the bot), Bùi Thị Lan (never started the bot), Hoàng Đức Anh (never started the bot), Vũ Thu Hà (blocked the bot)\n" +
            En["nudge.unreachable_hint"], details);

        // Each reachable one gets one private reminder in their own language, with the check-in button.
        var toBao = Assert.Single(await BotMessagesAsync(_app, _bao.PrivateChat, await LastBeforeNudgeAsync(_bao)));
        Assert.Equal(En.Get("nudge.text", ("name", "Đặng Quốc Bảo"), ("day", 1), ("group", "Hanoi group 1"), ("close", "21:00")), PlaygroundUser.Text(toBao));
        Assert.Equal($"ci:{_seed.CohortId}", Assert.Single(PlaygroundUser.ButtonData(toBao)));
        var toTram = Assert.Single(await BotMessagesAsync(_app, _tram.PrivateChat, await LastBeforeNudgeAsync(_tram)));
        Assert.Equal(Zh.Get("nudge.text", ("name", "Đỗ Ngọc Trâm"), ("day", 1), ("group", "河内 1 组"), ("close", "21:00")), PlaygroundUser.Text(toTram));
        Assert.Empty(await BotMessagesAsync(_app, _ha.PrivateChat, await LastBeforeNudgeAsync(_ha)));

        // Pressed again: nobody gets a second reminder.
        var (again, againDetails) = await PressAsync(_liaison, Group, data);
        Assert.Equal(En.Get("nudge.toast", ("count", 0), ("unreachable", 4)), again);
        Assert.StartsWith(En.Get("nudge.already", ("count", 2)) + ": Đặng Quốc Bảo, Đỗ Ngọc Trâm\n", againDetails, StringComparison.Ordinal);
        Assert.Equal(2, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE idem_key LIKE '%/nudge/%'"));
        Assert.Equal(2, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM nudges"));
        Assert.Single(await BotMessagesAsync(_app, _bao.PrivateChat, await LastBeforeNudgeAsync(_bao)));

        // Trâm checks in from the reminder; /today marks Bảo as nudged and offers the 3 not yet nudged.
        await _tram.PressAsync(_tram.PrivateChat, $"ci:{_seed.CohortId}");
        await SettledAsync(_app);
        var today = await SayAsync(_liaison, Group, "/today");
        Assert.Contains(Vi.Get("today.checked_in", ("count", 3), ("enrolled", 8)), PlaygroundUser.Text(today), StringComparison.Ordinal);
        Assert.Contains(Vi.Get("today.missing", ("count", 5)) + $": {LiaisonDay.Attack}, Bùi Thị Lan, Hoàng Đức Anh, Vũ Thu Hà, Đặng Quốc Bảo (đã nhắc)\n",
            PlaygroundUser.Text(today), StringComparison.Ordinal);
        Assert.Equal("🔔 Nhắc 4 người chưa điểm danh", today.GetProperty("buttons")[0][0].GetProperty("label").GetString());
    }

    [Fact]
    public async Task A_liaison_the_bot_cannot_write_to_privately_gets_the_counts_and_the_names_never_reach_the_group()
    {
        await using (var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            await s.ExecuteAsync("UPDATE channel_identities SET unreachable_at = 1 WHERE external_id = @id", new { id = _liaison.PersonaId });
            await s.CommitAsync();
        }
        var last = await LastIdAsync(_app, Group);
        var lastPrivate = await LastIdAsync(_app, _liaison.PrivateChat);
        await _liaison.PressAsync(Group, NudgeButtonHandler.Data(_seed.GroupId, 1));
        await SettledAsync(_app);
        var toast = Assert.Single(await BotMessagesAsync(_app, Group, last));
        Assert.True(toast.GetProperty("notice").GetBoolean());
        Assert.Equal(En.Get("nudge.toast", ("count", 2), ("unreachable", 4)) + " " + En["nudge.names_need_private_chat"], PlaygroundUser.Text(toast));
        Assert.Empty(await BotMessagesAsync(_app, _liaison.PrivateChat, lastPrivate));
        Assert.Equal(2, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM nudges")); // the reminders went out all the same
    }

    [Fact]
    public async Task Summary_sends_the_days_table_as_xlsx_and_csv_with_formulas_neutralised()
    {
        // The group's reminder went out at 08:30 local: it tagged whoever had not checked in by then.
        await using (var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            await s.ExecuteAsync(
                "INSERT INTO outbox (idem_key, channel, chat_id, payload, status, attempts, not_before, created_at) VALUES (@key, 'playground', 'group-HN-01', '{}', 'sent', 1, 0, @at)",
                new { key = $"c{_seed.CohortId}/d1/reminder/g{_seed.GroupId}@playground", at = DateTimeOffset.Parse("2026-12-01T01:30:00Z").ToUnixTimeMilliseconds() });
            await s.CommitAsync();
        }
        await PressAsync(_liaison, Group, NudgeButtonHandler.Data(_seed.GroupId, 1));
        var nudgedAt = DateTimeOffset.FromUnixTimeMilliseconds(await _app.ScalarAsync<long>("SELECT MIN(nudged_at) FROM nudges")).ToOffset(TimeSpan.FromHours(7)).ToString("HH:mm");

        var last = await LastIdAsync(_app, _liaison.PrivateChat);
        Assert.Equal(Vi["summary.sent_privately"], PlaygroundUser.Text(await SayAsync(_liaison, Group, "/summary")));
        var shown = await BotMessagesAsync(_app, _liaison.PrivateChat, last);
        Assert.Equal(["HN-01-day-1.xlsx", "HN-01-day-1.csv"], shown.Select(m => m.GetProperty("attachment").GetString()));
        Assert.Equal(En.Get("summary.caption", ("code", "HN-01"), ("day", 1), ("date", "2026-12-01"), ("count", 8)), PlaygroundUser.Text(shown[0]));

        var files = (await _app.QueryAsync<string>("SELECT payload FROM outbox WHERE chat_id = @id ORDER BY id", new { id = _liaison.PersonaId }))
            .Select(Outbox.Deserialize).Where(m => m.Attachment is not null).Select(m => m.Attachment!).ToList();
        Assert.All(files, f => Assert.Equal(AttachmentKind.Document, f.Kind));
        var times = await CheckInClocksAsync();
        var reminded = En.Get("summary.note_reminded", ("time", "08:30"));
        var nudged = En.Get("summary.note_nudged", ("time", nudgedAt));
        string?[][] expected =
        [
            ["Learner", "Check-in time", "Quiz correct", "Quiz answered (of 3)", "Exam", "Notes"],
            [LiaisonDay.Attack, null, "0", "0", "none yet", reminded],
            ["Bùi Thị Lan", null, "0", "0", "none yet", reminded],
            ["Hoàng Đức Anh", null, "0", "0", "none yet", reminded],
            // Checked in after the reminder (the clock starts at 09:00): they were tagged in it too.
            ["Lê Thị Hồng Nhung", times["Lê Thị Hồng Nhung"], "1", "2", "none yet", reminded],
            ["Phạm Minh Tuấn", times["Phạm Minh Tuấn"], "1", "1", "none yet", reminded],
            ["Vũ Thu Hà", null, "0", "0", "none yet", reminded],
            ["Đặng Quốc Bảo", null, "0", "0", "none yet", nudged + "; " + reminded],
            ["Đỗ Ngọc Trâm", null, "0", "0", "none yet", nudged + "; " + reminded],
        ];

        var sheet = SpreadsheetReader.ReadXlsx(files.Single(f => f.FileName == "HN-01-day-1.xlsx").Content!);
        Assert.Equal("HN-01 day 1", sheet.Name);
        Assert.Equal(expected.Length, sheet.Rows.Count);
        for (int r = 0; r < expected.Length; r++)
            for (int c = 0; c < expected[r].Length; c++)
            {
                var cell = sheet.Rows[r][c];
                var want = expected[r][c];
                if (r == 0) Assert.True(cell.Bold, $"header {cell.Reference} is bold");
                if (want is null) { Assert.Equal("Empty", cell.Type); continue; }
                if (c == 1 && r > 0)
                {
                    Assert.Equal("hh:mm", cell.Format);
                    Assert.Equal(want, TimeOnly.FromTimeSpan(TimeSpan.FromDays(SpreadsheetReader.Number(cell)) + TimeSpan.FromSeconds(1)).ToString("HH:mm"));
                }
                else if (r > 0 && c is 2 or 3) Assert.Equal(("Number", want), (cell.Type, cell.Value));
                else Assert.Equal(("InlineString", want), (cell.Type, cell.Value));
            }

        var csv = SpreadsheetReader.ReadCsv(files.Single(f => f.FileName == "HN-01-day-1.csv").Content!);
        // Only the CSV neutralises formula-looking text (the xlsx cell is a string, shown as typed).
        Assert.Equal(expected.Select(row => row.Select(v => v == LiaisonDay.Attack ? "'" + v : v ?? "").ToList()).ToList(), csv);
    }

    [Fact]
    public async Task The_lesson_carries_the_days_discussion_topic()
    {
        var lesson = (await BotMessagesAsync(_app, Group, 0)).Single(m => PlaygroundUser.Text(m).StartsWith("**Ngày 1:", StringComparison.Ordinal));
        Assert.Contains("\n\n**Thảo luận:** Không chia sẻ bất kỳ mật khẩu thật nào: hiện nay bạn chọn mật khẩu cho tài khoản mới như thế nào?",
            PlaygroundUser.Text(lesson), StringComparison.Ordinal);
    }

    private async Task<JsonElement> SayAsync(PlaygroundUser user, string chat, string text)
    {
        var last = await LastIdAsync(_app, chat);
        await user.SayAsync(chat, text);
        await SettledAsync(_app);
        return Assert.Single(await BotMessagesAsync(_app, chat, last));
    }

    // The toast shows where the button was pressed; the names go to the presser's private chat, never to the group.
    private async Task<(string Toast, string Details)> PressAsync(PlaygroundUser user, string chat, string data)
    {
        var last = await LastIdAsync(_app, chat);
        var lastPrivate = await LastIdAsync(_app, user.PrivateChat);
        await user.PressAsync(chat, data);
        await SettledAsync(_app);
        var toast = Assert.Single(await BotMessagesAsync(_app, chat, last));
        Assert.True(toast.GetProperty("notice").GetBoolean());
        var details = Assert.Single(await BotMessagesAsync(_app, user.PrivateChat, lastPrivate));
        Assert.False(details.GetProperty("notice").GetBoolean());
        return (PlaygroundUser.Text(toast), PlaygroundUser.Text(details));
    }

    private Task<long> LastBeforeNudgeAsync(PlaygroundUser user) => Task.FromResult(_registered[user.PersonaId]);

    private async Task<Dictionary<string, string>> CheckInClocksAsync() =>
        (await _app.QueryAsync<(string Name, long At)>("SELECT l.name, c.checked_in_at FROM checkins c JOIN learners l ON l.id = c.learner_id"))
        .ToDictionary(r => r.Name, r => DateTimeOffset.FromUnixTimeMilliseconds(r.At).ToOffset(TimeSpan.FromHours(7)).ToString("HH:mm"));
}
