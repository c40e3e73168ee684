using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Import;

/// <summary>Reads the <c>cohort:</c> document (docs/content-format.md).</summary>
internal static class CohortParser
{
    /// <param name="code">The cohort's code, when readable even if the file has errors.</param>
    /// <param name="courseCode">The course it names, when readable even if the file has errors.</param>
    /// <param name="groupCodes">Its groups' codes, when the groups read without error even if the rest of the file has errors.</param>
    public static Cohort? Parse(YamlFields root, out string? code, out string? courseCode, out IReadOnlyList<string>? groupCodes)
    {
        root.AllowOnly("code", "name", "course", "start", "timezone", "language", "schedule",
            "quiz_questions", "skip_weekends", "holidays", "groups");
        int errorsBefore = root.Errors.Errors.Count;
        code = root.Code("code");
        var name = root.Text("name", maxLength: 200);
        var course = courseCode = root.Code("course");
        var start = root.Date("start");
        var zoneId = root.String("timezone");
        if (zoneId is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out _))
            root.Error(root.Node("timezone"), "timezone", "import.error.bad_timezone", ("value", zoneId));
        var language = root.Language("language", Languages.English);
        var quizQuestions = root.Int("quiz_questions", 1, 20, 3);
        var skipWeekends = root.Bool("skip_weekends", false);

        var holidays = new List<DateOnly>();
        foreach (var (value, node) in root.Scalars("holidays", required: false) ?? [])
        {
            if (DateOnly.TryParseExact(value, "yyyy-MM-dd", out var d)) holidays.Add(d);
            else root.Error(node, "holidays", "import.error.bad_date", ("value", value));
        }

        DailySchedule? schedule = null;
        if (root.Node("schedule") is YamlDotNet.RepresentationModel.YamlMappingNode scheduleNode)
        {
            var s = new YamlFields(scheduleNode, root.FieldPath("schedule"), root.Errors);
            s.AllowOnly("lesson", "checkin_open", "checkin_close", "quiz", "reminder", "digest", "weekly_digest");
            var lesson = s.Time("lesson");
            var open = s.Time("checkin_open");
            var close = s.Time("checkin_close");
            var quiz = s.Time("quiz");
            var reminder = s.Node("reminder") is null ? null : s.Time("reminder");
            var digest = s.Node("digest") is null ? null : s.Time("digest");
            var weekly = ParseWeekly(s);
            if (open is not null && close is not null && close <= open)
                s.Error(s.Node("checkin_close"), "checkin_close", "import.error.close_before_open");
            else if (open is not null && close is not null && reminder is not null && (reminder <= open || reminder >= close))
                s.Error(s.Node("reminder"), "reminder", "import.error.reminder_outside_window");
            if (close is not null && digest is not null && digest < close)
                s.Error(s.Node("digest"), "digest", "import.error.digest_before_close");
            if (lesson is not null && open is not null && close is not null && quiz is not null)
            {
                schedule = new DailySchedule(lesson.Value, open.Value, close.Value, quiz.Value);
                if (reminder is not null) schedule = schedule with { Reminder = reminder.Value };
                if (digest is not null) schedule = schedule with { Digest = digest.Value };
                if (weekly is { } w) schedule = schedule with { WeeklyDigestDay = w.Day, WeeklyDigestTime = w.Time };
            }
        }
        else if (root.Node("schedule") is { } bad) root.Error(bad, "schedule", "import.error.expected_mapping");
        else root.Error(null, "schedule", "import.error.required");

        var groups = new List<StudyGroupDefinition>();
        var groupLines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var errorsBeforeGroups = root.Errors.Errors.Count;
        foreach (var g in root.Maps("groups"))
        {
            g.AllowOnly("code", "name", "language");
            var groupCode = g.Code("code", upperAllowed: true);
            var groupName = g.Text("name", maxLength: 200);
            var groupLanguage = g.Language("language", language ?? Languages.English);
            if (groupCode is null || groupName is null || groupLanguage is null) continue;
            if (groupLines.TryGetValue(groupCode, out var first))
            {
                g.Error(g.Node("code"), "code", "import.error.duplicate", ("value", groupCode), ("line", first));
                continue;
            }
            groupLines[groupCode] = g.Line;
            groups.Add(new StudyGroupDefinition(groupCode, groupName, groupLanguage));
        }
        groupCodes = root.Errors.Errors.Count == errorsBeforeGroups ? groups.Select(g => g.Code).ToList() : null;

        if (root.Errors.Errors.Count > errorsBefore || code is null || name is null || course is null || start is null ||
            zoneId is null || language is null || schedule is null || quizQuestions is null || skipWeekends is null)
            return null;
        return new Cohort(code, name, course, start.Value, zoneId, language, schedule, quizQuestions.Value,
            skipWeekends.Value, holidays.Distinct().Order().ToList(), groups);
    }

    // weekly_digest: "monday 09:00" (an English weekday name, then a local time).
    private static (DayOfWeek Day, TimeOnly Time)? ParseWeekly(YamlFields s)
    {
        if (s.Node("weekly_digest") is null) return null;
        var text = s.String("weekly_digest");
        if (text is null) return null;
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && Enum.TryParse<DayOfWeek>(parts[0], ignoreCase: true, out var day) && !int.TryParse(parts[0], out _) &&
            TimeOnly.TryParseExact(parts[1], ["HH:mm", "H:mm"], System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var time))
            return (day, time);
        s.Error(s.Node("weekly_digest"), "weekly_digest", "import.error.bad_weekly", ("value", text));
        return null;
    }
}
