using Academy.Learning.Messaging;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;

namespace Academy.BotHost.Features.Exams;

/// <summary>
/// /exam: the learner's open exams with attempts left, a Start (or Resume) button each. Exams are
/// private: in a group it points to the private chat, so nobody's questions show to the group.
/// </summary>
public sealed class ExamHandler(Academy.Learning.Exams.ExamService exams, TimeProvider time) : CommandHandler("exam")
{
    public override async Task HandleAsync(TurnContext turn)
    {
        if (!turn.Event.IsPrivate)
        {
            await turn.ReplyAsync(turn.Text["exam.private_only"]);
            return;
        }
        if (turn.CohortId is not { } cohortId)
        {
            await turn.ReplyAsync(turn.Text["me.no_cohort"]);
            return;
        }
        var open = await exams.OpenAsync(turn.Session, cohortId, turn.Learner!.Id);
        if (open.Count == 0)
        {
            await turn.ReplyAsync(turn.Text["exam.none_open"]);
            return;
        }
        var lines = open.Select(o => o.InProgress is { } a
            ? turn.Text.Get("exam.list_running", ("summary", ExamMessages.Summary(o.Exam, turn.Text)),
                ("left", ExamMessages.TimeLeft(a.Deadline - time.GetUtcNow(), turn.Text)))
            : turn.Text.Get("exam.list_item", ("summary", ExamMessages.Summary(o.Exam, turn.Text)), ("attempts", ExamMessages.AttemptsLeft(o.AttemptsLeft, turn.Text))));
        await turn.ReplyAsync(turn.Text["exam.list_heading"] + "\n" + string.Join('\n', lines),
            open.Select(o => (IReadOnlyList<Button>)[ExamMessages.Start(o.Exam, o.InProgress is not null, turn.Text)]).ToList());
    }
}
