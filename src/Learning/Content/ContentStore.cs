using Academy.Learning.Model;
using Academy.Learning.Storage;

namespace Academy.Learning.Content;

/// <summary>A question of a course's bank with its database id.</summary>
public sealed record BankQuestion(long Id, bool Retired, Question Question);

/// <summary>Reads course content back from the store.</summary>
public static class ContentStore
{
    private sealed class QuestionRow
    {
        public long Id { get; init; }
        public string Code { get; init; } = "";
        public string Topic { get; init; } = "";
        public string Type { get; init; } = "";
        public string Difficulty { get; init; } = "";
        public string Payload { get; init; } = "";
        public long Retired { get; init; }

        public Question ToQuestion()
        {
            var p = StoredJson.Deserialize<QuestionPayload>(Payload);
            return new Question(Code, Topic, Enum.Parse<QuestionType>(Type), Enum.Parse<Difficulty>(Difficulty),
                p.Text, p.Options, p.Correct, p.Accepted, p.Explanation);
        }
    }

    /// <summary>A course's whole question bank, retired questions included (answers still point at them), by id.</summary>
    public static async Task<IReadOnlyList<BankQuestion>> QuestionBankAsync(DbSession s, long courseId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var rows = await s.QueryAsync<QuestionRow>(
            "SELECT id, code, topic, type, difficulty, payload, retired FROM questions WHERE course_id = @courseId ORDER BY id", new { courseId });
        return rows.Select(r => new BankQuestion(r.Id, r.Retired != 0, r.ToQuestion())).ToList();
    }

    /// <summary>A course's lesson for a programme day, with its database id, or null.</summary>
    public static async Task<(long Id, Lesson Lesson)?> GetLessonAsync(DbSession s, long courseId, int day)
    {
        ArgumentNullException.ThrowIfNull(s);
        var row = await s.QuerySingleOrDefaultAsync<LessonRow>(
            "SELECT id, day, required, credit_minutes, topics, payload FROM lessons WHERE course_id = @courseId AND day = @day AND retired = 0",
            new { courseId, day });
        if (row is null) return null;
        var p = StoredJson.Deserialize<LessonPayload>(row.Payload);
        return (row.Id, new Lesson((int)row.Day, p.Title, row.Required != 0, (int)row.CreditMinutes,
            StoredJson.Deserialize<List<string>>(row.Topics), p.Body, p.Discussion, p.Media));
    }

    private sealed class LessonRow
    {
        public long Id { get; init; }
        public long Day { get; init; }
        public long Required { get; init; }
        public long CreditMinutes { get; init; }
        public string Topics { get; init; } = "";
        public string Payload { get; init; } = "";
    }

    /// <summary>A question by its database id, or null.</summary>
    public static async Task<Question?> GetQuestionAsync(DbSession s, long questionId) =>
        (await GetQuestionsAsync(s, [questionId])).GetValueOrDefault(questionId);

    private static readonly DialectSql QuestionsById = new(d =>
        $"SELECT id, code, topic, type, difficulty, payload, retired FROM questions WHERE {d.InList("id", "ids")}");

    /// <summary>Questions by their database ids (those that exist).</summary>
    public static async Task<IReadOnlyDictionary<long, Question>> GetQuestionsAsync(DbSession s, IReadOnlyCollection<long> questionIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (questionIds.Count == 0) return new Dictionary<long, Question>();
        var rows = await s.QueryAsync<QuestionRow>(QuestionsById[s.Dialect], new { ids = SqlList.Of(questionIds) });
        return rows.ToDictionary(r => r.Id, r => r.ToQuestion());
    }
}
