using ExamService = Academy.Learning.Exams.ExamService;
using System.Text.Json;
using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static Academy.Tests.Support.PlaygroundSteps;
using Academy.BotHost.Features.Exams;
using Academy.Learning.Content;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Exams;

/// <summary>
/// A learner takes exams in the playground's private chat through the real host: the pre-test button
/// after registration, every answer format, an interruption and resume, the score and review, a late
/// answer refused, and the post-test button on the last programme day.
/// </summary>
public sealed class ExamConversationTests : IAsyncDisposable
{
    private static readonly Localizer En = Catalog.Default.For("en");
    private readonly ShiftedTime _time = new(DateTimeOffset.Parse("2026-12-01T02:00:00Z"));
    private readonly PinnedSeeds _seeds = new();
    private readonly AcademyApp _app;

    // The sweep runs only when a test runs it: a round of its own between a deadline and a press would decide what the test sees.
    public ExamConversationTests() =>
        _app = new AcademyApp(new Dictionary<string, string?> { ["Exams:SweepInterval"] = "01:00:00" }, time: _time,
            services: s => s.Replace(ServiceDescriptor.Singleton<ExamSeeds>(_seeds)));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_learner_takes_the_pre_test_with_every_answer_format_resumes_after_an_interruption_and_gets_the_review()
    {
        await PinSeedCoveringEveryTypeAsync();
        var user = await PersonaAsync(_app, LiaisonDay.Tuan);
        await RegisterAsync(_app, user, "en");
        var preId = await _app.ScalarAsync<long>("SELECT id FROM exams WHERE code = 'pre-test'");
        var invite = await WaitAsync(user.PrivateChat, m => PlaygroundUser.ButtonData(m).Contains($"xs:{preId}"));
        Assert.Contains("Pre-test: 10 questions, 15 minutes, pass mark 60%", T(invite), StringComparison.Ordinal);

        await user.PressAsync(user.PrivateChat, $"xs:{preId}");
        await SettledAsync(_app);
        var attemptId = await _app.ScalarAsync<long>("SELECT id FROM exam_attempts");
        var seen = new HashSet<QuestionType>();
        for (int position = 0; position < 10; position++)
        {
            if (position == 4)
            {
                // Interrupted: the learner wanders off, comes back and asks for their exams.
                var before = await LastIdAsync(_app, user.PrivateChat);
                await user.SayAsync(user.PrivateChat, "/exam");
                var list = await WaitAsync(user.PrivateChat, m => T(m).StartsWith(En["exam.list_heading"], StringComparison.Ordinal), before);
                Assert.Contains(En.Get("exam.resume_button", ("title", "Pre-test")), list.GetProperty("buttons").ToString(), StringComparison.Ordinal);
                await user.PressAsync(user.PrivateChat, $"xs:{preId}");
                await WaitAsync(user.PrivateChat, m => T(m) == En.Get("exam.resumed", ("title", "Pre-test")), before);
                await SettledAsync(_app);
            }
            var asked = await CurrentQuestionMessageAsync(user, position);
            var text = T(asked);
            Assert.Matches($@"^Pre-test · question {position + 1}/10 · ⏱ 1[45] min left", text);
            var question = await QuestionAtAsync(attemptId, position);
            seen.Add(question.Type);
            var prefix = $"x:{attemptId}:{position}:";
            switch (question.Type)
            {
                case QuestionType.Fill:
                    Assert.Contains(En["exam.type_answer"], text, StringComparison.Ordinal);
                    // Typed in capitals, full width and with a trailing full stop: still right.
                    await user.SayAsync(user.PrivateChat, ToFullWidth(question.Accepted[0].ToUpperInvariant()) + "。");
                    break;
                case QuestionType.Multiple:
                    var wrong = Enumerable.Range(0, question.Options.Count).First(i => !question.Correct.Contains(i));
                    await user.PressAsync(user.PrivateChat, prefix + "t" + wrong); // ticked by mistake…
                    await SettledAsync(_app);
                    Assert.Contains("☑ ", T(await CurrentQuestionMessageAsync(user, position)) + (await CurrentQuestionMessageAsync(user, position)).GetProperty("buttons"), StringComparison.Ordinal);
                    await user.PressAsync(user.PrivateChat, prefix + "t" + wrong); // …and unticked
                    foreach (var c in question.Correct) await user.PressAsync(user.PrivateChat, prefix + "t" + c);
                    await SettledAsync(_app);
                    await user.PressAsync(user.PrivateChat, prefix + "s");
                    break;
                default:
                    Assert.Contains(prefix + question.Correct[0], PlaygroundUser.ButtonData(asked));
                    await user.PressAsync(user.PrivateChat, prefix + question.Correct[0]);
                    await user.PressAsync(user.PrivateChat, prefix + question.Correct[0]); // a double tap records nothing twice
                    break;
            }
            await SettledAsync(_app);
        }
        Assert.Equal(4, seen.Count);
        var result = await WaitAsync(user.PrivateChat, m => T(m).StartsWith("🏁", StringComparison.Ordinal));
        var review = T(result);
        Assert.StartsWith(En.Get("exam.result", ("title", "Pre-test"), ("score", "100"), ("verdict", En["exam.passed"]), ("pass", "60"), ("left", 0)), review, StringComparison.Ordinal);
        Assert.Equal(10, review.Split('\n').Count(l => l.StartsWith("✅ ", StringComparison.Ordinal)));
        Assert.Equal(10, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM exam_answers"));
        Assert.Equal(100.0, await _app.ScalarAsync<double>("SELECT score FROM exam_attempts"));
    }

    [Fact]
    public async Task A_late_answer_is_refused_politely_and_the_post_test_opens_on_the_last_day()
    {
        var user = await PersonaAsync(_app, LiaisonDay.Tuan);
        await RegisterAsync(_app, user, "en");
        // Exams are private: asked in the group, the bot points to the private chat (in the group's language).
        await user.SayAsync("group-HN-01", "/exam");
        await WaitAsync("group-HN-01", m => T(m) == Catalog.Default.For("vi")["exam.private_only"]);
        var preId = await _app.ScalarAsync<long>("SELECT id FROM exams WHERE code = 'pre-test'");
        await user.PressAsync(user.PrivateChat, $"xs:{preId}");
        await SettledAsync(_app);
        var attemptId = await _app.ScalarAsync<long>("SELECT id FROM exam_attempts");
        var first = await QuestionAtAsync(attemptId, 0);
        _time.Jump(TimeSpan.FromMinutes(16));
        var before = await LastIdAsync(_app, user.PrivateChat);
        if (first.Type == QuestionType.Fill) await user.SayAsync(user.PrivateChat, first.Accepted[0]);
        else await user.PressAsync(user.PrivateChat, $"x:{attemptId}:0:{(first.Type == QuestionType.Multiple ? "t" : "")}{first.Correct[0]}");
        await WaitAsync(user.PrivateChat, m => T(m) == En["exam.late"], before);
        var result = await WaitAsync(user.PrivateChat, m => T(m).StartsWith("🏁", StringComparison.Ordinal), before);
        Assert.Contains("0% — not passed", T(result), StringComparison.Ordinal);
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM exam_answers"));

        // Day 12 (2026-12-13 in Ho Chi Minh City): the sweep sends the post-test's Start button, once.
        _time.Jump(DateTimeOffset.Parse("2026-12-13T01:00:00Z") - _time.GetUtcNow());
        var postId = await _app.ScalarAsync<long>("SELECT id FROM exams WHERE code = 'post-test'");
        var sweep = _app.Services.GetRequiredService<ExamSweep>();
        await sweep.RunOnceAsync(invite: true);
        await sweep.RunOnceAsync(invite: true);
        await SettledAsync(_app);
        var invites = (await BotMessagesAsync(_app, user.PrivateChat, before)).Where(m => PlaygroundUser.ButtonData(m).Contains($"xs:{postId}")).ToList();
        var invite = Assert.Single(invites);
        Assert.Contains("Post-test: 20 questions, 30 minutes, pass mark 70%", T(invite), StringComparison.Ordinal);

        // Started and abandoned: once its time is up the sweep finishes it and tells the learner.
        await user.PressAsync(user.PrivateChat, $"xs:{postId}");
        await SettledAsync(_app);
        var started = await LastIdAsync(_app, user.PrivateChat);
        _time.Jump(TimeSpan.FromMinutes(31));
        await sweep.RunOnceAsync(invite: false);
        var timedOut = await WaitAsync(user.PrivateChat, m => T(m).StartsWith(En.Get("exam.timed_out", ("title", "Post-test")), StringComparison.Ordinal), started);
        Assert.Contains("0% — not passed (pass mark 70%). Attempts left: 1.", T(timedOut), StringComparison.Ordinal);
        // A long review comes in parts; together they list every question, each unanswered.
        await SettledAsync(_app);
        var review = (await BotMessagesAsync(_app, user.PrivateChat, started)).SelectMany(m => T(m).Split('\n')).ToList();
        Assert.Equal(20, review.Count(l => l.StartsWith("⏹ ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Start_pressed_after_the_deadline_before_the_sweep_gives_the_result_of_the_only_attempt()
    {
        var user = await PersonaAsync(_app, LiaisonDay.Tuan);
        await RegisterAsync(_app, user, "en");
        var preId = await _app.ScalarAsync<long>("SELECT id FROM exams WHERE code = 'pre-test'");
        await user.PressAsync(user.PrivateChat, $"xs:{preId}");
        await SettledAsync(_app);
        var attemptId = await _app.ScalarAsync<long>("SELECT id FROM exam_attempts");
        await AnswerRightAsync(user, attemptId, 0);

        // The learner leaves, and presses Start again after the 15 minutes, before any sweep.
        _time.Jump(TimeSpan.FromMinutes(16));
        var before = await LastIdAsync(_app, user.PrivateChat);
        await user.PressAsync(user.PrivateChat, $"xs:{preId}");
        var result = await WaitAsync(user.PrivateChat, m => T(m).StartsWith(En.Get("exam.timed_out", ("title", "Pre-test")), StringComparison.Ordinal), before);
        Assert.Contains(En.Get("exam.result", ("title", "Pre-test"), ("score", "10"), ("verdict", En["exam.failed"]), ("pass", "60"), ("left", 0)),
            T(result), StringComparison.Ordinal);
        var review = T(result).Split('\n');
        Assert.Equal(1, review.Count(l => l.StartsWith("✅ ", StringComparison.Ordinal)));
        Assert.Equal(9, review.Count(l => l.StartsWith("⏹ ", StringComparison.Ordinal)));
        await SettledAsync(_app);
        Assert.DoesNotContain(await BotMessagesAsync(_app, user.PrivateChat, before), m => T(m) == En["exam.no_attempts_left"]);
        Assert.Equal(10.0, await _app.ScalarAsync<double>("SELECT score FROM exam_attempts WHERE id = @attemptId", new { attemptId }));

        // The sweep comes later and finds nothing to tell; a further press is told there is no attempt left.
        await _app.Services.GetRequiredService<ExamSweep>().RunOnceAsync(invite: false);
        await SettledAsync(_app);
        Assert.Single(await BotMessagesAsync(_app, user.PrivateChat, before), m => T(m).StartsWith("⏰", StringComparison.Ordinal));
        var told = await LastIdAsync(_app, user.PrivateChat);
        await user.PressAsync(user.PrivateChat, $"xs:{preId}");
        await WaitAsync(user.PrivateChat, m => T(m) == En["exam.no_attempts_left"], told);
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM exam_attempts"));
    }

    [Fact]
    public async Task Start_pressed_after_the_deadline_with_an_attempt_left_gives_the_result_and_starts_the_next_only_when_pressed_again()
    {
        var user = await PersonaAsync(_app, LiaisonDay.Tuan);
        await RegisterAsync(_app, user, "en");
        // Day 12 (2026-12-13 in Ho Chi Minh City): the post-test (two attempts) is open.
        _time.Jump(DateTimeOffset.Parse("2026-12-13T01:00:00Z") - _time.GetUtcNow());
        var postId = await _app.ScalarAsync<long>("SELECT id FROM exams WHERE code = 'post-test'");
        await user.PressAsync(user.PrivateChat, $"xs:{postId}");
        await SettledAsync(_app);
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM exam_attempts WHERE exam_id = @postId", new { postId }));

        _time.Jump(TimeSpan.FromMinutes(31));
        var before = await LastIdAsync(_app, user.PrivateChat);
        await user.PressAsync(user.PrivateChat, $"xs:{postId}");
        var result = await WaitAsync(user.PrivateChat, m => T(m).StartsWith(En.Get("exam.timed_out", ("title", "Post-test")), StringComparison.Ordinal), before);
        Assert.Contains("0% — not passed (pass mark 70%). Attempts left: 1.", T(result), StringComparison.Ordinal);
        await SettledAsync(_app);
        // That press asked no question: the second attempt is the learner's to start.
        Assert.DoesNotContain(await BotMessagesAsync(_app, user.PrivateChat, before), m => T(m).StartsWith("Post-test · question", StringComparison.Ordinal));
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM exam_attempts WHERE exam_id = @postId", new { postId }));

        var told = await LastIdAsync(_app, user.PrivateChat);
        await user.PressAsync(user.PrivateChat, $"xs:{postId}");
        await WaitAsync(user.PrivateChat, m => T(m).StartsWith("Post-test · question 1/20", StringComparison.Ordinal), told);
        Assert.Equal(2, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM exam_attempts WHERE exam_id = @postId", new { postId }));
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM exam_attempts WHERE exam_id = @postId AND finished_at IS NULL", new { postId }));
    }

    [Fact]
    public async Task A_learner_registered_before_the_pack_had_exams_gets_the_start_button_from_the_sweep_once()
    {
        // The pack without exams, as it was when Tuấn registered.
        var pack = File.ReadAllText(Samples.Pack);
        var importer = _app.Services.GetRequiredService<Academy.Learning.Import.ContentImporter>();
        var withoutExams = pack[..pack.IndexOf("  exams:", StringComparison.Ordinal)] + pack[pack.IndexOf("  questions:", StringComparison.Ordinal)..];
        Assert.True((await importer.ImportAsync([Samples.Text("digital-safety.yaml", withoutExams)])).Succeeded);
        var early = await PersonaAsync(_app, LiaisonDay.Tuan);
        await RegisterAsync(_app, early, "en");

        // The exams arrive; Hà registers after them and is offered the pre-test at once.
        Assert.True((await importer.ImportAsync([Samples.Text("digital-safety.yaml", pack)])).Succeeded);
        var late = await PersonaAsync(_app, LiaisonDay.Ha);
        await RegisterAsync(_app, late, "en");
        var preId = await _app.ScalarAsync<long>("SELECT id FROM exams WHERE code = 'pre-test'");
        async Task<int> InvitesAsync(PlaygroundUser user) =>
            (await BotMessagesAsync(_app, user.PrivateChat, 0)).Count(m => PlaygroundUser.ButtonData(m).Contains($"xs:{preId}"));
        Assert.Equal(0, await InvitesAsync(early));
        Assert.Equal(1, await InvitesAsync(late));

        var sweep = _app.Services.GetRequiredService<ExamSweep>();
        await sweep.RunOnceAsync(invite: true);
        await sweep.RunOnceAsync(invite: true);
        await SettledAsync(_app);
        var invite = Assert.Single(await BotMessagesAsync(_app, early.PrivateChat, 0), m => PlaygroundUser.ButtonData(m).Contains($"xs:{preId}"));
        Assert.Contains("Pre-test: 10 questions, 15 minutes, pass mark 60%", T(invite), StringComparison.Ordinal);
        Assert.Equal(1, await InvitesAsync(late));

        // Once ever: even a sweep that looks at the cohort afresh sends no learner a second one.
        await using (var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            await s.ExecuteAsync("DELETE FROM exam_invitations");
            await s.CommitAsync();
        }
        await sweep.RunOnceAsync(invite: true);
        await SettledAsync(_app);
        Assert.Equal(1, await InvitesAsync(early));
        Assert.Equal(1, await InvitesAsync(late));

        await early.PressAsync(early.PrivateChat, $"xs:{preId}");
        await WaitAsync(early.PrivateChat, m => T(m).StartsWith("Pre-test · question 1/10", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_answered_question_shows_the_answer_instead_of_its_buttons_and_a_timed_out_one_loses_them()
    {
        await PinSeedAsync(types => types[0] == QuestionType.Single && types[1] is QuestionType.Single or QuestionType.TrueFalse);
        var user = await PersonaAsync(_app, LiaisonDay.Tuan);
        await RegisterAsync(_app, user, "en");
        var preId = await _app.ScalarAsync<long>("SELECT id FROM exams WHERE code = 'pre-test'");
        await user.PressAsync(user.PrivateChat, $"xs:{preId}");
        await SettledAsync(_app);
        var attemptId = await _app.ScalarAsync<long>("SELECT id FROM exam_attempts");
        var first = await QuestionAtAsync(attemptId, 0);
        await AnswerRightAsync(user, attemptId, 0);

        var answered = await CurrentQuestionMessageAsync(user, 0);
        Assert.Empty(PlaygroundUser.ButtonData(answered));
        Assert.EndsWith("\n\n" + En.Get("buttons.chosen", ("choice", first.Options[first.Correct[0]].In("en"))), T(answered), StringComparison.Ordinal);
        Assert.NotEmpty(PlaygroundUser.ButtonData(await CurrentQuestionMessageAsync(user, 1)));

        // Time runs out on question 2: the sweep finishes the attempt, and its buttons go (nothing is chosen).
        _time.Jump(TimeSpan.FromMinutes(16));
        await _app.Services.GetRequiredService<ExamSweep>().RunOnceAsync(invite: false);
        await SettledAsync(_app);
        var abandoned = await CurrentQuestionMessageAsync(user, 1);
        Assert.Empty(PlaygroundUser.ButtonData(abandoned));
        Assert.DoesNotContain("✓", T(abandoned), StringComparison.Ordinal);
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'"));
    }

    // Answers the question at a position right, in whatever way its type is answered.
    private async Task AnswerRightAsync(PlaygroundUser user, long attemptId, int position)
    {
        var question = await QuestionAtAsync(attemptId, position);
        var prefix = $"x:{attemptId}:{position}:";
        switch (question.Type)
        {
            case QuestionType.Fill:
                await user.SayAsync(user.PrivateChat, question.Accepted[0]);
                break;
            case QuestionType.Multiple:
                foreach (var c in question.Correct) await user.PressAsync(user.PrivateChat, prefix + "t" + c);
                await SettledAsync(_app);
                await user.PressAsync(user.PrivateChat, prefix + "s");
                break;
            default:
                await user.PressAsync(user.PrivateChat, prefix + question.Correct[0]);
                break;
        }
        await SettledAsync(_app);
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM exam_answers WHERE attempt_id = @attemptId AND position = @position AND score = 1",
            new { attemptId, position = (long)position }));
    }

    private async Task PinSeedAsync(Func<IReadOnlyList<QuestionType>, bool> wanted)
    {
        await using var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginReadAsync();
        var exam = (await ExamService.ExamsOfCourseAsync(s, await s.ExecuteScalarAsync<long>("SELECT id FROM courses"))).Single(e => e.Definition.Code == "pre-test");
        var bank = (await ContentStore.QuestionBankAsync(s, exam.CourseId)).Select(b => b.Question).ToList();
        for (long seed = 1; seed < 10_000; seed++)
            if (wanted(ExamDraw.Draw(exam.Definition, bank, seed).Select(id => bank.Single(q => q.Id == id).Type).ToList()))
            {
                _seeds.Seed = seed;
                return;
            }
        Assert.Fail("No seed draws the questions this test needs.");
    }

    private async Task PinSeedCoveringEveryTypeAsync()
    {
        await using var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginReadAsync();
        var exam = (await ExamService.ExamsOfCourseAsync(s, await s.ExecuteScalarAsync<long>("SELECT id FROM courses"))).Single(e => e.Definition.Code == "pre-test");
        var bank = (await ContentStore.QuestionBankAsync(s, exam.CourseId)).Select(b => b.Question).ToList();
        for (long seed = 1; ; seed++)
        {
            var types = ExamDraw.Draw(exam.Definition, bank, seed).Select(id => bank.Single(q => q.Id == id).Type).ToList();
            // Every format, and the fourth question (where the learner is interrupted) asked by buttons.
            if (types.Distinct().Count() == 4 && types[4] != QuestionType.Fill) { _seeds.Seed = seed; return; }
        }
    }

    private async Task<Question> QuestionAtAsync(long attemptId, int position)
    {
        await using var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginReadAsync();
        var ids = (await s.ExecuteScalarAsync<string>("SELECT questions FROM exam_attempts WHERE id = @attemptId", new { attemptId })).Split(',');
        return (await ContentStore.GetQuestionAsync(s, long.Parse(ids[position], System.Globalization.CultureInfo.InvariantCulture)))!;
    }

    private async Task<JsonElement> CurrentQuestionMessageAsync(PlaygroundUser user, int position) =>
        (await BotMessagesAsync(_app, user.PrivateChat, 0)).Last(m => T(m).StartsWith($"Pre-test · question {position + 1}/10", StringComparison.Ordinal));

    private async Task<JsonElement> WaitAsync(string chat, Func<JsonElement, bool> match, long after = 0) =>
        (await PlaygroundUser.WaitForBotAsync(_app, chat, match, after)).GetProperty("message");

    // Some bot messages (a button acknowledgement, a picture) carry no text.
    private static string T(JsonElement m) => m.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";

    private static string ToFullWidth(string s) =>
        new([.. s.Select(c => c is >= '!' and <= '~' ? (char)(c + 0xFEE0) : c == ' ' ? '\u3000' : c)]);

    private sealed class PinnedSeeds : ExamSeeds
    {
        public long Seed { get; set; } = 1;
        public override long Next() => Seed;
    }
}
