using System.Globalization;
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

/// <summary>
/// Start (<c>xs:EXAM</c>): begins an attempt and asks the first question, or resumes the attempt in
/// progress where it stopped; an attempt whose time ran out meanwhile gets its result instead.
/// </summary>
public sealed class ExamStartButtonHandler(Academy.Learning.Exams.ExamService exams, ExamFlow flow, Refusals refusals) : ButtonHandler(ExamMessages.StartButton)
{
    public override ChatScope Scope => ChatScope.Private;

    public override async Task HandleAsync(TurnContext turn)
    {
        if (Fields(turn).Length != 1 || LongField(turn, 0) is not { } examId)
        {
            await refusals.RefuseButtonAsync(turn, Academy.Learning.Daily.Access.Unknown);
            return;
        }
        if (turn.CohortId is not { } cohortId)
        {
            await refusals.RefuseButtonAsync(turn, Academy.Learning.Daily.Access.NotYours);
            return;
        }
        var chat = turn.Event.Chat!;
        var outcome = await exams.StartAsync(turn.Session, examId, cohortId, turn.Learner!.Id, chat, turn.Text.Language);
        switch (outcome.Status)
        {
            case StartStatus.Started:
                await turn.AnswerButtonAsync(null);
                await flow.AskAsync(turn.Session, chat, outcome.Attempt!, outcome.Exam!, turn.Text);
                break;
            case StartStatus.Resumed:
                await turn.AnswerButtonAsync(null);
                await turn.ReplyAsync(turn.Text.Get("exam.resumed", ("title", ExamMessages.Title(outcome.Exam!, turn.Text))));
                // A new message (the old one may be far up the chat); ticks edit this one from now on.
                await flow.AskAsync(turn.Session, chat, outcome.Attempt!, outcome.Exam!, turn.Text,
                    string.Create(CultureInfo.InvariantCulture, $"{ExamMessages.QuestionKey(outcome.Attempt!, outcome.Attempt!.Position)}/resume/{turn.Event.Channel}/{turn.Event.UpdateId}"));
                break;
            case StartStatus.Expired:
                // Pressed after the deadline, before the sweep: this press gets the result, and only a further press starts anew.
                await turn.AnswerButtonAsync(null);
                await flow.TimedOutAsync(turn.Session, exams, outcome.Attempt!.Chat ?? chat, outcome.Attempt, outcome.Exam!, turn.Text);
                break;
            case StartStatus.NoAttemptsLeft:
                await turn.ReplyAsync(turn.Text["exam.no_attempts_left"]);
                break;
            case StartStatus.NotOpen:
                await turn.ReplyAsync(turn.Text["exam.not_open"]);
                break;
            default:
                // No exam of the learner's course has that id: another course's, or none.
                await refusals.RefuseButtonAsync(turn, Academy.Learning.Daily.Access.Unknown);
                break;
        }
    }
}
