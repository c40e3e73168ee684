using Academy.Learning.Localization;

namespace Academy.Learning.Daily;

/// <summary>What a learner is told after answering.</summary>
public static class QuizVerdict
{
    /// <summary>The verdict and the question's explanation; null for an outcome that has nothing to tell (a refused press is answered elsewhere).</summary>
    public static string? Text(AnswerOutcome outcome, Localizer text)
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
