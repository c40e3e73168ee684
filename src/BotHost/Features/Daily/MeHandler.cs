using System.Globalization;
using System.Text;
using Academy.Learning.Localization;
using Academy.Learning.Storage;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Content;
using Academy.Learning.Credit;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Daily;

/// <summary>/me: the learner's progress in their current cohort, and each condition of the course's completion rule.</summary>
public sealed class MeHandler(LearnerRecord record, Completion completion) : CommandHandler("me")
{
    public override async Task HandleAsync(TurnContext turn)
    {
        if (turn.CohortId is not { } cohortId)
        {
            await turn.ReplyAsync(turn.Text["me.no_cohort"]);
            return;
        }
        var p = await record.GetProgressAsync(turn.Session, cohortId, turn.Learner!.Id);
        var text = new StringBuilder(turn.Text.Get("me.progress",
            ("name", turn.Learner.Name), ("day", p.DaysElapsed),
            ("read", p.RequiredLessonsRead), ("required", p.RequiredLessons), ("delivered", p.LessonsDelivered),
            ("answered", p.QuestionsAnswered), ("accuracy", Math.Round(p.Accuracy * 100)),
            ("checkins", p.CheckIns), ("streak", p.CurrentStreak), ("best", p.BestStreak),
            ("minutes", p.CreditMinutes), ("points", p.Points)));
        // Quiz answers and check-ins complete a learner whose last missing condition was minutes; this
        // check settles what no event re-checks (a credit recorded by hand, a rule made laxer by a re-import).
        await completion.CheckAsync(turn.Session, cohortId, turn.Learner.Id);
        var status = await completion.EvaluateAsync(turn.Session, cohortId, turn.Learner.Id);
        text.Append("\n\n").Append(await CompletionTextAsync(turn, cohortId, status, p.CreditMinutes));
        await turn.ReplyAsync(text.ToString());
    }

    private static async Task<string> CompletionTextAsync(TurnContext turn, long cohortId, CompletionStatus status, long minutes)
    {
        var t = turn.Text;
        var lines = new List<string> { t["me.completion.header"] };
        lines.Add(t.Get("me.completion.lessons", ("mark", Mark(status.LessonsMet)),
            ("read", Math.Min(status.RequiredLessonsRead, status.RequiredLessonsNeeded)), ("needed", status.RequiredLessonsNeeded)));
        foreach (var exam in status.Exams)
        {
            // The exam's title as the learner knows it from /exam; the code only for a rule naming an exam the course lacks.
            var title = exam.Title?.In(t.Language) ?? exam.Code;
            lines.Add(exam.Result is { } r
                ? t.Get(r.Passed ? "me.completion.exam_passed" : "me.completion.exam_not_passed", ("mark", Mark(r.Passed)),
                    ("title", title), ("score", Math.Round(r.Score).ToString(CultureInfo.InvariantCulture)))
                : t.Get("me.completion.exam_not_taken", ("mark", Mark(false)), ("title", title)));
        }
        foreach (var survey in status.Surveys)
            lines.Add(t.Get(survey.Submitted ? "me.completion.survey_done" : "me.completion.survey_todo", ("mark", Mark(survey.Submitted)),
                ("title", survey.Title?.In(t.Language) ?? survey.Code)));
        if (status.MinutesNeeded > 0)
            lines.Add(t.Get("me.completion.minutes", ("mark", Mark(status.MinutesMet)), ("minutes", minutes), ("needed", status.MinutesNeeded)));
        if (status.CompletedAt is { } at)
        {
            var cohort = await CohortStore.GetAsync(turn.Session, cohortId);
            var date = cohort!.Calendar.LocalDate(DateTimeOffset.FromUnixTimeMilliseconds(at)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            lines.Add(t.Get("me.completion.done", ("date", date)));
            if ((await CertificateStore.ForLearnerAsync(turn.Session, turn.Learner!.Id)).FirstOrDefault(c => c.CohortId == cohortId && !c.Revoked) is { } certificate)
                lines.Add(t.Get("me.completion.certificate", ("code", certificate.Code)));
        }
        return string.Join('\n', lines);
    }

    private static string Mark(bool done) => done ? "✅" : "⬜";
}
