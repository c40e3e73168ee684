using Academy.BotHost.Pipeline;
using Academy.Learning.Assessment;

namespace Academy.BotHost.Handlers;

/// <summary>
/// Survey buttons: <c>sv:SURVEY:open</c> starts or resumes a survey, <c>sv:SURVEY:POSITION:OPTION</c>
/// answers the choice item at POSITION. A press for an item already answered changes nothing.
/// </summary>
public sealed class SurveyButtonHandler(Surveys surveys) : ButtonHandler(SurveyPrompts.Prefix)
{
    public override ChatScope Scope => ChatScope.Private;

    public override async Task HandleAsync(TurnContext turn)
    {
        var fields = Fields(turn);
        if (turn.CohortId is not { } cohortId || LongField(turn, 0) is not { } surveyId)
        {
            await turn.AnswerButtonAsync(null);
            return;
        }
        await turn.AnswerButtonAsync(null);
        if (fields.Length == 2 && fields[1] == "open")
        {
            await SurveyPrompts.ReplyAsync(turn, await surveys.StartAsync(turn.Session, surveyId, cohortId, turn.Learner!.Id));
            return;
        }
        if (LongField(turn, 1) is not { } position || LongField(turn, 2) is not { } option) return;
        var outcome = await surveys.ChooseAsync(turn.Session, surveyId, cohortId, turn.Learner!.Id, (int)position, (int)option);
        await SurveyPrompts.ReplyAsync(turn, outcome);
        // The item is answered (now, or before: an old or repeated press): its buttons are spent.
        if (outcome.Step is SurveyStep.Next or SurveyStep.Submitted or SurveyStep.Stale or SurveyStep.AlreadySubmitted)
            await turn.SpendButtonsAsync(outcome.Step is SurveyStep.Next or SurveyStep.Submitted
                ? outcome.Progress?.Survey.Definition.Items.ElementAtOrDefault((int)position)?.Options.ElementAtOrDefault((int)option)?.In(turn.Text.Language)
                : null);
    }
}
