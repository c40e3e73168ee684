using System.Globalization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Surveys;

/// <summary>What the learner sees of a survey: the item asked, and the reply to each step.</summary>
public static class SurveyPrompts
{
    public const string Prefix = "sv";

    public static string OpenButton(long surveyId) => FormattableString.Invariant($"{Prefix}:{surveyId}:open");

    public static string ChoiceButton(long surveyId, int position, int option) =>
        FormattableString.Invariant($"{Prefix}:{surveyId}:{position}:{option}");

    /// <summary>Asks the current item: a choice item with one button per option, a text item with its minimum length.</summary>
    public static Task AskAsync(TurnContext turn, SurveyProgress progress)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(progress);
        var item = progress.Current!;
        var lang = turn.Text.Language;
        var header = turn.Text.Get("survey.item_header", ("title", progress.Survey.Definition.Title.In(lang)),
            ("number", progress.Position + 1), ("count", progress.Survey.Definition.Items.Count));
        if (item.Kind == SurveyItemKind.Choice)
            return turn.ReplyAsync($"{header}\n\n{item.Text.In(lang)}",
                item.Options.Select((o, i) => (IReadOnlyList<Button>)[new Button(o.In(lang), ChoiceButton(progress.Survey.Id, progress.Position, i))]).ToList());
        var hint = item.MinLength > 1
            ? turn.Text.Get("survey.write_at_least", ("min", item.MinLength))
            : turn.Text["survey.write"];
        return turn.ReplyAsync($"{header}\n\n{item.Text.In(lang)}\n\n{hint}");
    }

    /// <summary>The reply to an answer: the next item, the thanks, or why it was not taken.</summary>
    public static async Task ReplyAsync(TurnContext turn, SurveyOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(outcome);
        switch (outcome.Step)
        {
            case SurveyStep.Next:
                await AskAsync(turn, outcome.Progress!);
                break;
            case SurveyStep.Submitted:
                await turn.ReplyAsync(outcome.CompletedCourse
                    ? turn.Text["survey.submitted"] + "\n" + turn.Text["survey.course_completed"]
                    : turn.Text["survey.submitted"]);
                break;
            case SurveyStep.AlreadySubmitted:
                await turn.ReplyAsync(turn.Text["survey.already_submitted"]);
                break;
            case SurveyStep.TooShort:
                await turn.ReplyAsync(turn.Text.Get("survey.too_short",
                    ("min", outcome.Progress!.Current!.MinLength), ("length", outcome.Length)));
                break;
            case SurveyStep.TooLong:
                await turn.ReplyAsync(turn.Text.Get("survey.too_long",
                    ("max", outcome.Progress!.Current!.MaxLength), ("length", outcome.Length)));
                break;
            case SurveyStep.NotOpen:
                await turn.ReplyAsync(turn.Text["survey.none_open"]);
                break;
            case SurveyStep.Stale:
                break;
        }
    }

    internal static string Percent(int count, int total) =>
        total == 0 ? "0" : Math.Round(100.0 * count / total).ToString(CultureInfo.InvariantCulture);
}
