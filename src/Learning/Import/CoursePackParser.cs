using Academy.Learning.Model;
using YamlDotNet.RepresentationModel;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Import;

/// <summary>Reads the <c>course:</c> document of a content pack (docs/content-format.md).</summary>
internal static class CoursePackParser
{
    // Limits that keep content deliverable on every channel (Telegram quiz polls are the tightest).
    public const int MaxQuestionLength = 300;
    public const int MaxOptionLength = 100;
    public const int MaxExplanationLength = 200;
    public const int MaxOptions = 12;

    /// <param name="code">The course's code, when readable even if the file has errors.</param>
    public static Course? Parse(YamlFields root, out string? code)
    {
        var errorsBefore = root.Errors.Errors.Count;
        root.AllowOnly("code", "title", "description", "topics", "lessons", "questions", "exams", "surveys", "credit", "completion");
        code = root.Code("code");
        var title = root.Text("title", maxLength: 200);
        var description = root.Text("description", required: false);

        var topics = new List<Topic>();
        var topicLines = new Dictionary<string, int>();
        foreach (var t in root.Maps("topics"))
        {
            t.AllowOnly("code", "title");
            var topicCode = t.Code("code");
            var topicTitle = t.Text("title", maxLength: 200);
            if (topicCode is null || topicTitle is null) continue;
            if (topicLines.TryGetValue(topicCode, out var firstLine))
            {
                t.Error(t.Node("code"), "code", "import.error.duplicate", ("value", topicCode), ("line", firstLine));
                continue;
            }
            topicLines[topicCode] = t.Line;
            topics.Add(new Topic(topicCode, topicTitle));
        }

        var lessons = new List<Lesson>();
        var dayLines = new Dictionary<int, int>();
        foreach (var l in root.Maps("lessons"))
        {
            var lesson = ParseLesson(l, topicLines, dayLines);
            if (lesson is not null) lessons.Add(lesson);
        }
        // Day N of a cohort delivers lesson N: a gap would leave a programme day empty.
        if (dayLines.Count > 0)
            for (int day = 1; day <= dayLines.Keys.Max(); day++)
                if (!dayLines.ContainsKey(day))
                    root.Error(root.KeyNode("lessons"), "lessons", "import.error.missing_day", ("value", day));

        var questions = new List<Question>();
        var questionLines = new Dictionary<string, int>();
        foreach (var q in root.Maps("questions"))
        {
            var question = ParseQuestion(q, topicLines, questionLines);
            if (question is not null) questions.Add(question);
        }

        var exams = ExamPackParser.Parse(root, questions, topicLines, questionLines, dayLines.Count, out var examKinds);
        var surveys = SurveyPackParser.ParseSurveys(root, examKinds, out var surveyCodes);
        var credit = SurveyPackParser.ParseCredit(root);
        var completion = SurveyPackParser.ParseCompletion(root, lessons, examKinds, surveyCodes);

        if (root.Errors.Errors.Count > errorsBefore || code is null || title is null) return null;
        return new Course(code, title, description, topics, lessons.OrderBy(l => l.Day).ToList(), questions, exams,
            surveys, credit, completion);
    }

    private static Lesson? ParseLesson(YamlFields l, Dictionary<string, int> topicLines, Dictionary<int, int> dayLines)
    {
        var day = l.Int("day", 1, 1000, null);
        if (day is { } d)
        {
            l.Path = $"{l.Path[..l.Path.LastIndexOf('[')]}[day {d}]";
            if (dayLines.TryGetValue(d, out var first))
                l.Error(l.Node("day"), "day", "import.error.duplicate", ("value", d), ("line", first));
            else dayLines[d] = l.Line;
        }
        l.AllowOnly("day", "title", "required", "credit_minutes", "topics", "discussion", "body", "media");
        var title = l.Text("title", maxLength: 200);
        var required = l.Bool("required", true);
        var minutes = l.Int("credit_minutes", 0, 600, 0);
        var topics = TopicList(l, "topics", topicLines);
        var discussion = l.Text("discussion", required: false, maxLength: 1000);
        var body = l.Text("body");
        var media = new List<MediaLink>();
        foreach (var m in l.Maps("media", required: false))
        {
            m.AllowOnly("url", "kind", "caption");
            var url = m.String("url");
            if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                m.Error(m.Node("url"), "url", "import.error.bad_url", ("value", url));
                url = null;
            }
            var kind = m.Enum("kind", MediaKind.Link,
                ("link", MediaKind.Link), ("image", MediaKind.Image), ("video", MediaKind.Video),
                ("audio", MediaKind.Audio), ("document", MediaKind.Document));
            var caption = m.Text("caption", required: false, maxLength: 1024);
            if (url is not null && kind is { } k) media.Add(new MediaLink(url, k, caption));
        }
        if (day is null || title is null || required is null || minutes is null || topics is null || body is null) return null;
        return new Lesson(day.Value, title, required.Value, minutes.Value, topics, body, discussion, media);
    }

    private static Question? ParseQuestion(YamlFields q, Dictionary<string, int> topicLines, Dictionary<string, int> idLines)
    {
        int errorsBefore = q.Errors.Errors.Count;
        var id = q.Code("id", allowDot: true);
        if (id is not null)
        {
            q.Path = $"{q.Path[..q.Path.LastIndexOf('[')]}[{id}]";
            if (idLines.TryGetValue(id, out var first))
                q.Error(q.Node("id"), "id", "import.error.duplicate", ("value", id), ("line", first));
            else idLines[id] = q.Line;
        }
        q.AllowOnly("id", "topic", "type", "difficulty", "text", "options", "answer", "accept", "explanation");
        var topic = q.Code("topic");
        if (topic is not null && !topicLines.ContainsKey(topic))
            q.Error(q.Node("topic"), "topic", "import.error.unknown_topic", ("value", topic));
        var type = q.Enum<QuestionType>("type", null,
            ("single", QuestionType.Single), ("multiple", QuestionType.Multiple),
            ("true_false", QuestionType.TrueFalse), ("fill", QuestionType.Fill));
        var difficulty = q.Enum("difficulty", Difficulty.Medium,
            ("easy", Difficulty.Easy), ("medium", Difficulty.Medium), ("hard", Difficulty.Hard));
        var text = q.Text("text", maxLength: MaxQuestionLength);
        var explanation = q.Text("explanation", required: false, maxLength: MaxExplanationLength);

        IReadOnlyList<LocalizedText> options = [];
        IReadOnlyList<int> correct = [];
        IReadOnlyList<string> accepted = [];
        switch (type)
        {
            case QuestionType.Single or QuestionType.Multiple:
                var read = ReadOptions(q);
                options = read ?? [];
                if (q.Has("accept")) q.Error(q.Node("accept"), "accept", "import.error.not_allowed_for_type", ("type", TypeName(type.Value)));
                // With unusable options the answer cannot be checked against them: only its presence is.
                correct = ReadChoiceAnswer(q, type.Value, read?.Count) ?? [];
                break;
            case QuestionType.TrueFalse:
                if (q.Has("options")) q.Error(q.Node("options"), "options", "import.error.not_allowed_for_type", ("type", TypeName(type.Value)));
                if (q.Has("accept")) q.Error(q.Node("accept"), "accept", "import.error.not_allowed_for_type", ("type", TypeName(type.Value)));
                var answer = q.String("answer", required: false);
                if (answer is null) q.Error(null, "answer", "import.error.no_correct_answer");
                else if (bool.TryParse(answer, out var truth)) correct = [truth ? 0 : 1];
                else q.Error(q.Node("answer"), "answer", "import.error.expected_boolean", ("value", answer));
                break;
            case QuestionType.Fill:
                if (q.Has("options")) q.Error(q.Node("options"), "options", "import.error.not_allowed_for_type", ("type", TypeName(type.Value)));
                if (q.Has("answer")) q.Error(q.Node("answer"), "answer", "import.error.not_allowed_for_type", ("type", TypeName(type.Value)));
                var accepts = q.Scalars("accept", required: false);
                if (accepts is null || accepts.Count == 0) q.Error(q.Node("accept"), "accept", "import.error.no_correct_answer");
                else
                {
                    accepted = accepts.Select(a => a.Value).ToList();
                    foreach (var (value, node) in accepts.Where(a => AnswerNormalizer.Normalize(a.Value).Length == 0))
                        q.Error(node, "accept", "import.error.empty_after_normalization", ("value", value));
                }
                break;
        }

        if (q.Errors.Errors.Count > errorsBefore || id is null || topic is null || type is null || difficulty is null || text is null)
            return null;
        return new Question(id, topic, type.Value, difficulty.Value, text, options, correct, accepted, explanation);
    }

    private static List<LocalizedText>? ReadOptions(YamlFields q)
    {
        if (!q.Has("options"))
        {
            q.Error(null, "options", "import.error.required");
            return null;
        }
        var options = q.Texts("options", MaxOptionLength);
        if (options is not null && (options.Count < 2 || options.Count > MaxOptions))
        {
            q.Error(q.Node("options"), "options", "import.error.option_count", ("count", options.Count), ("max", MaxOptions));
            return null;
        }
        return options;
    }

    // Answers name options by letter: a = the first option, b = the second, …
    private static List<int>? ReadChoiceAnswer(YamlFields q, QuestionType type, int? optionCount)
    {
        var answers = q.Scalars("answer", required: false);
        if (answers is null || answers.Count == 0)
        {
            q.Error(q.Node("answer"), "answer", "import.error.no_correct_answer");
            return null;
        }
        if (type == QuestionType.Single && answers.Count != 1)
        {
            q.Error(q.Node("answer"), "answer", "import.error.single_needs_one");
            return null;
        }
        if (optionCount is null) return null;
        var letters = string.Join(", ", Enumerable.Range(0, optionCount.Value).Select(i => (char)('a' + i)));
        var result = new List<int>();
        foreach (var (value, node) in answers)
        {
            var index = value.Length == 1 ? char.ToLowerInvariant(value[0]) - 'a' : -1;
            if (index < 0 || index >= optionCount)
                q.Error(node, "answer", "import.error.answer_not_an_option", ("value", value), ("allowed", letters));
            else if (result.Contains(index))
                q.Error(node, "answer", "import.error.duplicate_answer", ("value", value));
            else result.Add(index);
        }
        return result;
    }

    private static List<string>? TopicList(YamlFields f, string key, Dictionary<string, int> topicLines)
    {
        var items = f.Scalars(key);
        if (items is null) return null;
        bool ok = true;
        foreach (var (value, node) in items)
            if (!topicLines.ContainsKey(value))
            {
                f.Error(node, key, "import.error.unknown_topic", ("value", value));
                ok = false;
            }
        if (items.Count == 0) { f.Error(f.Node(key), key, "import.error.required"); ok = false; }
        return ok ? items.Select(i => i.Value).ToList() : null;
    }

    private static string TypeName(QuestionType type) => type switch
    {
        QuestionType.Single => "single",
        QuestionType.Multiple => "multiple",
        QuestionType.TrueFalse => "true_false",
        _ => "fill",
    };
}
