using Academy.BotHost.Pipeline;
using Academy.Learning.Assessment;

namespace Academy.BotHost.Handlers.Exams;

/// <summary>What the learner is told after an answer, however it came (button or typed).</summary>
public sealed class ExamOutcomes(Learning.Assessment.Exams exams, ExamFlow flow)
{
    public async Task TellAsync(TurnContext turn, ExamAnswerOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(outcome);
        var to = outcome.Attempt?.Chat ?? turn.Event.Chat!;
        switch (outcome.Status)
        {
            case ExamAnswerStatus.Next:
                await turn.AnswerButtonAsync(turn.Text["exam.recorded"]);
                await flow.AskAsync(turn.Session, to, outcome.Attempt!, outcome.Exam!, turn.Text);
                break;
            case ExamAnswerStatus.Finished:
                await turn.AnswerButtonAsync(turn.Text["exam.recorded"]);
                await flow.ResultAsync(turn.Session, exams, to, outcome.Attempt!, outcome.Exam!, turn.Text);
                break;
            case ExamAnswerStatus.Late:
                await turn.AnswerButtonAsync(null);
                await turn.ReplyAsync(turn.Text["exam.late"]);
                await flow.ResultAsync(turn.Session, exams, to, outcome.Attempt!, outcome.Exam!, turn.Text);
                break;
            case ExamAnswerStatus.NothingTicked:
                await turn.AnswerButtonAsync(turn.Text["quiz.nothing_ticked"]);
                break;
            case ExamAnswerStatus.Stale:
                if (turn.Event.CallbackId is null) await turn.ReplyAsync(turn.Text["exam.stale"]);
                else await turn.AnswerButtonAsync(turn.Text["exam.stale"]);
                break;
            default:
                if (turn.Event.CallbackId is null) await turn.ReplyAsync(turn.Text["exam.closed"]);
                else await turn.AnswerButtonAsync(turn.Text["exam.closed"]);
                break;
        }
    }
}
