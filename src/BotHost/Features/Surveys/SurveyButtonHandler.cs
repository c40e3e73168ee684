using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.Learning.Credit;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Surveys;

/// <summary>
/// Survey buttons: <c>sv:SURVEY:open</c> starts or resumes a survey, <c>sv:SURVEY:POSITION:OPTION</c>
/// answers the choice item at POSITION. A press for an item already answered changes nothing.
/// </summary>
public sealed class SurveyButtonHandler(SurveyService surveys, Refusals refusals) : ButtonHandler(SurveyPrompts.Prefix)
{
    public override ChatScope Scope => ChatScope.Private;

    public override async Task HandleAsync(TurnContext turn)
    {
        var fields = Fields(turn);
        var open = fields is [_, "open"];
        var position = fields.Length == 3 ? LongField(turn, 1) : null;
        var option = fields.Length == 3 ? LongField(turn, 2) : null;
        if (LongField(turn, 0) is not { } surveyId || !open && (position is not (>= 0 and <= int.MaxValue) || option is not (>= 0 and <= int.MaxValue)))
        {
            await refusals.RefuseButtonAsync(turn, Access.Unknown);
            return;
        }
        if (turn.CohortId is not { } cohortId)
        {
            await refusals.RefuseButtonAsync(turn, Access.NotYours);
            return;
        }
        var outcome = open
            ? await surveys.StartAsync(turn.Session, surveyId, cohortId, turn.Learner!.Id)
            : await surveys.ChooseAsync(turn.Session, surveyId, cohortId, turn.Learner!.Id, (int)position!.Value, (int)option!.Value);
        // Another course's survey, none at all, or an option the item does not have: nothing was recorded.
        if (outcome.Step is SurveyStep.Unknown or SurveyStep.Invalid)
        {
            await refusals.RefuseButtonAsync(turn, Access.Unknown);
            return;
        }
        await turn.AnswerButtonAsync(null);
        await SurveyPrompts.ReplyAsync(turn, outcome);
        // The item is answered (now, or before: an old or repeated press): its buttons are spent.
        if (!open && outcome.Step is SurveyStep.Next or SurveyStep.Submitted or SurveyStep.Stale or SurveyStep.AlreadySubmitted)
            await turn.SpendButtonsAsync(outcome.Step is SurveyStep.Next or SurveyStep.Submitted
                ? outcome.Progress?.Survey.Definition.Items.ElementAtOrDefault((int)position!.Value)?.Options.ElementAtOrDefault((int)option!.Value)?.In(turn.Text.Language)
                : null);
    }
}
