using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Statistics;
using Academy.Learning.Storage;
using Academy.Learning.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Learning.Exports;

/// <summary>
/// A group's programme day as the table liaisons used to fill in by hand: one row per learner with
/// the check-in time, the day's quiz (right answers and answers given), the exam status and notes
/// (nudged, tagged in the group's reminder).
/// </summary>
public static class DaySummary
{
    /// <summary>The table, in <paramref name="text"/>'s language; times in the cohort's time zone.</summary>
    public static async Task<Table> BuildAsync(DbSession s, StoredCohort cohort, long groupId, int day, Localizer text)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(cohort);
        ArgumentNullException.ThrowIfNull(text);
        var report = (await ProgrammeStatistics.GroupDaysAsync(s, cohort.Id, day, groupId)).Single();
        var quizzes = await ProgrammeStatistics.LearnerQuizzesAsync(s, cohort.Id, day, groupId);
        var nudges = await CheckInStore.NudgedAtAsync(s, cohort.Id, groupId, day);
        var reminderAt = await GroupReminderAtAsync(s, cohort.Id, groupId, day);
        var exams = (await new Exams.ExamResults().ForCohortAsync(s, cohort.Id)).Where(r => r.Kind != "practice").ToLookup(r => r.LearnerId);
        var zone = cohort.Calendar.Zone;
        // To the minute, as a liaison reads a clock (and as the file shows it).
        TimeOnly Local(DateTimeOffset at) => TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime) is var t ? new TimeOnly(t.Hour, t.Minute) : default;
        string Clock(DateTimeOffset at) => LocalTimes.Format(Local(at));

        var people = report.CheckedIn.Select(c => (c.LearnerId, c.Name, c.At, Checked: true))
            .Concat(report.Missed.Select(m => (m.LearnerId, m.Name, At: (DateTimeOffset?)null, Checked: false)))
            .OrderBy(p => p.Name, StringComparer.Ordinal);
        var rows = new List<IReadOnlyList<object?>>();
        foreach (var p in people)
        {
            var quiz = quizzes.GetValueOrDefault(p.LearnerId);
            var notes = new List<string>();
            if (nudges.TryGetValue(p.LearnerId, out var nudged)) notes.Add(text.Get("summary.note_nudged", ("time", Clock(nudged))));
            // The group's reminder tags whoever had not checked in when it went out.
            if (reminderAt is { } r && (p.At is null ? !p.Checked : p.At > r)) notes.Add(text.Get("summary.note_reminded", ("time", Clock(r))));
            if (p.Checked && p.At is null) notes.Add(text["summary.note_checked_no_time"]);
            rows.Add([
                p.Name,
                p.At is { } at ? Local(at) : null,
                quiz?.Correct ?? 0,
                quiz?.Answered ?? 0,
                ExamCell(text, exams[p.LearnerId]),
                notes.Count == 0 ? null : string.Join("; ", notes),
            ]);
        }
        return new Table(
            text.Get("summary.title", ("code", report.Group.Code), ("day", day)),
            [
                text["summary.col_learner"], text["summary.col_checkin"], text["summary.col_correct"],
                text.Get("summary.col_answered", ("count", report.Questions.Count)), text["summary.col_exam"], text["summary.col_notes"],
            ],
            rows);
    }

    // "Pre-test 40; Post-test 90 ✓": each counted result so far, ✓ where it passed.
    private static string ExamCell(Localizer text, IEnumerable<Exams.CountedResult> results)
    {
        var cells = results.OrderBy(r => r.Kind switch { "pre" => 0, "post" => 1, _ => 2 }).ThenBy(r => r.ExamCode, StringComparer.Ordinal).Select(r =>
            $"{text["exams.kind." + r.Kind]} {Math.Round(r.Score, 1).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)}{(r.Passed ? " ✓" : "")}").ToList();
        return cells.Count == 0 ? text["summary.exam_none"] : string.Join("; ", cells);
    }

    /// <summary>The file name for a group's day, e.g. <c>HN-01-day-3.xlsx</c>.</summary>
    public static string FileName(string groupCode, int day, string extension)
    {
        ArgumentNullException.ThrowIfNull(groupCode);
        var safe = new string(groupCode.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{safe}-day-{day}.{extension}");
    }

    // When the scheduler queued the group's reminder that day (it tags who has not checked in), if it did.
    private static async Task<DateTimeOffset?> GroupReminderAtAsync(DbSession s, long cohortId, long groupId, int day)
    {
        var at = await s.ExecuteScalarAsync<long?>(
            "SELECT MIN(created_at) FROM outbox WHERE idem_key LIKE @key",
            new { key = $"c{cohortId}/d{day}/reminder/g{groupId}@%" });
        return at is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }
}
