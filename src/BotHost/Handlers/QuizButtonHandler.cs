using Academy.BotHost.Pipeline;
using Academy.Learning.Model;
using Academy.Learning.Record;

namespace Academy.BotHost.Handlers;

/// <summary>
/// A quiz answered by button (<c>q:DELIVERY:OPTION</c>), where the channel has no native quiz poll
/// or the question does not fit one: counted once, and the verdict with the explanation shown.
/// </summary>
public sealed class QuizButtonHandler(LearnerRecord record) : ButtonHandler(Programme.QuizButton)
{
    public override async Task HandleAsync(TurnContext turn)
    {
        if (LongField(turn, 0) is not { } deliveryId || LongField(turn, 1) is not { } option)
        {
            await turn.AnswerButtonAsync(null);
            return;
        }
        var outcome = await record.RecordAnswerAsync(turn.Session, deliveryId, turn.Learner!.Id, Response.Choose((int)option));
        await turn.AnswerButtonAsync(QuizVerdict.Text(outcome, turn.Text));
    }
}

/// <summary>What a learner is told after answering.</summary>
public static class QuizVerdict
{
    public static string? Text(AnswerOutcome outcome, Learning.Localization.Localizer text)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(text);
        var explanation = outcome.Question?.Explanation?.In(text.Language);
        return outcome.Status switch
        {
            AnswerStatus.Recorded when outcome.Correct => Join(text["quiz.correct"], explanation),
            AnswerStatus.Recorded => Join(text["quiz.wrong"], explanation),
            AnswerStatus.AlreadyAnswered => text["quiz.already"],
            AnswerStatus.NotEnrolled => text["quiz.not_enrolled"],
            _ => null,
        };
    }

    private static string Join(string verdict, string? explanation) => explanation is null ? verdict : $"{verdict} {explanation}";
}
