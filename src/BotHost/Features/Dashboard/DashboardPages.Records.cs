using Academy.Learning.Statistics;
using Academy.Learning.Storage;
using Academy.Learning.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;

namespace Academy.BotHost.Features.Dashboard;

/// <summary>The learner record, announcements and exports pages.</summary>
public static partial class DashboardPages
{
    public static async Task<IResult> LearnerAsync(HttpContext http, AcademyDatabase database, LearnerRecord record, ExamStatistics exams,
        Academy.Learning.Exams.ExamResults results, long id, long? cohort)
    {
        var viewer = DashboardEndpoints.Viewer(http);
        var t = viewer.Text;
        await using var s = await database.BeginReadAsync(http.RequestAborted);
        // The learner's enrolments the viewer may see; the one asked for, or the first.
        var enrolments = (await PeopleStore.LearnerGroupsAsync(s, id))
            .Where(e => viewer.Cohort(e.CohortId) is { } c && c.Shows(e.GroupId) && (cohort is null || e.CohortId == cohort)).ToList();
        if (enrolments.Count == 0) return NotFound(viewer);
        var (cohortId, groupId) = enrolments[0];
        var name = await PeopleStore.NameAsync(s, id) ?? throw new InvalidOperationException($"Learner {id} is enrolled but not on the roster.");
        var stored = (await CohortStore.GetAsync(s, cohortId))!;
        var group = (await ProgrammeStatistics.GroupsAsync(s, cohortId, groupId)).Single();
        var progress = await record.GetProgressAsync(s, cohortId, id);
        var history = await LearnerHistories.ReadAsync(s, cohortId, id);
        var zone = stored.Calendar.Zone;

        var h = new DashboardHtml(t);
        h.Raw("<p class=\"crumbs\">").Link($"/dashboard?cohort={cohortId}", viewer.Cohort(cohortId)!.Name.In(t.Language)).Raw(" › ")
         .Link($"/dashboard/groups/{groupId}", $"{group.Code} · {group.Name.In(t.Language)}").Raw("</p>");
        h.Raw("<section class=\"figures\">")
         .Figure("fig-streak", t["dashboard.col.streak"], progress.CurrentStreak.ToString(Inv), t.Get("dashboard.learner.best", ("best", progress.BestStreak)))
         .Figure("fig-checkins", t["dashboard.col.checkins"], progress.CheckIns.ToString(Inv), t.Get("dashboard.learner.of_days", ("days", progress.DaysElapsed)))
         .Figure("fig-accuracy", t["dashboard.overview.accuracy"], h.Percent(progress.QuestionsAnswered == 0 ? null : progress.Accuracy),
             t.Get("dashboard.overview.accuracy_detail", ("correct", progress.QuestionsCorrect), ("answers", progress.QuestionsAnswered)))
         .Figure("fig-lessons", t["dashboard.col.lessons"], $"{progress.RequiredLessonsRead}/{progress.RequiredLessons}",
             t.Get("dashboard.learner.ledger_total", ("points", progress.Points), ("minutes", progress.CreditMinutes)))
         .Raw("</section>");
        LearnerExamSection(h, await results.ForLearnerAsync(s, cohortId, id), await exams.ForCohortAsync(s, cohortId, [groupId]), id);
        ZoneNote(h, stored.Cohort.TimeZoneId);
        h.Tag("h2", t["dashboard.learner.checkins"]);
        h.Table("checkins", [t["dashboard.day"], t["dashboard.col.date"], t["dashboard.col.time"]],
            history.CheckIns.Select(c => (IReadOnlyList<object?>)[c.Day, c.LocalDate, Local(c.At, zone, "HH:mm")]), t["dashboard.none"]);
        h.Tag("h2", t["dashboard.learner.answers"]);
        h.Table("answers", [t["dashboard.day"], t["dashboard.col.question"], t["dashboard.col.result"], t["dashboard.col.time"]],
            history.Answers.Select(a => (IReadOnlyList<object?>)[a.Day, a.Question.In(t.Language),
                a.Correct ? t["dashboard.learner.correct"] : t["dashboard.learner.wrong"], Local(a.At, zone, "yyyy-MM-dd HH:mm")]), t["dashboard.none"]);
        h.Tag("h2", t["dashboard.learner.ledger"]);
        h.Table("ledger", [t["dashboard.col.date"], t["dashboard.col.kind"], t["dashboard.col.points"], t["dashboard.col.minutes"]],
            history.Ledger.Select(l => (IReadOnlyList<object?>)[l.LocalDate, KindName(t, l.Kind), l.Points, l.CreditMinutes]), t["dashboard.none"]);
        return DashboardEndpoints.Html(DashboardHtml.Page(viewer, name, PathOf(http), h.ToString()));
    }

    public static async Task<IResult> AnnouncementsAsync(HttpContext http, AcademyDatabase database)
    {
        var viewer = DashboardEndpoints.Viewer(http);
        var t = viewer.Text;
        await using var s = await database.BeginReadAsync(http.RequestAborted);
        var reports = await AnnouncementFigures.LatestAsync(s, viewer.AllGroupIds);
        // Each time in the zone of the cohorts the announcement went to, named, as the bot gives it to the admin.
        var when = new Dictionary<long, string>();
        foreach (var r in reports)
        {
            var audience = (await Academy.Learning.Announcements.AnnouncementService.GetAsync(s, r.Id))?.Audience;
            var (zone, zoneId, _) = await Academy.BotHost.Features.Announcements.AnnouncementFlow.ZoneAsync(s, audience, t.Language);
            when[r.Id] = t.Get("announce.when.at", ("time", Academy.BotHost.Features.Announcements.AnnouncementFlow.Local(r.SentAt ?? r.CreatedAt, zone)), ("zone", zoneId));
        }
        var h = new DashboardHtml(t);
        h.Table("announcements", [t["dashboard.col.date"], t["dashboard.col.announcement"], t["dashboard.col.status"], t["dashboard.ann.copies"],
                t["dashboard.ann.sent"], t["dashboard.ann.waiting"], t["dashboard.ann.failed"], t["dashboard.ann.unconfirmed"], t["dashboard.ann.read"]],
            reports.Select(r => (IReadOnlyList<object?>)[when[r.Id],
                new DashboardHtml.LongText(r.Text), StatusName(t, r.Status), r.Copies, r.Sent, r.Waiting, r.Failed, r.Unconfirmed,
                t.Get("dashboard.ann.read_of", ("read", r.Read), ("audience", r.Audience), ("rate", h.Percent(r.ReadRate)))]),
            t["dashboard.ann.none"]);
        return DashboardEndpoints.Html(DashboardHtml.Page(viewer, t["dashboard.nav.announcements"], PathOf(http), h.ToString()));
    }

    public static async Task<IResult> ExportsAsync(HttpContext http, AcademyDatabase database)
    {
        var viewer = DashboardEndpoints.Viewer(http);
        var t = viewer.Text;
        await using var s = await database.BeginReadAsync(http.RequestAborted);
        var h = new DashboardHtml(t);
        foreach (var c in viewer.Cohorts)
        {
            h.Tag("h2", c.Name.In(t.Language));
            h.Raw("<ul class=\"exports\"><li>").Tag("span", t["dashboard.export.cohort"]).Raw(" ")
             .Link($"/dashboard/exports/cohort/{c.Id}/xlsx", "xlsx").Raw(" ").Link($"/dashboard/exports/cohort/{c.Id}/csv", "csv").Raw("</li>");
            foreach (var g in (await ProgrammeStatistics.GroupsAsync(s, c.Id)).Where(g => c.Shows(g.Id)))
                h.Raw("<li>").Tag("span", t.Get("dashboard.export.group", ("group", $"{g.Code} · {g.Name.In(t.Language)}"))).Raw(" ")
                 .Link($"/dashboard/exports/group/{g.Id}/xlsx", "xlsx").Raw(" ").Link($"/dashboard/exports/group/{g.Id}/csv", "csv").Raw("</li>");
            h.Raw("<li>").Tag("span", t["exams.export.link"]).Raw(" ")
             .Link($"/dashboard/exports/exams/{c.Id}/xlsx", "xlsx").Raw(" ").Link($"/dashboard/exports/exams/{c.Id}/csv", "csv").Raw("</li>");
            h.Raw("</ul>");
        }
        return DashboardEndpoints.Html(DashboardHtml.Page(viewer, t["dashboard.nav.exports"], PathOf(http), h.ToString()));
    }

    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;

    private static IResult NotFound(DashboardViewer viewer) => DashboardEndpoints.NotFound(viewer);

    /// <summary>Names the zone the page's times are in: the cohort's, as in the bot's messages.</summary>
    private static void ZoneNote(DashboardHtml h, string zoneId) => h.Tag("p", h.Text.Get("web.dashboard.zone_note", ("zone", zoneId)), "zone", "zone");

    private static string StatusName(Learning.Localization.Localizer t, string status) =>
        status is "draft" or "scheduled" or "sending" or "sent" or "cancelled" ? t["dashboard.ann.status." + status] : status;

    private static string KindName(Learning.Localization.Localizer t, string kind) =>
        kind is "checkin" or "answer" or "lesson" ? t["dashboard.ledger." + kind] : kind;
}
