using System.Globalization;
using Academy.Learning.Exports;
using Academy.Learning.Localization;
using Academy.Learning.Statistics;
using Academy.Learning.Storage;
using Academy.Learning.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Exams;

namespace Academy.BotHost.Features.Dashboard;

/// <summary>The exam figures on the overview, group and learner pages, and the per-learner exam export.</summary>
public static partial class DashboardPages
{
    /// <summary>How many of the hardest questions the pages list (the export has them all).</summary>
    private const int HardestShown = 10;

    /// <summary>
    /// The exam figures of the learners the viewer may see. Before anyone has finished an exam it says so
    /// and still lists the course's exams (0 taken); only a course without exams says it has none.
    /// </summary>
    private static void ExamSection(DashboardHtml h, ExamReport report)
    {
        var t = h.Text;
        h.Tag("h2", t["dashboard.overview.prepost"]);
        if (report.Exams.Count == 0)
        {
            h.Tag("p", t["web.dashboard.exams_none"], "empty", "prepost");
            return;
        }
        var both = report.BothTaken;
        if (!report.HasResults) h.Tag("p", t.Get("web.dashboard.exams_no_attempts", ("count", report.Exams.Count)), "empty", "prepost");
        else if (both.Count > 0)
            h.Tag("p", t.Get("exams.stats.prepost", ("pre", Score(both.Average(l => l.Pre!.Value))), ("post", Score(both.Average(l => l.Post!.Value))),
                ("gain", Signed(both.Average(l => l.Gain!.Value))), ("count", both.Count)), "lead", "prepost");
        h.Table("exams", [t["exams.stats.exam"], t["exams.stats.took"], t["exams.stats.average"], t["exams.stats.pass_rate"], t["exams.stats.bands"]],
            report.Exams.Select(e => (IReadOnlyList<object?>)[e.Title?.In(t.Language) ?? KindName(t, e.Kind, e.ExamCode),
                $"{e.Took}/{e.Enrolled} ({h.Percent(e.Participation)})", e.Average is { } a ? Score(a) : t["dashboard.none"], h.Percent(e.PassRate),
                e.Bands.ToString()]));
        if (report.Questions.Count > 0)
        {
            h.Tag("h3", t["exams.stats.questions"]);
            h.Table("questions", [t["exams.stats.exam"], t["exams.stats.question"], t["exams.stats.correct"], t["exams.stats.answered"]],
                report.Questions.Take(HardestShown).Select(q => (IReadOnlyList<object?>)[ExamName(t, report, q.ExamId, q.ExamCode),
                    new DashboardHtml.LongText(q.Text.In(t.Language)), h.Percent(q.ShareCorrect), q.Answered]));
        }
    }

    /// <summary>One learner's counted exam results on their page.</summary>
    private static void LearnerExamSection(DashboardHtml h, IReadOnlyList<Academy.Learning.Exams.CountedResult> results, ExamReport report, long learnerId)
    {
        var prePost = report.Learners.FirstOrDefault(l => l.LearnerId == learnerId);
        var titles = report.Exams.ToDictionary(e => e.ExamId, e => e.Title);
        var t = h.Text;
        h.Tag("h2", t["dashboard.overview.prepost"]);
        if (results.Count == 0)
        {
            h.Tag("p", t[report.Exams.Count == 0 ? "web.dashboard.exams_none" : "web.dashboard.learner_no_attempts"], "empty", "prepost");
            return;
        }
        if (prePost?.Gain is { } gain)
            h.Tag("p", t.Get("exams.stats.prepost", ("pre", Score(prePost.Pre!.Value)), ("post", Score(prePost.Post!.Value)), ("gain", Signed(gain)), ("count", 1)),
                "lead", "prepost");
        h.Table("exams", [t["exams.stats.exam"], t["exams.stats.score"], t["exams.stats.passed"], t["exams.stats.attempts"]],
            results.Select(r => (IReadOnlyList<object?>)[titles.GetValueOrDefault(r.ExamId)?.In(t.Language) ?? KindName(t, r.Kind, r.ExamCode), Score(r.Score), r.Passed ? t["exams.stats.yes"] : t["exams.stats.no"], r.Attempts]));
    }

    /// <summary>Exam results per learner (pre, post, gain, then each exam's counted score), as xlsx or CSV.</summary>
    public static async Task<IResult> ExamExportAsync(HttpContext http, AcademyDatabase database, ExamStatistics statistics,
        Academy.Learning.Exams.ExamResults results, long id, string format)
    {
        var viewer = DashboardEndpoints.Viewer(http);
        if (viewer.Cohort(id) is not { } visible || format is not ("csv" or "xlsx")) return DashboardEndpoints.NotFound(viewer);
        var t = viewer.Text;
        await using var s = await database.BeginReadAsync(http.RequestAborted);
        var stored = (await CohortStore.GetAsync(s, id))!;
        var report = await statistics.ForCohortAsync(s, id, visible.GroupIds);
        var counted = (await results.ForCohortAsync(s, id)).ToLookup(r => r.LearnerId);
        var groups = (await ProgrammeStatistics.GroupsAsync(s, id)).ToDictionary(g => g.Id, g => g.Code);
        var table = new Table(t["exams.export.link"].Length <= 31 ? t["exams.export.link"] : "exams",
            [t["exams.stats.learner"], t["exams.stats.group"], t["exams.stats.pre"], t["exams.stats.post"], t["exams.stats.gain"],
             .. report.Exams.SelectMany(e => new[] { $"{e.ExamCode} · {t["exams.stats.score"]}", $"{e.ExamCode} · {t["exams.stats.passed"]}" })],
            report.Learners.Select(l =>
            {
                var mine = counted[l.LearnerId].ToDictionary(r => r.ExamId);
                return (IReadOnlyList<object?>)[l.Name, l.GroupId is { } g ? groups.GetValueOrDefault(g) : null, l.Pre, l.Post, l.Gain,
                    .. report.Exams.SelectMany(e => mine.TryGetValue(e.ExamId, out var r) ? new object?[] { r.Score, r.Passed } : [null, null])];
            }).ToList());
        var name = new string($"exams-{stored.Cohort.Code}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' ? c : '-').ToArray());
        return format == "csv"
            ? Results.File(TableWriter.ToCsv(table), "text/csv; charset=utf-8", name + ".csv")
            : Results.File(TableWriter.ToXlsx(table), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx");
    }

    private static string ExamName(Localizer t, ExamReport report, long examId, string code) =>
        report.Exams.FirstOrDefault(e => e.ExamId == examId) is { } exam ? KindName(t, exam.Kind, code) : code;

    private static string KindName(Localizer t, string kind, string code) =>
        kind is "pre" or "post" or "final" or "practice" ? $"{t["exams.kind." + kind]} ({code})" : code;

    private static string Score(double score) => Math.Round(score, 1).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Signed(double gain) => (gain >= 0 ? "+" : "") + Score(gain);
}
