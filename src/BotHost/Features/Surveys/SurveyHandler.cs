using System.Text;
using Academy.Learning.Exports;
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

/// <summary>
/// /survey (private): starts or resumes the only open survey, or lists the open ones.
/// /survey results [CODE] (admin): choice counts and percentages, the number of written answers
/// and the latest few, for the admin's cohort, with the raw answers as xlsx and CSV.
/// </summary>
public sealed class SurveyHandler(SurveyService surveys, Refusals refusals) : CommandHandler("survey")
{
    public override ChatScope Scope => ChatScope.Private;

    public override async Task HandleAsync(TurnContext turn)
    {
        if (turn.CohortId is not { } cohortId)
        {
            await turn.ReplyAsync(turn.Text["me.no_cohort"]);
            return;
        }
        if (turn.Event.Args.Count > 0 && turn.Event.Args[0].Equals("results", StringComparison.OrdinalIgnoreCase))
        {
            if (turn.Role < Role.Admin) await refusals.RefuseRoleAsync(turn, Role.Admin, "/survey results");
            else await ResultsAsync(turn, cohortId, turn.Event.Args.Count > 1 ? turn.Event.Args[1] : null);
            return;
        }
        var open = await surveys.OpenForAsync(turn.Session, cohortId, turn.Learner!.Id);
        if (open.Count == 0)
        {
            await turn.ReplyAsync(turn.Text["survey.none_open"]);
            return;
        }
        if (open.Count == 1)
        {
            await SurveyPrompts.ReplyAsync(turn, await surveys.StartAsync(turn.Session, open[0].Survey.Id, cohortId, turn.Learner.Id));
            return;
        }
        await turn.ReplyAsync(turn.Text["survey.choose"],
            open.Select(p => (IReadOnlyList<Button>)[new Button(p.Survey.Definition.Title.In(turn.Text.Language), SurveyPrompts.OpenButton(p.Survey.Id))]).ToList());
    }

    private static async Task ResultsAsync(TurnContext turn, long cohortId, string? code)
    {
        var all = await SurveyService.ForCohortAsync(turn.Session, cohortId);
        var survey = code is null && all.Count == 1 ? all[0] : all.FirstOrDefault(x => x.Definition.Code == code);
        if (all.Count == 0)
        {
            await turn.ReplyAsync(turn.Text["survey.results_none"]);
            return;
        }
        if (survey is null)
        {
            await turn.ReplyAsync(turn.Text.Get("survey.results_usage", ("codes", string.Join(", ", all.Select(x => x.Definition.Code)))));
            return;
        }
        var lang = turn.Text.Language;
        var result = await SurveyResults.AggregateAsync(turn.Session, survey, cohortId);
        var text = new StringBuilder(turn.Text.Get("survey.results_header",
            ("title", survey.Definition.Title.In(lang)), ("count", result.Responses),
            ("kind", turn.Text[survey.Definition.Anonymous ? "survey.anonymous" : "survey.named"])));
        foreach (var (item, n) in result.Items.Select((x, i) => (x, i + 1)))
        {
            text.Append("\n\n").Append(n).Append(". ").Append(item.Item.Text.In(lang));
            if (item.Item.Kind == SurveyItemKind.Choice)
            {
                for (int i = 0; i < item.Item.Options.Count; i++)
                    text.Append('\n').Append(turn.Text.Get("survey.results_option", ("option", item.Item.Options[i].In(lang)),
                        ("count", item.OptionCounts[i]), ("percent", SurveyPrompts.Percent(item.OptionCounts[i], item.Answered))));
                continue;
            }
            text.Append('\n').Append(turn.Text.Get("survey.results_written", ("count", item.Answered)));
            foreach (var latest in item.Latest)
                text.Append('\n').Append("  “").Append(latest.Length > 200 ? latest[..200] + "…" : latest).Append('”');
        }
        await turn.ReplyAsync(text.ToString());
        var table = await SurveyResults.RawTableAsync(turn.Session, survey, cohortId, turn.Text);
        await turn.SendAsync(new OutgoingMessage
        {
            To = turn.Event.Chat!,
            Attachment = new Attachment(AttachmentKind.Document, $"survey-{survey.Definition.Code}.xlsx", Content: TableWriter.ToXlsx(table)),
        });
        await turn.SendAsync(new OutgoingMessage
        {
            To = turn.Event.Chat!,
            Attachment = new Attachment(AttachmentKind.Document, $"survey-{survey.Definition.Code}.csv", Content: TableWriter.ToCsv(table)),
        });
    }
}
