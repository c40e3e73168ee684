using System.Globalization;
using System.Text;
using Academy.BotHost.Channels;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Academy.Tests.Support.PlaygroundSteps;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Announcements;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Tests.Chat;

/// <summary>
/// Every kind of button (and poll vote) the host answers, pressed with forged data through the real
/// host: another group's delivery, another learner's attempt, another admin's draft, an id that does
/// not exist, fields that do not parse. Each press is refused with a toast in the presser's own
/// language, leaves one audit row naming the press, and records nothing. The kinds come from the
/// host's registered handlers, so a new kind of button without forged cases here fails the test.
/// </summary>
public sealed class ButtonOwnershipTests : IAsyncLifetime
{
    private const string Hanoi = "group-HN-01", Saigon = "group-HCM-01"; // both chats speak Vietnamese
    private readonly AcademyApp _app = new(time: new ShiftedTime(DateTimeOffset.Parse("2026-12-01T02:00:00Z")));
    private PlaygroundUser _admin = null!, _nhung = null!, _phuc = null!, _ngan = null!;
    private long _cohort, _hanoiGroup, _hanoiLesson, _hanoiQuiz, _hanoiMultiple, _saigonQuiz, _saigonMultiple, _saigonLesson;
    private long _exam, _nhungAttempt, _phucAttempt, _survey, _sentAnnouncement, _draft, _foreignDraft;

    private enum Forged { NotYours, Nonexistent, Malformed }

    /// <summary>One forged press: its kind, who presses it where, the data, and what is wrong with it.</summary>
    private sealed record Case(string Kind, Forged What, PlaygroundUser By, string Language, string Chat, string Data);

    private static readonly string[] Recorded =
    [
        "SELECT * FROM answers ORDER BY id", "SELECT * FROM checkins ORDER BY cohort_id, learner_id, day",
        "SELECT * FROM lesson_reads ORDER BY cohort_id, learner_id, lesson_id", "SELECT * FROM ledger ORDER BY id",
        "SELECT * FROM quiz_drafts ORDER BY delivery_id, learner_id", "SELECT * FROM announcement_reads ORDER BY announcement_id, learner_id",
        "SELECT id, created_by, text, audience, send_at, status FROM announcements ORDER BY id",
        "SELECT * FROM announcement_copies ORDER BY announcement_id, channel, chat_id", "SELECT * FROM exam_attempts ORDER BY id",
        "SELECT * FROM exam_answers ORDER BY attempt_id, position", "SELECT * FROM survey_drafts ORDER BY survey_id, learner_id",
        "SELECT * FROM survey_completions ORDER BY survey_id, learner_id", "SELECT * FROM survey_responses ORDER BY id",
        "SELECT * FROM nudges ORDER BY cohort_id, learner_id, day", "SELECT id, language FROM learners ORDER BY id",
        "SELECT channel, user_id, state, language FROM conversation_state ORDER BY channel, user_id",
        "SELECT * FROM completions ORDER BY 1, 2", "SELECT * FROM certificates ORDER BY 1, 2", "SELECT * FROM group_chats ORDER BY channel, chat_id",
    ];

    public async Task InitializeAsync()
    {
        _admin = await PersonaAsync(_app, "+84903100200");
        _nhung = await PersonaAsync(_app, "+84913000111");   // a learner of HN-01
        _phuc = await PersonaAsync(_app, "+84909123987");    // a learner of HCM-01: the one forging
        _ngan = await PersonaAsync(_app, "+84908765432");    // the liaison of HCM-01
        await RegisterAsync(_app, _admin, "en");
        await RegisterAsync(_app, _nhung, "en");
        await RegisterAsync(_app, _phuc, "zh-Hans");
        await RegisterAsync(_app, _ngan, "vi");
        await _admin.SayAsync(Hanoi, "/push");
        await _admin.SayAsync(Saigon, "/push");
        await SettledAsync(_app);

        _cohort = await _app.ScalarAsync<long>("SELECT id FROM cohorts WHERE code = 'sample-2026'");
        _hanoiGroup = await _app.ScalarAsync<long>("SELECT id FROM study_groups WHERE code = 'HN-01'");
        var saigonGroup = await _app.ScalarAsync<long>("SELECT id FROM study_groups WHERE code = 'HCM-01'");
        Task<long> Delivery(long group, string kind) => _app.ScalarAsync<long>(
            "SELECT MIN(d.id) FROM deliveries d LEFT JOIN questions q ON q.id = d.question_id WHERE d.group_id = @group AND d.kind = @kind AND (q.type IS NULL OR q.type <> 'Multiple')",
            new { group, kind });
        _hanoiLesson = await Delivery(_hanoiGroup, "Lesson");
        _hanoiQuiz = await Delivery(_hanoiGroup, "Question");
        _saigonLesson = await Delivery(saigonGroup, "Lesson");
        _saigonQuiz = await Delivery(saigonGroup, "Question");
        _exam = await _app.ScalarAsync<long>("SELECT id FROM exams WHERE code = 'pre-test'");
        _survey = await _app.ScalarAsync<long>("SELECT MIN(id) FROM surveys");

        await using (var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            // A multiple-answer question (pw-09) in each group, as the programme would deliver it.
            var record = _app.Services.GetRequiredService<LearnerRecord>();
            var pw09 = await s.ExecuteScalarAsync<long>("SELECT id FROM questions WHERE code = 'pw-09'");
            _hanoiMultiple = await record.RecordDeliveryAsync(s, new Delivery("test/hn/pw-09", _cohort, _hanoiGroup, null, 1, DeliveryKind.Question, QuestionId: pw09));
            _saigonMultiple = await record.RecordDeliveryAsync(s, new Delivery("test/hcm/pw-09", _cohort, saigonGroup, null, 1, DeliveryKind.Question, QuestionId: pw09));
            // Native quiz polls as a platform would have linked them to their deliveries.
            await s.ExecuteAsync("INSERT INTO poll_links (channel, poll_id, delivery_id) VALUES ('playground', 'poll-hn', @h), ('playground', 'poll-hcm', @c)",
                new { h = _hanoiQuiz, c = _saigonQuiz });

            // An announcement sent to HN-01; a draft of the admin's, and one of another admin's.
            var announcements = _app.Services.GetRequiredService<Academy.Learning.Announcements.AnnouncementService>();
            var adminId = await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = '+84903100200'");
            var report = new ChatAddress("playground", _admin.PersonaId);
            _sentAnnouncement = await announcements.CreateDraftAsync(s, adminId, report);
            await Academy.Learning.Announcements.AnnouncementService.SetContentAsync(s, _sentAnnouncement, "For Hanoi.", null);
            await Academy.Learning.Announcements.AnnouncementService.SetAudienceAsync(s, _sentAnnouncement,
                new Academy.Learning.Announcements.Audience(Academy.Learning.Announcements.AudienceKind.Groups, GroupIds: [_hanoiGroup]));
            Assert.NotNull(await announcements.SendAsync(s, _sentAnnouncement));
            _draft = await announcements.CreateDraftAsync(s, adminId, report);
            await Academy.Learning.Announcements.AnnouncementService.SetContentAsync(s, _draft, "Mine.", null);
            _foreignDraft = await announcements.CreateDraftAsync(s, adminId, report);
            await Academy.Learning.Announcements.AnnouncementService.SetContentAsync(s, _foreignDraft, "Someone else's.", null);
            await s.ExecuteAsync("UPDATE announcements SET created_by = (SELECT id FROM learners WHERE phone = '+84912345678') WHERE id = @_foreignDraft", new { _foreignDraft });
            await s.CommitAsync();
        }
        _app.Services.GetRequiredService<Outbox>().Notify();

        // Nhung and Phúc each start the pre-test.
        await _nhung.PressAsync(_nhung.PrivateChat, $"xs:{_exam}");
        await _phuc.PressAsync(_phuc.PrivateChat, $"xs:{_exam}");
        await SettledAsync(_app);
        _nhungAttempt = await _app.ScalarAsync<long>("SELECT a.id FROM exam_attempts a JOIN learners l ON l.id = a.learner_id WHERE l.phone = '+84913000111'");
        _phucAttempt = await _app.ScalarAsync<long>("SELECT a.id FROM exam_attempts a JOIN learners l ON l.id = a.learner_id WHERE l.phone = '+84909123987'");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Every_kind_of_button_pressed_with_forged_data_is_refused_audited_and_records_nothing()
    {
        var cases = Cases();
        var kinds = Kinds();
        Assert.Contains("q", kinds);
        Assert.Contains("an:ok", kinds);
        Assert.Contains("poll", kinds);
        // Every kind the host answers is walked (and nothing here names a kind the host has dropped).
        Assert.Equal(kinds.Append(Unmatched).Order(StringComparer.Ordinal), cases.Select(c => c.Kind).Distinct().Order(StringComparer.Ordinal));
        foreach (var kind in kinds.Append(Unmatched))
            Assert.True(cases.Any(c => c.Kind == kind && c.What == Forged.Nonexistent) && cases.Any(c => c.Kind == kind && c.What == Forged.Malformed),
                $"{kind}: a nonexistent id and malformed fields must both be walked");
        foreach (var kind in kinds.Where(k => k is "ci" or "lr" or "q" or "poll" or "ar" or "x" or "nudge" || k.StartsWith("an:", StringComparison.Ordinal)))
            Assert.True(cases.Any(c => c.Kind == kind && c.What == Forged.NotYours), $"{kind}: someone else's must be walked");

        var failures = new List<string>();
        foreach (var c in cases)
        {
            var actor = "playground:" + c.By.PersonaId;
            var audits = await AuditsAsync(actor);
            var before = await RecordedAsync();
            var last = await LastIdAsync(_app, c.Chat);
            var lastPrivate = await LastIdAsync(_app, c.By.PrivateChat);
            var where = $"{c.Kind} {c.What} \"{c.Data}\" by {c.By.PersonaId} in {c.Chat}";

            if (c.Kind == "poll") await VoteAsync(c.By, c.Data);
            else await c.By.PressAsync(c.Chat, c.Data);
            try { await SettledAsync(_app); }
            catch (Xunit.Sdk.XunitException) { Assert.Fail(where + ": " + string.Join('\n', await _app.QueryAsync<string>("SELECT error FROM inbox WHERE status = 'failed'"))); }

            if (await RecordedAsync() != before) failures.Add($"{where}: something was recorded");
            if (await AuditsAsync(actor) - audits != 1) failures.Add($"{where}: {await AuditsAsync(actor) - audits} audit rows, expected 1");
            else
            {
                var detail = await _app.ScalarAsync<string>("SELECT detail FROM audit_log WHERE action = 'refused' AND actor = @actor ORDER BY id DESC LIMIT 1", new { actor });
                if (detail != (c.Kind == "poll" ? "poll:" + c.Data : c.Data)) failures.Add($"{where}: the audit row names \"{detail}\"");
            }
            var shown = await BotMessagesAsync(_app, c.Chat, last);
            if (c.Kind == "poll")
            {
                if ((await BotMessagesAsync(_app, c.By.PrivateChat, lastPrivate)).Count > 0) failures.Add($"{where}: a vote was answered");
                continue;
            }
            var refusals = RefusalsIn(c.Language);
            if (shown.Count != 1 || !shown[0].GetProperty("notice").GetBoolean() || !refusals.Contains(PlaygroundUser.Text(shown[0])))
                failures.Add($"{where}: expected one refusal toast in {c.Language}, got {string.Join(" | ", shown.Select(m => m.ToString()))}");
            if (c.Chat != c.By.PrivateChat && (await BotMessagesAsync(_app, c.By.PrivateChat, lastPrivate)).Count > 0)
                failures.Add($"{where}: something was sent to the presser privately");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(cases.Count >= 60, $"only {cases.Count} cases walked");

        // The same buttons still work for those they belong to.
        var answers = await _app.ScalarAsync<long>("SELECT COUNT(*) FROM answers");
        await _phuc.PressAsync(Saigon, $"q:{_saigonQuiz}:0");
        await _nhung.PressAsync(Hanoi, $"q:{_hanoiQuiz}:0");
        await _nhung.PressAsync(Hanoi, $"lr:{_hanoiLesson}");
        await _phuc.PressAsync(Saigon, $"ci:{_cohort}");
        await VoteAsync(_nhung, "poll-hn:1"); // the same delivery as the button: the first answer stands
        await SettledAsync(_app);
        Assert.Equal(answers + 2, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM answers"));
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM lesson_reads"));
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM checkins"));
        // Phúc reads Chinese: his toast in the Vietnamese group is Chinese.
        var zh = Catalog.Default.For("zh-Hans");
        Assert.Contains(zh.Get("checkin.recorded", ("day", 1), ("streak", 1)),
            (await BotMessagesAsync(_app, Saigon, 0)).Where(m => m.GetProperty("notice").GetBoolean()).Select(PlaygroundUser.Text));
    }

    private const string Unmatched = "(no handler)";

    // The kinds of press the host answers, from its registered handlers: button prefixes, each
    // announcement action, and poll votes.
    private List<string> Kinds()
    {
        var kinds = new List<string>();
        foreach (var handler in _app.Services.GetServices<TurnHandler>())
        {
            switch (handler)
            {
                case ButtonHandler b:
                    kinds.Add(b.DataPrefix);
                    break;
                case AnnouncementButtonHandler a:
                    kinds.AddRange(a.Actions.Select(action => "an:" + action));
                    break;
                case Academy.BotHost.Chat.ChatEventHandler { EventKind: ChatEventKind.PollAnswer }:
                    kinds.Add("poll");
                    break;
                default:
                    // Anything else that took presses would be a kind this walk does not know.
                    foreach (var data in new[] { "zz:1", "q:1:0", "an:1:ok", "ci:1" })
                        Assert.False(handler.Matches(new ChatEvent { Channel = "playground", UpdateId = "probe", Kind = ChatEventKind.Button, ButtonData = data }),
                            $"{handler.GetType().Name} answers buttons but is neither a ButtonHandler nor an AnnouncementButtonHandler");
                    break;
            }
        }
        return kinds.Distinct().ToList();
    }

    private List<Case> Cases()
    {
        string S(long v) => v.ToString(CultureInfo.InvariantCulture);
        var (phuc, zh) = (_phuc, "zh-Hans");
        var cases = new List<Case>
        {
            // Check-in: another group's chat; a cohort that does not exist; fields that do not parse.
            new("ci", Forged.NotYours, phuc, zh, Hanoi, $"ci:{_cohort}"),
            new("ci", Forged.NotYours, _admin, "en", Hanoi, $"ci:{_cohort}"), // an admin is no learner of the group
            new("ci", Forged.Nonexistent, phuc, zh, Saigon, "ci:999999"),
            new("ci", Forged.Malformed, phuc, zh, Saigon, "ci:abc"),
            new("ci", Forged.Malformed, phuc, zh, Saigon, $"ci:{_cohort}:1"),
            // "I have studied this": HN-01's lesson, in either chat; a quiz delivery is no lesson.
            new("lr", Forged.NotYours, phuc, zh, Saigon, $"lr:{_hanoiLesson}"),
            new("lr", Forged.NotYours, phuc, zh, Hanoi, $"lr:{_hanoiLesson}"),
            new("lr", Forged.NotYours, phuc, zh, phuc.PrivateChat, $"lr:{_hanoiLesson}"),
            new("lr", Forged.Nonexistent, phuc, zh, Saigon, "lr:999999"),
            new("lr", Forged.Nonexistent, phuc, zh, Saigon, $"lr:{_saigonQuiz}"),
            new("lr", Forged.Malformed, phuc, zh, Saigon, "lr:abc"),
            new("lr", Forged.Malformed, phuc, zh, Saigon, $"lr:{_saigonLesson}:1"),
            // Quiz: HN-01's question (one answer, ticks, submit with and without ticks).
            new("q", Forged.NotYours, phuc, zh, Saigon, $"q:{_hanoiQuiz}:0"),
            new("q", Forged.NotYours, phuc, zh, Hanoi, $"q:{_hanoiQuiz}:1"),
            new("q", Forged.NotYours, phuc, zh, Saigon, $"q:{_hanoiMultiple}:0"),
            new("q", Forged.NotYours, phuc, zh, Saigon, $"q:{_hanoiMultiple}:submit"),
            new("q", Forged.NotYours, phuc, zh, Saigon, $"q:{_hanoiMultiple}:submit:2,3"),
            new("q", Forged.Nonexistent, phuc, zh, Saigon, "q:999999:0"),
            new("q", Forged.Nonexistent, phuc, zh, Saigon, $"q:{_saigonLesson}:0"),
            new("q", Forged.Malformed, phuc, zh, Saigon, "q:abc:0"),
            new("q", Forged.Malformed, phuc, zh, Saigon, $"q:{_saigonQuiz}"),
            new("q", Forged.Malformed, phuc, zh, Saigon, $"q:{_saigonQuiz}:x"),
            new("q", Forged.Malformed, phuc, zh, Saigon, $"q:{_saigonQuiz}:99"),
            new("q", Forged.Malformed, phuc, zh, Saigon, $"q:{_saigonQuiz}:-1"),
            new("q", Forged.Malformed, phuc, zh, Saigon, $"q:{_saigonQuiz}:4294967296"), // option 0, were it cut to 32 bits
            new("q", Forged.Malformed, phuc, zh, Saigon, $"q:{_saigonMultiple}:4294967296"),
            new("q", Forged.Malformed, phuc, zh, Saigon, $"q:{_saigonMultiple}:7"),
            new("q", Forged.Malformed, phuc, zh, Saigon, $"q:{_saigonMultiple}:submit:1,x"),
            new("q", Forged.Malformed, phuc, zh, Saigon, $"q:{_saigonMultiple}:submit:0,9"),
            // Poll votes (poll id:options): HN-01's poll forwarded; a poll never sent; an option the question lacks.
            new("poll", Forged.NotYours, phuc, zh, phuc.PrivateChat, "poll-hn:0"),
            new("poll", Forged.Nonexistent, phuc, zh, phuc.PrivateChat, "poll-zz:0"),
            new("poll", Forged.Malformed, phuc, zh, phuc.PrivateChat, "poll-hcm:99"),
            new("poll", Forged.Malformed, phuc, zh, phuc.PrivateChat, "poll-hcm:0,1"),
            // "I have read": an announcement for HN-01 only.
            new("ar", Forged.NotYours, phuc, zh, Saigon, $"ar:{_sentAnnouncement}"),
            new("ar", Forged.NotYours, phuc, zh, phuc.PrivateChat, $"ar:{_sentAnnouncement}"),
            new("ar", Forged.Nonexistent, phuc, zh, Saigon, "ar:999999"),
            new("ar", Forged.Malformed, phuc, zh, Saigon, "ar:abc"),
            // Exam start: no such exam; fields that do not parse; pressed in a group.
            new("xs", Forged.Nonexistent, phuc, zh, phuc.PrivateChat, "xs:999999"),
            new("xs", Forged.Malformed, phuc, zh, phuc.PrivateChat, "xs:abc"),
            new("xs", Forged.Malformed, phuc, zh, Saigon, $"xs:{_exam}"),
            // Exam answers: Nhung's attempt; none; an option the question lacks on his own.
            new("x", Forged.NotYours, phuc, zh, phuc.PrivateChat, $"x:{_nhungAttempt}:0:0"),
            new("x", Forged.NotYours, phuc, zh, phuc.PrivateChat, $"x:{_nhungAttempt}:0:t0"),
            new("x", Forged.NotYours, phuc, zh, phuc.PrivateChat, $"x:{_nhungAttempt}:0:s"),
            new("x", Forged.Nonexistent, phuc, zh, phuc.PrivateChat, "x:999999:0:0"),
            new("x", Forged.Malformed, phuc, zh, phuc.PrivateChat, "x:abc:0:0"),
            new("x", Forged.Malformed, phuc, zh, phuc.PrivateChat, $"x:{_phucAttempt}:0"),
            new("x", Forged.Malformed, phuc, zh, phuc.PrivateChat, $"x:{_phucAttempt}:0:zz"),
            new("x", Forged.Malformed, phuc, zh, phuc.PrivateChat, $"x:{_phucAttempt}:0:99"),
            new("x", Forged.Malformed, phuc, zh, phuc.PrivateChat, $"x:{_phucAttempt}:-1:0"),
            // Surveys: no such survey; fields that do not parse.
            new("sv", Forged.Nonexistent, phuc, zh, phuc.PrivateChat, "sv:999999:open"),
            new("sv", Forged.Malformed, phuc, zh, phuc.PrivateChat, "sv:abc:open"),
            new("sv", Forged.Malformed, phuc, zh, phuc.PrivateChat, $"sv:{_survey}"),
            new("sv", Forged.Malformed, phuc, zh, phuc.PrivateChat, $"sv:{_survey}:zz:1"),
            // Nudge: HN-01 by HCM-01's liaison; a learner; no such group; fields that do not parse.
            new("nudge", Forged.NotYours, _ngan, "vi", _ngan.PrivateChat, NudgeButtonHandler.Data(_hanoiGroup, 1)),
            new("nudge", Forged.NotYours, phuc, zh, Saigon, NudgeButtonHandler.Data(_hanoiGroup, 1)),
            new("nudge", Forged.Nonexistent, _ngan, "vi", _ngan.PrivateChat, NudgeButtonHandler.Data(999999, 1)),
            new("nudge", Forged.Malformed, _ngan, "vi", _ngan.PrivateChat, "nudge:abc:1"),
            new("nudge", Forged.Malformed, _ngan, "vi", _ngan.PrivateChat, $"nudge:{S(_hanoiGroup)}:0"),
            // Language: none offered by that name; fields that do not parse.
            new("lang", Forged.Nonexistent, phuc, zh, phuc.PrivateChat, "lang:xx"),
            new("lang", Forged.Malformed, phuc, zh, phuc.PrivateChat, "lang:"),
            new("lang", Forged.Malformed, phuc, zh, phuc.PrivateChat, "lang:en:1"),
            // Data no handler answers.
            new(Unmatched, Forged.Nonexistent, phuc, zh, Saigon, "zz:1"),
            new(Unmatched, Forged.Malformed, phuc, zh, Saigon, "an:1"),
        };
        // Each announcement action: another admin's draft, none at all, unparsable ids and arguments, a learner.
        foreach (var action in new[] { "all", "cohort", "c", "groups", "g", "done", "learners", "now", "at", "ok", "x", "r" })
        {
            var arg = action is "c" or "g" ? ":" + (action == "c" ? S(_cohort) : S(_hanoiGroup)) : "";
            cases.Add(new("an:" + action, Forged.NotYours, _admin, "en", _admin.PrivateChat, $"an:{_foreignDraft}:{action}{arg}"));
            cases.Add(new("an:" + action, Forged.NotYours, phuc, zh, phuc.PrivateChat, $"an:{_draft}:{action}{arg}"));
            cases.Add(new("an:" + action, Forged.Nonexistent, _admin, "en", _admin.PrivateChat, $"an:999999:{action}{arg}"));
            cases.Add(new("an:" + action, Forged.Malformed, _admin, "en", _admin.PrivateChat, $"an:abc:{action}{arg}"));
            cases.Add(new("an:" + action, Forged.Malformed, _admin, "en", _admin.PrivateChat, $"an:{_draft}:{action}{arg}:1"));
        }
        cases.Add(new("an:c", Forged.Nonexistent, _admin, "en", _admin.PrivateChat, $"an:{_draft}:c:999999"));
        cases.Add(new("an:g", Forged.Nonexistent, _admin, "en", _admin.PrivateChat, $"an:{_draft}:g:999999"));
        cases.Add(new("an:c", Forged.Malformed, _admin, "en", _admin.PrivateChat, $"an:{_draft}:c"));
        cases.Add(new("an:g", Forged.Malformed, _admin, "en", _admin.PrivateChat, $"an:{_draft}:g:abc"));
        return cases;
    }

    // A vote "POLL:OPTIONS" through the host's own pipeline, as a platform's poll_answer update becomes one.
    private async Task VoteAsync(PlaygroundUser user, string vote)
    {
        var (poll, options) = (vote[..vote.IndexOf(':', StringComparison.Ordinal)], vote[(vote.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        var e = new ChatEvent
        {
            Channel = "playground", UpdateId = "vote-" + Guid.NewGuid().ToString("N"), Kind = ChatEventKind.PollAnswer,
            From = new ChatUser(user.PersonaId, user.PersonaId), PollId = poll,
            PollOptions = options.Split(',').Select(o => int.Parse(o, CultureInfo.InvariantCulture)).ToList(),
        };
        await using var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync();
        await _app.Services.GetRequiredService<TurnPipeline>().HandleManyAsync([e], s);
        await s.CommitAsync();
        _app.Services.GetRequiredService<Outbox>().Notify();
    }

    private async Task<string> RecordedAsync()
    {
        await using var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginReadAsync();
        var sb = new StringBuilder();
        foreach (var query in Recorded)
        {
            sb.Append(query).Append('\n');
            foreach (var row in await s.QueryAsync<dynamic>(query))
                sb.AppendJoin('|', ((IDictionary<string, object?>)row).Select(kv => $"{kv.Key}={kv.Value}")).Append('\n');
        }
        return sb.ToString();
    }

    private Task<long> AuditsAsync(string actor) =>
        _app.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'refused' AND actor = @actor", new { actor });

    private static HashSet<string> RefusalsIn(string language)
    {
        var text = Catalog.Default.For(language);
        var set = new HashSet<string>
        {
            text["button.not_yours"], text["button.invalid"], text["announce.read_not_addressed"], text["turn.private_only"], text["turn.group_only"],
        };
        foreach (var role in Enum.GetValues<Role>())
            set.Add(text.Get("turn.refused", ("role", role.ToString().ToLowerInvariant())));
        return set;
    }
}
