using Academy.Learning.Model;
using YamlDotNet.RepresentationModel;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Import;

/// <summary>Reads the <c>surveys:</c>, <c>credit:</c> and <c>completion:</c> sections of a course pack.</summary>
internal static class SurveyPackParser
{
    public const int MaxItemTextLength = 300;
    public const int MaxOptionLength = 60;   // a button label
    public const int MaxOptions = 10;
    public const int MaxAnswerLength = 4000;

    /// <param name="exams">The kind of every exam the pack names: an <c>after_exam</c> survey must name one of them.</param>
    /// <param name="codes">Every survey code named, including those of surveys with errors.</param>
    public static List<SurveyDefinition> ParseSurveys(YamlFields root, IReadOnlyDictionary<string, ExamKind?> exams, out IReadOnlySet<string> codes)
    {
        var surveys = new List<SurveyDefinition>();
        var codeLines = new Dictionary<string, int>();
        foreach (var f in root.Maps("surveys", required: false))
        {
            var survey = ParseSurvey(f, exams, codeLines);
            if (survey is not null) surveys.Add(survey);
        }
        codes = codeLines.Keys.ToHashSet();
        return surveys;
    }

    private static SurveyDefinition? ParseSurvey(YamlFields f, IReadOnlyDictionary<string, ExamKind?> exams, Dictionary<string, int> codeLines)
    {
        var errorsBefore = f.Errors.Errors.Count;
        var code = f.Code("code");
        if (code is not null)
        {
            f.Path = $"{f.Path[..f.Path.LastIndexOf('[')]}[{code}]";
            if (codeLines.TryGetValue(code, out var first)) f.Error(f.Node("code"), "code", "import.error.duplicate", ("value", code), ("line", first));
            else codeLines[code] = f.Line;
        }
        f.AllowOnly("code", "title", "anonymous", "opens", "exam", "items");
        var title = f.Text("title", maxLength: 200);
        var anonymous = f.Bool("anonymous", true);
        var opens = f.Enum("opens", SurveyOpening.LastDay,
            ("start", SurveyOpening.Start), ("last_day", SurveyOpening.LastDay), ("after_exam", SurveyOpening.AfterExam));
        var exam = f.Has("exam") ? f.Code("exam") : null;
        if (opens == SurveyOpening.AfterExam && !f.Has("exam")) f.Error(null, "exam", "import.error.required");
        if (opens != SurveyOpening.AfterExam && f.Has("exam")) f.Error(f.Node("exam"), "exam", "import.error.survey_exam_without_after_exam");
        // A misspelt exam would keep the survey closed for good, and with it the completion that asks for the survey.
        else if (exam is not null && !exams.ContainsKey(exam)) f.Error(f.Node("exam"), "exam", "import.error.unknown_exam", ("value", exam));

        var items = new List<SurveyItem>();
        var itemLines = new Dictionary<string, int>();
        foreach (var i in f.Maps("items"))
        {
            var item = ParseItem(i, itemLines);
            if (item is not null) items.Add(item);
        }
        if (f.Errors.Errors.Count > errorsBefore || code is null || title is null || anonymous is null || opens is null) return null;
        return new SurveyDefinition(code, title, anonymous.Value, opens.Value, exam, items);
    }

    private static SurveyItem? ParseItem(YamlFields i, Dictionary<string, int> itemLines)
    {
        var errorsBefore = i.Errors.Errors.Count;
        var code = i.Code("code");
        if (code is not null)
        {
            i.Path = $"{i.Path[..i.Path.LastIndexOf('[')]}[{code}]";
            if (itemLines.TryGetValue(code, out var first)) i.Error(i.Node("code"), "code", "import.error.duplicate", ("value", code), ("line", first));
            else itemLines[code] = i.Line;
        }
        i.AllowOnly("code", "type", "text", "options", "min_length", "max_length");
        var kind = i.Enum<SurveyItemKind>("type", null, ("choice", SurveyItemKind.Choice), ("text", SurveyItemKind.Text));
        var text = i.Text("text", maxLength: MaxItemTextLength);
        IReadOnlyList<LocalizedText> options = [];
        int? min = 0, max = 0;
        if (kind == SurveyItemKind.Choice)
        {
            foreach (var key in new[] { "min_length", "max_length" })
                if (i.Has(key)) i.Error(i.Node(key), key, "import.error.not_allowed_for_type", ("type", "choice"));
            var read = i.Has("options") ? i.Texts("options", MaxOptionLength) : null;
            if (!i.Has("options")) i.Error(null, "options", "import.error.required");
            else if (read is not null && (read.Count < 2 || read.Count > MaxOptions))
                i.Error(i.Node("options"), "options", "import.error.option_count", ("count", read.Count), ("max", MaxOptions));
            else if (read is not null) options = read;
        }
        else if (kind == SurveyItemKind.Text)
        {
            if (i.Has("options")) i.Error(i.Node("options"), "options", "import.error.not_allowed_for_type", ("type", "text"));
            min = i.Int("min_length", 1, MaxAnswerLength, 1);
            max = i.Int("max_length", 1, MaxAnswerLength, 2000);
            if (min is { } lo && max is { } hi && lo > hi) i.Error(i.Node("min_length"), "min_length", "import.error.min_over_max", ("max", hi));
        }
        if (i.Errors.Errors.Count > errorsBefore || code is null || kind is null || text is null || min is null || max is null) return null;
        return new SurveyItem(code, kind.Value, text, options, min.Value, max.Value);
    }

    public static CreditRules? ParseCredit(YamlFields root)
    {
        if (Section(root, "credit") is not { } credit) return root.Has("credit") ? null : CreditRules.Default;
        var errorsBefore = root.Errors.Errors.Count;
        credit.AllowOnly([.. CreditRules.KnownKinds]);
        var kinds = new Dictionary<string, CreditRule>();
        foreach (var kind in CreditRules.KnownKinds)
        {
            if (Section(credit, kind) is not { } k) continue;
            // A lesson brings its own credit_minutes; only its daily total is a rule here.
            if (kind == "lesson") k.AllowOnly("daily_cap"); else k.AllowOnly("minutes", "daily_cap");
            var minutes = kind != "lesson" && k.Has("minutes") ? k.Int("minutes", 0, 600, null) : null;
            var cap = k.Has("daily_cap") ? k.Int("daily_cap", 0, 1440, null) : null;
            kinds[kind] = new CreditRule(minutes, cap);
        }
        return root.Errors.Errors.Count > errorsBefore ? null : new CreditRules(kinds);
    }

    public static CompletionRule? ParseCompletion(YamlFields root, IReadOnlyList<Lesson> lessons, IReadOnlyDictionary<string, ExamKind?> examKinds,
        IReadOnlySet<string> surveyCodes)
    {
        if (Section(root, "completion") is not { } c) return root.Has("completion") ? null : CompletionRule.Default;
        var errorsBefore = root.Errors.Errors.Count;
        c.AllowOnly("lessons", "post_test", "survey", "minimum_minutes");
        int? requiredLessons = null;
        var lessonsText = c.String("lessons", required: false);
        if (lessonsText is not null && lessonsText != "all")
        {
            var required = lessons.Count(l => l.Required);
            if (int.TryParse(lessonsText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n <= required)
                requiredLessons = n;
            else c.Error(c.Node("lessons"), "lessons", "import.error.completion_lessons", ("value", lessonsText), ("max", required));
        }
        var postTests = CodeList(c, "post_test");
        var surveys = CodeList(c, "survey");
        // A code matching no exam or survey would make completion impossible without a word; an exam or
        // survey with errors is reported on its own lines, so only a name matching none is reported here.
        foreach (var (value, node) in postTests ?? [])
        {
            if (!examKinds.TryGetValue(value, out var kind)) c.Error(node, "post_test", "import.error.unknown_exam", ("value", value));
            else if (kind == ExamKind.Practice) c.Error(node, "post_test", "import.error.practice_in_completion", ("value", value));
        }
        foreach (var (value, node) in surveys ?? [])
            if (!surveyCodes.Contains(value)) c.Error(node, "survey", "import.error.unknown_survey", ("value", value));
        var minutes = c.Int("minimum_minutes", 0, 100_000, 0);
        if (root.Errors.Errors.Count > errorsBefore || minutes is null) return null;
        return new CompletionRule(requiredLessons, postTests?.Select(x => x.Value).ToList(), surveys?.Select(x => x.Value).ToList(), minutes.Value);
    }

    // Absent: null (the default applies); "none": an empty list; else one code or a list of codes.
    private static List<(string Value, YamlNode Node)>? CodeList(YamlFields f, string key)
    {
        if (!f.Has(key)) return null;
        var items = f.Scalars(key);
        if (items is null) return null;
        if (items is [("none", _)]) return [];
        foreach (var (value, node) in items)
            if (!System.Text.RegularExpressions.Regex.IsMatch(value, "^[a-z0-9][a-z0-9_-]{0,63}$"))
                f.Error(node, key, "import.error.bad_code", ("value", value));
        return items;
    }

    private static YamlFields? Section(YamlFields parent, string key)
    {
        var node = parent.Node(key);
        if (node is null) return null;
        if (node is YamlMappingNode map) return new YamlFields(map, parent.FieldPath(key), parent.Errors);
        parent.Error(node, key, "import.error.expected_mapping");
        return null;
    }
}
