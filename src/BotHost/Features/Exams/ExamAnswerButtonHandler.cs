using System.Globalization;
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
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Exams;

/// <summary>
/// An exam answer by button: <c>x:ATTEMPT:POSITION:N</c> chooses option N; <c>tN</c> ticks or unticks
/// option N of a multiple-answer question (the question message is edited to show it) and <c>s</c>
/// submits the ticks. The position makes a press on an old question, or one delivered twice, a no-op.
/// </summary>
public sealed class ExamAnswerButtonHandler(Academy.Learning.Exams.ExamService exams, ExamFlow flow, ExamOutcomes outcomes, Refusals refusals) : ButtonHandler(ExamMessages.AnswerButton)
{
    public override ChatScope Scope => ChatScope.Private;

    public override async Task HandleAsync(TurnContext turn)
    {
        var fields = Fields(turn);
        if (fields.Length != 3 || LongField(turn, 0) is not { } attemptId || LongField(turn, 1) is not { } position || position is < 0 or > int.MaxValue)
        {
            await refusals.RefuseButtonAsync(turn, Access.Unknown);
            return;
        }
        var learnerId = turn.Learner!.Id;
        var action = fields[2];
        if (action.StartsWith('t') && int.TryParse(action[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var tick))
        {
            var toggled = await exams.ToggleAsync(turn.Session, attemptId, learnerId, (int)position, tick);
            if (await RefusedAsync(turn, toggled)) return;
            if (toggled.Status != ExamAnswerStatus.Next)
            {
                await outcomes.TellAsync(turn, toggled);
                return;
            }
            var ticked = toggled.Attempt!.Ticked;
            await turn.AnswerButtonAsync(ticked.Count == 0 ? turn.Text["quiz.nothing_ticked"]
                : turn.Text.Get("quiz.ticked", ("options", string.Join(", ", ticked.Select(i => (i + 1).ToString(CultureInfo.InvariantCulture))))));
            await flow.ShowTicksAsync(turn.Session, toggled.Attempt.Chat ?? turn.Event.Chat!, toggled.Attempt, toggled.Exam!, turn.Text,
                $"turn/{turn.Event.Channel}/{turn.Event.UpdateId}/ticks");
            return;
        }
        Response? response;
        if (action == "s") response = null;
        else if (int.TryParse(action, NumberStyles.None, CultureInfo.InvariantCulture, out var option)) response = Response.Choose(option);
        else
        {
            await refusals.RefuseButtonAsync(turn, Access.Unknown);
            return;
        }
        var answered = await exams.AnswerAsync(turn.Session, attemptId, learnerId, (int)position, response);
        if (!await RefusedAsync(turn, answered)) await outcomes.TellAsync(turn, answered);
    }

    // Someone else's attempt, none at all, or an option the question does not have: nothing was recorded, and that is noted.
    private async Task<bool> RefusedAsync(TurnContext turn, ExamAnswerOutcome outcome)
    {
        var access = outcome.Status switch
        {
            ExamAnswerStatus.NotYours => Access.NotYours,
            ExamAnswerStatus.Unknown or ExamAnswerStatus.Invalid => Access.Unknown,
            _ => Access.Granted,
        };
        if (access == Access.Granted) return false;
        await refusals.RefuseButtonAsync(turn, access);
        return true;
    }
}
