using Academy.Learning.Model;

namespace Academy.Learning.Import;

/// <summary>Reads the <c>cohort:</c> document (docs/content-format.md).</summary>
internal static class CohortParser
{
    /// <param name="code">The cohort's code, when readable even if the file has errors.</param>
    /// <param name="courseCode">The course it names, when readable even if the file has errors.</param>
    public static Cohort? Parse(YamlFields root, out string? code, out string? courseCode)
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
            s.AllowOnly("lesson", "checkin_open", "checkin_close", "quiz");
            var lesson = s.Time("lesson");
            var open = s.Time("checkin_open");
            var close = s.Time("checkin_close");
            var quiz = s.Time("quiz");
            if (open is not null && close is not null && close <= open)
                s.Error(s.Node("checkin_close"), "checkin_close", "import.error.close_before_open");
            if (lesson is not null && open is not null && close is not null && quiz is not null)
                schedule = new DailySchedule(lesson.Value, open.Value, close.Value, quiz.Value);
        }
        else if (root.Node("schedule") is { } bad) root.Error(bad, "schedule", "import.error.expected_mapping");
        else root.Error(null, "schedule", "import.error.required");

        var groups = new List<StudyGroupDefinition>();
        var groupLines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
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

        if (root.Errors.Errors.Count > errorsBefore || code is null || name is null || course is null || start is null ||
            zoneId is null || language is null || schedule is null || quizQuestions is null || skipWeekends is null)
            return null;
        return new Cohort(code, name, course, start.Value, zoneId, language, schedule, quizQuestions.Value,
            skipWeekends.Value, holidays.Distinct().Order().ToList(), groups);
    }
}
