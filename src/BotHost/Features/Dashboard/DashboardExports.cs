using Academy.Learning.Exports;
using Academy.Learning.Statistics;
using Academy.Learning.Storage;
using Academy.Learning.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Exams;

namespace Academy.BotHost.Features.Dashboard;

/// <summary>
/// The files to file away: a cohort's participation by group, and a group's summary by learner, as
/// xlsx or CSV. Scoped like the pages: a liaison's cohort file holds only their groups' rows.
/// </summary>
public static class DashboardExports
{
    public static async Task<IResult> CohortAsync(HttpContext http, AcademyDatabase database, TimeProvider time, long id, string format)
    {
        var viewer = DashboardEndpoints.Viewer(http);
        if (viewer.Cohort(id) is not { } visible || !IsFormat(format)) return DashboardEndpoints.NotFound(viewer);
        var t = viewer.Text;
        await using var s = await database.BeginReadAsync(http.RequestAborted);
        var stored = (await CohortStore.GetAsync(s, id))!;
        var today = DashboardPages.Today(stored, time);
        var series = (await ProgrammeStatistics.DailyFiguresAsync(s, id, 1, today)).Where(g => visible.Shows(g.Group.Id)).ToList();
        var progress = await CohortProgress.GroupsAsync(s, stored);
        var table = new Table(Sheet(t["dashboard.export.cohort"]),
            [t["dashboard.col.group_code"], t["dashboard.col.group"], t["dashboard.col.enrolled"], t["dashboard.col.registered"], t["dashboard.col.active"],
             t["dashboard.col.learner_days"], t["dashboard.col.checkins"], t["dashboard.overview.checkin_rate"], t["dashboard.col.answers"],
             t["dashboard.col.correct"], t["dashboard.overview.accuracy"], t["dashboard.overview.completion"]],
            series.Select(g =>
            {
                var p = progress.GetValueOrDefault(g.Group.Id);
                var f = g.Total;
                return (IReadOnlyList<object?>)[g.Group.Code, g.Group.Name.In(t.Language), p?.Enrolled ?? 0, p?.Registered ?? 0, p?.Active ?? 0,
                    f.Enrolled, f.CheckedIn, Round(f.CheckInRate), f.QuizAnswers, f.QuizCorrect, Round(f.Accuracy), Round(p?.Completion)];
            }).ToList());
        return File(table, format, $"participation-{stored.Cohort.Code}-day{today}");
    }

    public static async Task<IResult> GroupAsync(HttpContext http, AcademyDatabase database, TimeProvider time, long id, string format)
    {
        var viewer = DashboardEndpoints.Viewer(http);
        await using var s = await database.BeginReadAsync(http.RequestAborted);
        var cohortId = await DashboardPages.CohortOfGroupAsync(s, id);
        if (cohortId is null || viewer.Cohort(cohortId.Value) is not { } visible || !visible.Shows(id) || !IsFormat(format))
            return DashboardEndpoints.NotFound(viewer);
        var t = viewer.Text;
        var stored = (await CohortStore.GetAsync(s, visible.Id))!;
        var today = DashboardPages.Today(stored, time);
        var group = (await ProgrammeStatistics.GroupsAsync(s, visible.Id, id)).Single();
        var required = await CohortProgress.RequiredLessonsAsync(s, stored.CourseId);
        var roster = await CohortProgress.RosterAsync(s, visible.Id, id, today);
        var table = new Table(Sheet(group.Code),
            [t["dashboard.col.name"], t["dashboard.col.registered"], t["dashboard.col.today"], t["dashboard.col.checkins"], t["dashboard.col.streak"],
             t["dashboard.col.best"], t["dashboard.col.answers"], t["dashboard.col.correct"], t["dashboard.overview.accuracy"],
             t["dashboard.col.lessons"], t["dashboard.col.required"], t["dashboard.col.minutes"], t["dashboard.col.points"]],
            roster.Select(r => (IReadOnlyList<object?>)[r.Name, r.Registered, r.CheckedInToday is not null, r.CheckIns, r.CurrentStreak, r.BestStreak,
                r.Answers, r.Correct, Round(r.Accuracy), r.RequiredRead, required, r.CreditMinutes, r.Points]).ToList());
        return File(table, format, $"group-{stored.Cohort.Code}-{group.Code}-day{today}");
    }

    private static bool IsFormat(string format) => format is "csv" or "xlsx";

    // Percentages as numbers (a spreadsheet can sum and chart them), empty where there is nothing to divide.
    private static double? Round(double? share) => share is { } v ? Math.Round(v * 100, 1) : null;

    // Excel sheet names: at most 31 characters, none of []:*?/\
    private static string Sheet(string name)
    {
        var clean = new string(name.Select(c => "[]:*?/\\".Contains(c, StringComparison.Ordinal) ? '-' : c).ToArray());
        return clean.Length <= 31 ? clean : clean[..31];
    }

    internal static IResult File(Table table, string format, string name)
    {
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
        return format == "csv"
            ? Results.File(TableWriter.ToCsv(table), "text/csv; charset=utf-8", safe + ".csv")
            : Results.File(TableWriter.ToXlsx(table), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", safe + ".xlsx");
    }
}
