using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Dashboard;

/// <summary>
/// /dashboard/surveys (admins): each cohort's survey results — choice counts and shares, the number
/// of written answers and the latest few — and the raw answers as xlsx or CSV.
/// </summary>
public static class DashboardSurveys
{
    public static async Task<IResult> PageAsync(HttpContext http, AcademyDatabase database)
    {
        var viewer = DashboardEndpoints.Viewer(http);
        if (!viewer.IsAdmin) return DashboardEndpoints.NotFound(viewer);
        var t = viewer.Text;
        var lang = t.Language;
        await using var s = await database.BeginReadAsync(http.RequestAborted);
        var h = new DashboardHtml(t);
        var any = false;
        foreach (var cohort in viewer.Cohorts)
            foreach (var survey in await SurveyService.ForCohortAsync(s, cohort.Id))
            {
                any = true;
                var result = await SurveyResults.AggregateAsync(s, survey, cohort.Id);
                h.Raw("<section class=\"survey\">")
                 .Tag("h2", $"{cohort.Name.In(lang)} · {survey.Definition.Title.In(lang)}")
                 .Tag("p", t.Get("survey.results_header", ("title", survey.Definition.Title.In(lang)), ("count", result.Responses),
                     ("kind", t[survey.Definition.Anonymous ? "survey.anonymous" : "survey.named"])), "lead")
                 .Raw("<p class=\"exports\">")
                 .Link($"/dashboard/surveys/{cohort.Id}/{survey.Id}/xlsx", "xlsx").Raw(" ")
                 .Link($"/dashboard/surveys/{cohort.Id}/{survey.Id}/csv", "csv").Raw("</p>");
                foreach (var item in result.Items)
                {
                    h.Tag("h3", item.Item.Text.In(lang));
                    if (item.Item.Kind == SurveyItemKind.Choice)
                        h.Table($"survey-{survey.Definition.Code}-{item.Item.Code}",
                            [t["dashboard.surveys.option"], t["dashboard.surveys.count"], t["dashboard.surveys.share"]],
                            item.Item.Options.Select((o, i) => (IReadOnlyList<object?>)[o.In(lang), item.OptionCounts[i],
                                h.Percent(item.Answered == 0 ? null : (double)item.OptionCounts[i] / item.Answered)]));
                    else
                    {
                        h.Tag("p", t.Get("survey.results_written", ("count", item.Answered)));
                        h.Raw("<ul class=\"written\">");
                        foreach (var text in item.Latest) h.Tag("li", text);
                        h.Raw("</ul>");
                    }
                }
                h.Raw("</section>");
            }
        if (!any) h.Tag("p", t["survey.none_defined"], "empty");
        return DashboardEndpoints.Html(DashboardHtml.Page(viewer, t["dashboard.surveys.title"], DashboardPages.PathOf(http), h.ToString()));
    }

    public static async Task<IResult> ExportAsync(HttpContext http, AcademyDatabase database, long cohortId, long surveyId, string format)
    {
        var viewer = DashboardEndpoints.Viewer(http);
        if (!viewer.IsAdmin || viewer.Cohort(cohortId) is null || format is not ("csv" or "xlsx")) return DashboardEndpoints.NotFound(viewer);
        await using var s = await database.BeginReadAsync(http.RequestAborted);
        var survey = (await SurveyService.ForCohortAsync(s, cohortId)).FirstOrDefault(x => x.Id == surveyId);
        if (survey is null) return DashboardEndpoints.NotFound(viewer);
        var table = await SurveyResults.RawTableAsync(s, survey, cohortId, viewer.Text);
        var cohort = viewer.Cohort(cohortId)!;
        return DashboardExports.File(table, format, $"survey-{cohort.Code}-{survey.Definition.Code}");
    }
}
