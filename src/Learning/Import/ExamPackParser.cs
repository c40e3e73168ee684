using System.Globalization;
using System.Text.RegularExpressions;
using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Import;

/// <summary>Reads the <c>exams:</c> list of a course pack (docs/content-format.md, "Exams").</summary>
internal static partial class ExamPackParser
{
    public const int MaxQuestionsPerExam = 100;

    /// <param name="kinds">The kind of every exam named, including exams with errors (null where the kind itself is wrong).</param>
    public static List<ExamDefinition> Parse(YamlFields root, IReadOnlyList<Question> questions, IReadOnlyDictionary<string, int> topicLines,
        IReadOnlyDictionary<string, int> questionLines, int lessonCount, out IReadOnlyDictionary<string, ExamKind?> kinds)
    {
        var exams = new List<ExamDefinition>();
        var codeLines = new Dictionary<string, int>();
        var named = new Dictionary<string, ExamKind?>();
        foreach (var e in root.Maps("exams", required: false))
        {
            var exam = ParseExam(e, questions, topicLines, questionLines, lessonCount, codeLines, named);
            if (exam is not null) exams.Add(exam);
        }
        kinds = named;
        return exams;
    }

    private static ExamDefinition? ParseExam(YamlFields e, IReadOnlyList<Question> questions, IReadOnlyDictionary<string, int> topicLines,
        IReadOnlyDictionary<string, int> questionLines, int lessonCount, Dictionary<string, int> codeLines, Dictionary<string, ExamKind?> named)
    {
        var errorsBefore = e.Errors.Errors.Count;
        var code = e.Code("code");
        if (code is not null)
        {
            e.Path = $"{e.Path[..e.Path.LastIndexOf('[')]}[{code}]";
            if (codeLines.TryGetValue(code, out var first)) e.Error(e.Node("code"), "code", "import.error.duplicate", ("value", code), ("line", first));
            else codeLines[code] = e.Line;
        }
        e.AllowOnly("code", "kind", "title", "time_limit_minutes", "pass_mark", "attempts", "counts", "multiple_scoring",
            "credit_minutes", "opens", "closes", "draw");
        var kind = e.Enum<ExamKind>("kind", null,
            ("pre", ExamKind.Pre), ("post", ExamKind.Post), ("final", ExamKind.Final), ("practice", ExamKind.Practice));
        if (code is not null) named.TryAdd(code, kind);
        var title = e.Text("title", maxLength: 200);
        var minutes = e.Int("time_limit_minutes", 1, 600, null);
        var passMark = PassMark(e);
        // Practice is for trying again: unlimited unless the pack limits it. Every other kind allows one by default.
        var unlimited = kind == ExamKind.Practice && !e.Has("attempts");
        var attempts = unlimited ? null : e.Int("attempts", 1, 20, 1);
        var counts = e.Enum("counts", CountedAttempt.Best,
            ("best", CountedAttempt.Best), ("last", CountedAttempt.Last), ("first", CountedAttempt.First));
        var scoring = e.Enum("multiple_scoring", MultipleScoring.AllOrNothing,
            ("all_or_nothing", MultipleScoring.AllOrNothing), ("per_option", MultipleScoring.PerOption));
        // Absent and 0 differ: an exam's own figure, even 0, wins over the pack's credit.exam rule.
        var creditGiven = e.Has("credit_minutes");
        var credit = creditGiven ? e.Int("credit_minutes", 0, 600, 0) : null;
        var opens = DayRef(e, "opens", lessonCount, allowEnrolment: true);
        var closes = DayRef(e, "closes", lessonCount, allowEnrolment: false);
        if (opens is { Value: { } o } && closes is { Value: { } c } && lessonCount > 0 && Ordinal(c, lessonCount) < Ordinal(o, lessonCount))
            e.Error(e.Node("closes"), "closes", "import.error.exam_closes_before_opens", ("opens", o), ("closes", c));

        var rules = new List<DrawRule>();
        var claimed = new Dictionary<string, string>(StringComparer.Ordinal); // question id → the rule's path that drew it
        foreach (var r in e.Maps("draw"))
        {
            var rule = ParseRule(r, questions, topicLines, questionLines, claimed);
            if (rule is not null) rules.Add(rule);
        }
        if (rules.Sum(r => r.Count) > MaxQuestionsPerExam)
            e.Error(e.KeyNode("draw"), "draw", "import.error.exam_too_many", ("count", rules.Sum(r => r.Count)), ("max", MaxQuestionsPerExam));

        if (e.Errors.Errors.Count > errorsBefore || code is null || kind is null || title is null || minutes is null || passMark is null ||
            (attempts is null && !unlimited) || counts is null || scoring is null || (creditGiven && credit is null) || opens is null || closes is null)
            return null;
        return new ExamDefinition(code, kind.Value, title, rules, TimeSpan.FromMinutes(minutes.Value), passMark.Value, attempts,
            counts.Value, scoring.Value, new ExamWindow(opens.Value, closes.Value), credit);
    }

    private static DrawRule? ParseRule(YamlFields r, IReadOnlyList<Question> questions, IReadOnlyDictionary<string, int> topicLines,
        IReadOnlyDictionary<string, int> questionLines, Dictionary<string, string> claimed)
    {
        var errorsBefore = r.Errors.Errors.Count;
        r.AllowOnly("count", "topics", "questions", "exclude");
        var count = r.Int("count", 1, MaxQuestionsPerExam, null);
        var topics = Known(r, "topics", topicLines, "import.error.unknown_topic");
        var ids = Known(r, "questions", questionLines, "import.error.exam_unknown_question");
        var exclude = Known(r, "exclude", questionLines, "import.error.exam_unknown_question");
        if (topics.Count == 0 && ids.Count == 0) r.Error(null, "topics", "import.error.exam_empty_pool");
        if (r.Errors.Errors.Count > errorsBefore || count is null) return null;

        var rule = new DrawRule(count.Value, topics, ids, exclude);
        var pool = rule.Pool(questions);
        if (pool.Count < count)
        {
            r.Error(r.Node("count"), "count", "import.error.exam_pool_too_small", ("count", count), ("pool", pool.Count));
            return null;
        }
        // Disjoint pools make "no question twice in an attempt" and "uniform within each rule" hold together.
        foreach (var id in pool)
            if (claimed.TryGetValue(id, out var other))
            {
                r.Error(null, "topics", "import.error.exam_pools_overlap", ("value", id), ("other", other));
                return null;
            }
        foreach (var id in pool) claimed[id] = r.Path;
        return rule;
    }

    private static List<string> Known(YamlFields f, string key, IReadOnlyDictionary<string, int> known, string errorKey)
    {
        var items = f.Scalars(key, required: false) ?? [];
        foreach (var (value, node) in items.Where(i => !known.ContainsKey(i.Value)))
            f.Error(node, key, errorKey, ("value", value));
        return items.Select(i => i.Value).Where(known.ContainsKey).Distinct().ToList();
    }

    private static double? PassMark(YamlFields e)
    {
        var text = e.String("pass_mark");
        if (text is null) return null;
        if (double.TryParse(text.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 100) return v;
        e.Error(e.Node("pass_mark"), "pass_mark", "import.error.exam_pass_mark", ("value", text));
        return null;
    }

    // Wrapped so that "absent" (a null Value) differs from "wrong" (null result).
    private sealed record Ref(ProgrammeDayRef? Value);

    private static Ref? DayRef(YamlFields e, string key, int lessonCount, bool allowEnrolment)
    {
        var text = e.String(key, required: false);
        if (text is null) return new Ref(null);
        var t = text.Trim().ToLowerInvariant();
        if (allowEnrolment && t == "enrolment") return new Ref(null);
        var m = DayPattern().Match(t);
        if (m.Success)
        {
            if (m.Groups["day"].Success)
            {
                var day = int.Parse(m.Groups["day"].Value, CultureInfo.InvariantCulture);
                if (day >= 1 && day <= Math.Max(1, lessonCount)) return new Ref(new ProgrammeDayRef(day, 0));
            }
            else
            {
                var after = m.Groups["after"].Success ? int.Parse(m.Groups["after"].Value, CultureInfo.InvariantCulture) : 0;
                if (after <= 365) return new Ref(new ProgrammeDayRef(null, after));
            }
        }
        e.Error(e.Node(key), key, allowEnrolment ? "import.error.exam_bad_opens" : "import.error.exam_bad_closes", ("value", text), ("days", lessonCount));
        return null;
    }

    // An order for comparing references without a calendar: day N < last+M whenever N ≤ lesson count.
    private static int Ordinal(ProgrammeDayRef r, int lessonCount) => r.Day ?? lessonCount + r.AfterLast;

    [GeneratedRegex(@"^(?:day\s*(?<day>\d{1,4})|last(?:\s*\+\s*(?<after>\d{1,3}))?)$")]
    private static partial Regex DayPattern();
}
