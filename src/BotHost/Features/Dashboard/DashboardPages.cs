using System.Globalization;
using Academy.Learning.Charts;
using Academy.Learning.Statistics;
using Academy.Learning.Storage;
using Academy.Learning.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;

namespace Academy.BotHost.Features.Dashboard;

/// <summary>The dashboard's pages: cohort overview, group, learner, announcements, exports.</summary>
public static partial class DashboardPages
{
    /// <summary>The cohort's programme day today, within 0 (not started) and its last day.</summary>
    public static int Today(StoredCohort cohort, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        var calendar = cohort.Calendar;
        return Math.Clamp(calendar.DaysElapsed(calendar.LocalDate(time.GetUtcNow())), 0, cohort.LessonCount);
    }

    public static async Task<IResult> OverviewAsync(HttpContext http, AcademyDatabase database, TimeProvider time, ExamStatistics exams, long? cohort)
    {
        var viewer = DashboardEndpoints.Viewer(http);
        var visible = cohort is { } id ? viewer.Cohort(id) : viewer.Cohorts.FirstOrDefault();
        if (visible is null) return DashboardEndpoints.NotFound(viewer);
        var t = viewer.Text;
        var lang = t.Language;
        await using var s = await database.BeginReadAsync(http.RequestAborted);
        var stored = (await CohortStore.GetAsync(s, visible.Id))!;
        var today = Today(stored, time);
        var series = (await ProgrammeStatistics.DailyFiguresAsync(s, visible.Id, 1, today)).Where(g => visible.Shows(g.Group.Id)).ToList();
        var progress = await CohortProgress.GroupsAsync(s, stored);
        var groups = (await ProgrammeStatistics.GroupsAsync(s, visible.Id)).Where(g => visible.Shows(g.Id)).ToList();
        var mine = groups.Select(g => progress.GetValueOrDefault(g.Id) ?? new GroupProgress(g.Id, 0, 0, 0, 0, 0, 0)).ToList();
        var required = await CohortProgress.RequiredLessonsAsync(s, stored.CourseId);
        var total = DayFigures.Sum(0, series.Select(g => g.Total));
        var trend = ProgrammeStatistics.Trend(series);
        int enrolled = mine.Sum(p => p.Enrolled), registered = mine.Sum(p => p.Registered), active = mine.Sum(p => p.Active);
        var reads = mine.Sum(p => p.RequiredReads);

        var h = new DashboardHtml(t);
        if (viewer.Cohorts.Count > 1)
        {
            h.Raw("<nav class=\"cohorts\">");
            foreach (var c in viewer.Cohorts) h.Link($"/dashboard?cohort={c.Id}", c.Name.In(lang), c.Id == visible.Id ? "current" : null);
            h.Raw("</nav>");
        }
        h.Tag("p", t.Get("dashboard.overview.day", ("day", today), ("days", stored.LessonCount)), "lead");
        h.Raw("<section class=\"figures\">")
         .Figure("fig-participation", t["dashboard.overview.participation"], h.Percent(Share(active, enrolled)),
             t.Get("dashboard.overview.participation_detail", ("active", active), ("enrolled", enrolled), ("registered", registered)))
         .Figure("fig-checkin", t["dashboard.overview.checkin_rate"], h.Percent(total.CheckInRate),
             t.Get("dashboard.overview.checkin_detail", ("checked", total.CheckedIn), ("possible", total.Enrolled)))
         .Figure("fig-accuracy", t["dashboard.overview.accuracy"], h.Percent(total.Accuracy),
             t.Get("dashboard.overview.accuracy_detail", ("correct", total.QuizCorrect), ("answers", total.QuizAnswers)))
         .Figure("fig-completion", t["dashboard.overview.completion"], h.Percent(Share(reads, enrolled * required)),
             t.Get("dashboard.overview.completion_detail", ("completed", mine.Sum(p => p.Completed)), ("enrolled", enrolled), ("required", required)))
         .Raw("</section>");

        h.Tag("h2", t["dashboard.overview.trend"]);
        if (trend.Count == 0) h.Tag("p", t["dashboard.overview.no_days"], "empty", "trend-empty");
        else h.Raw("<figure class=\"chart\" id=\"trend\">").Raw(SvgChart.Render(new ChartSpec(
                t["dashboard.overview.trend"], trend.Select(d => d.Day.ToString(CultureInfo.InvariantCulture)).ToList(),
                [new ChartSeries(t["dashboard.overview.checkin_rate"], SeriesKind.Line, trend.Select(d => d.CheckInRate * 100).ToList()),
                 new ChartSeries(t["dashboard.overview.accuracy"], SeriesKind.Line, trend.Select(d => d.Accuracy * 100).ToList())],
                t["dashboard.day"], "%"))).Raw("</figure>");

        ExamSection(h, await exams.ForCohortAsync(s, visible.Id, visible.GroupIds));

        h.Tag("h2", t["dashboard.overview.groups"]);
        var byGroup = series.ToDictionary(g => g.Group.Id, g => g.Total);
        h.Table("groups", [t["dashboard.col.group"], t["dashboard.col.enrolled"], t["dashboard.col.registered"], t["dashboard.overview.checkin_rate"],
                t["dashboard.overview.accuracy"], t["dashboard.overview.completion"]],
            groups.Select(g =>
            {
                var p = progress.GetValueOrDefault(g.Id);
                var f = byGroup.GetValueOrDefault(g.Id);
                return (IReadOnlyList<object?>)[($"{g.Code} · {g.Name.In(lang)}", $"/dashboard/groups/{g.Id}"), p?.Enrolled ?? 0, p?.Registered ?? 0,
                    h.Percent(f?.CheckInRate), h.Percent(f?.Accuracy), h.Percent(p?.Completion)];
            }), t["dashboard.none"]);
        return DashboardEndpoints.Html(DashboardHtml.Page(viewer, visible.Name.In(lang), PathOf(http), h.ToString()));
    }

    public static async Task<IResult> GroupAsync(HttpContext http, AcademyDatabase database, TimeProvider time, ExamStatistics exams, long id)
    {
        var viewer = DashboardEndpoints.Viewer(http);
        var t = viewer.Text;
        await using var s = await database.BeginReadAsync(http.RequestAborted);
        var cohortId = await CohortOfGroupAsync(s, id);
        if (cohortId is null || viewer.Cohort(cohortId.Value) is not { } visible || !visible.Shows(id)) return DashboardEndpoints.NotFound(viewer);
        var stored = (await CohortStore.GetAsync(s, visible.Id))!;
        var today = Today(stored, time);
        var group = (await ProgrammeStatistics.GroupsAsync(s, visible.Id, id)).Single();
        var roster = await CohortProgress.RosterAsync(s, visible.Id, id, today);
        var series = (await ProgrammeStatistics.DailyFiguresAsync(s, visible.Id, 1, today, id)).Single();
        var zone = stored.Calendar.Zone;
        var required = await CohortProgress.RequiredLessonsAsync(s, stored.CourseId);

        var h = new DashboardHtml(t);
        h.Raw("<p class=\"crumbs\">").Link($"/dashboard?cohort={visible.Id}", visible.Name.In(t.Language)).Raw("</p>");
        h.Tag("p", t.Get("dashboard.group.today", ("day", today), ("checked", roster.Count(r => r.CheckedInToday is not null)), ("enrolled", roster.Count)), "lead", "today");
        h.Tag("h2", t["dashboard.group.roster"]);
        h.Table("roster", [t["dashboard.col.name"], t["dashboard.col.today"], t["dashboard.col.streak"], t["dashboard.col.best"], t["dashboard.col.checkins"],
                t["dashboard.overview.accuracy"], t["dashboard.col.lessons"], t["dashboard.col.points"]],
            roster.Select(r => (IReadOnlyList<object?>)[(r.Name, $"/dashboard/learners/{r.LearnerId}?cohort={visible.Id}"),
                r.CheckedInToday is { } at ? t.Get("dashboard.group.checked_at", ("time", Local(at, zone, "HH:mm"))) :
                    r.Registered ? t["dashboard.group.not_checked"] : t["dashboard.group.not_registered"],
                r.CurrentStreak, r.BestStreak, r.CheckIns, h.Percent(r.Accuracy), $"{r.RequiredRead}/{required}", r.Points]),
            t["dashboard.none"]);
        if (series.Days.Count > 0)
        {
            h.Tag("h2", t["dashboard.overview.trend"]);
            h.Raw("<figure class=\"chart\" id=\"trend\">").Raw(SvgChart.Render(new ChartSpec(t["dashboard.overview.trend"],
                series.Days.Select(d => d.Day.ToString(CultureInfo.InvariantCulture)).ToList(),
                [new ChartSeries(t["dashboard.overview.checkin_rate"], SeriesKind.Bar, series.Days.Select(d => d.CheckInRate * 100).ToList()),
                 new ChartSeries(t["dashboard.overview.accuracy"], SeriesKind.Line, series.Days.Select(d => d.Accuracy * 100).ToList())],
                t["dashboard.day"], "%"))).Raw("</figure>");
        }
        ExamSection(h, await exams.ForCohortAsync(s, visible.Id, [id]));
        ZoneNote(h, stored.Cohort.TimeZoneId);
        return DashboardEndpoints.Html(DashboardHtml.Page(viewer, $"{group.Code} · {group.Name.In(t.Language)}", PathOf(http), h.ToString()));
    }

    /// <summary>The cohort of a study group, or null when there is no such group.</summary>
    internal static async Task<long?> CohortOfGroupAsync(DbSession s, long groupId) =>
        (await CohortStore.StudyGroupsAsync(s, [groupId])).TryGetValue(groupId, out var g) ? g.CohortId : null;

    public static string PathOf(HttpContext http) => http.Request.Path + http.Request.QueryString;

    public static string Local(DateTimeOffset at, TimeZoneInfo zone, string format) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString(format, CultureInfo.InvariantCulture);

    private static double? Share(int part, int whole) => whole == 0 ? null : (double)part / whole;
}
