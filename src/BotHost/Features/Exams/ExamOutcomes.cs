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

/// <summary>What the learner is told after an answer, however it came (button or typed).</summary>
public sealed class ExamOutcomes(Academy.Learning.Exams.ExamService exams, ExamFlow flow)
{
    public async Task TellAsync(TurnContext turn, ExamAnswerOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(outcome);
        var to = outcome.Attempt?.Chat ?? turn.Event.Chat!;
        switch (outcome.Status)
        {
            // An answered question's buttons come off, showing the answer, after the next question is
            // queued (on a paced chat, the edit must not hold up what the learner waits for).
            case ExamAnswerStatus.Next:
                await turn.AnswerButtonAsync(turn.Text["exam.recorded"]);
                var answered = outcome.Attempt!;
                await flow.AskAsync(turn.Session, to, answered, outcome.Exam!, turn.Text);
                await flow.SpendQuestionAsync(turn.Session, to, answered, answered.Position - 1, outcome.Answer, turn.Text);
                break;
            case ExamAnswerStatus.Finished:
                await turn.AnswerButtonAsync(turn.Text["exam.recorded"]);
                await flow.ResultAsync(turn.Session, exams, to, outcome.Attempt!, outcome.Exam!, turn.Text);
                await flow.SpendQuestionAsync(turn.Session, to, outcome.Attempt!, outcome.Attempt!.Questions.Count - 1, outcome.Answer, turn.Text);
                break;
            case ExamAnswerStatus.Late:
                await turn.AnswerButtonAsync(null);
                await turn.ReplyAsync(turn.Text["exam.late"]);
                await flow.ResultAsync(turn.Session, exams, to, outcome.Attempt!, outcome.Exam!, turn.Text);
                await flow.SpendQuestionAsync(turn.Session, to, outcome.Attempt!, outcome.Attempt!.Position, null, turn.Text);
                break;
            case ExamAnswerStatus.NothingTicked:
                await turn.AnswerButtonAsync(turn.Text["quiz.nothing_ticked"]);
                break;
            // A press on a question already answered, or on an attempt that is over: that message's buttons are spent.
            case ExamAnswerStatus.Stale:
                if (turn.Event.CallbackId is null) await turn.ReplyAsync(turn.Text["exam.stale"]);
                else await turn.AnswerButtonAsync(turn.Text["exam.stale"]);
                await turn.SpendButtonsAsync();
                break;
            default:
                if (turn.Event.CallbackId is null) await turn.ReplyAsync(turn.Text["exam.closed"]);
                else await turn.AnswerButtonAsync(turn.Text["exam.closed"]);
                await turn.SpendButtonsAsync();
                break;
        }
    }
}
