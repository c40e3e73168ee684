using System.Globalization;
using System.Text;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Exams;

/// <summary>What an exam looks like in a private chat: the invitation, each question with the time left, the result and the review.</summary>
public static class ExamMessages
{
    /// <summary>Button data prefixes: <c>xs:EXAM</c> starts or resumes; <c>x:ATTEMPT:POSITION:ACTION</c> answers.</summary>
    public const string StartButton = "xs";
    public const string AnswerButton = "x";

    // A review longer than this goes out in several messages (Telegram's limit is 4096).
    private const int ReviewChunk = 3500;

    /// <summary>The idempotency key of the message first asking a question: toggles edit it in place.</summary>
    public static string QuestionKey(ExamAttempt attempt, int position) =>
        string.Create(CultureInfo.InvariantCulture, $"exam/a{attempt.Id}/q{position}");

    public static string Title(StoredExam exam, Localizer text) => exam.Definition.Title.In(text.Language);

    public static string Summary(StoredExam exam, Localizer text) => text.Get("exam.summary",
        ("title", Title(exam, text)), ("questions", exam.Definition.QuestionCount),
        ("minutes", (int)exam.Definition.TimeLimit.TotalMinutes), ("pass", Percent(exam.Definition.PassMark)));

    public static Button Start(StoredExam exam, bool resume, Localizer text) =>
        new(text.Get(resume ? "exam.resume_button" : "exam.start_button", ("title", Title(exam, text))),
            string.Create(CultureInfo.InvariantCulture, $"{StartButton}:{exam.Id}"));

    /// <summary>The message pushed when an exam opens for the learner.</summary>
    public static OutgoingMessage Invitation(ChatAddress to, StoredExam exam, Localizer text) => new()
    {
        To = to,
        Text = text.Get("exam.invite", ("summary", Summary(exam, text))),
        Buttons = [[Start(exam, resume: false, text)]],
    };

    /// <summary>The question at the attempt's position, with the time left and its buttons.</summary>
    public static OutgoingMessage Question(ChatAddress to, ExamAttempt attempt, StoredExam exam, Question q, DateTimeOffset now, Localizer text)
    {
        var position = attempt.Position;
        var body = new StringBuilder();
        body.Append(text.Get("exam.question_heading", ("title", Title(exam, text)), ("number", position + 1),
            ("count", attempt.Questions.Count), ("left", TimeLeft(attempt.Deadline - now, text))));
        body.Append("\n\n").Append(q.Text.In(text.Language));
        var buttons = new List<IReadOnlyList<Button>>();
        string Data(string action) => string.Create(CultureInfo.InvariantCulture, $"{AnswerButton}:{attempt.Id}:{position}:{action}");
        switch (q.Type)
        {
            case QuestionType.Fill:
                body.Append("\n\n").Append(text["exam.type_answer"]);
                break;
            case QuestionType.TrueFalse:
                buttons.Add([new Button(text["quiz.true"], Data("0")), new Button(text["quiz.false"], Data("1"))]);
                break;
            case QuestionType.Multiple:
                body.Append("\n\n").Append(text["exam.tick_then_submit"]);
                for (int i = 0; i < q.Options.Count; i++)
                    buttons.Add([new Button((attempt.Ticked.Contains(i) ? "☑ " : "☐ ") + q.Options[i].In(text.Language),
                        Data(string.Create(CultureInfo.InvariantCulture, $"t{i}")))]);
                buttons.Add([new Button(text["exam.submit"], Data("s"))]);
                break;
            default:
                for (int i = 0; i < q.Options.Count; i++)
                    buttons.Add([new Button(q.Options[i].In(text.Language), Data(i.ToString(CultureInfo.InvariantCulture)))]);
                break;
        }
        return new OutgoingMessage { To = to, Text = body.ToString(), Buttons = buttons };
    }

    /// <summary>The options an answer chose, as the question's buttons named them ("True"; "A; C").</summary>
    public static string Chosen(Question q, Response answer, Localizer text)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(text);
        return q.Type == QuestionType.TrueFalse
            ? string.Join("; ", answer.Options.Where(i => i is 0 or 1).Select(i => text[i == 0 ? "quiz.true" : "quiz.false"]))
            : string.Join("; ", answer.Options.Order().Where(i => i >= 0 && i < q.Options.Count).Select(i => q.Options[i].In(text.Language)));
    }

    /// <summary>The number of attempts left, or "no limit" for an exam that sets none (practice).</summary>
    public static string AttemptsLeft(int? left, Localizer text) =>
        left is { } n ? n.ToString(CultureInfo.InvariantCulture) : text["exam.attempts_unlimited"];

    /// <summary>"12 min" (rounded up, so it never shows 0 while time remains) or "under 1 min".</summary>
    public static string TimeLeft(TimeSpan left, Localizer text) =>
        left <= TimeSpan.FromMinutes(1) ? text["exam.time_under_minute"]
            : text.Get("exam.time_minutes", ("minutes", (int)Math.Ceiling(left.TotalMinutes)));

    /// <summary>The score line and the per-question review, split into messages of a sensible size.</summary>
    public static IReadOnlyList<string> Result(ExamReview review, Localizer text)
    {
        var d = review.Exam.Definition;
        var head = text.Get("exam.result", ("title", Title(review.Exam, text)), ("score", Percent(review.Attempt.Score ?? 0)),
            ("verdict", text[review.Attempt.Passed == true ? "exam.passed" : "exam.failed"]), ("pass", Percent(d.PassMark)),
            ("left", AttemptsLeft(review.AttemptsLeft, text)));
        var lines = new List<string> { head, "", text["exam.review_heading"] };
        foreach (var item in review.Items)
        {
            var question = Shorten(item.Question.Text.In(text.Language), 120);
            var args = new (string, object?)[] { ("number", item.Position + 1), ("question", question), ("answer", CorrectAnswer(item.Question, text)),
                ("percent", Percent(item.Score * 100)) };
            var key = item.Response is null ? "exam.review_unanswered"
                : item.Score >= 1 ? "exam.review_right"
                : item.Score > 0 ? "exam.review_partial" : "exam.review_wrong";
            lines.Add(text.Get(key, args));
        }
        var chunks = new List<string>();
        var current = new StringBuilder();
        foreach (var line in lines)
        {
            if (current.Length > 0 && current.Length + line.Length + 1 > ReviewChunk)
            {
                chunks.Add(current.ToString().TrimEnd());
                current.Clear();
            }
            current.Append(line).Append('\n');
        }
        if (current.Length > 0) chunks.Add(current.ToString().TrimEnd());
        return chunks;
    }

    private static string CorrectAnswer(Question q, Localizer text) => q.Type switch
    {
        QuestionType.Fill => q.Accepted.FirstOrDefault() ?? "",
        QuestionType.TrueFalse => text[q.Correct.FirstOrDefault() == 0 ? "quiz.true" : "quiz.false"],
        _ => string.Join("; ", q.Correct.Order().Select(i => Shorten(q.Options[i].In(text.Language), 60))),
    };

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..(max - 1)].TrimEnd() + "…";

    public static string Percent(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);
}
