using System.Data;
using System.Globalization;
using System.Text;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Dapper;

namespace Academy.Learning.Daily;

/// <summary>A delivery to record among many of one cohort day (a group's lesson, check-in prompt or quiz slot).</summary>
public sealed record NewDelivery(string Key, long GroupId, DeliveryKind Kind, long? LessonId, long? QuestionId);

/// <summary>A delivery as recorded under its key: its id and, for a question, the question drawn.</summary>
public sealed record StoredDelivery(long Id, long? QuestionId);

/// <summary>
/// The deliveries and what learners did with them: <c>deliveries</c>, <c>answers</c>,
/// <c>quiz_drafts</c> and <c>lesson_reads</c>. Set-wise where a batch or a fan-out writes many.
/// </summary>
public static class DeliveryStore
{
    // Rows per multi-row INSERT. Small on purpose: SQLite binds named parameters by a linear search,
    // so a statement of n parameters costs n²; 50 rows measured fastest (400 was several times slower).
    private const int Batch = 50;

    /// <summary>Records a delivery, or finds the one already recorded under the same key. Returns its id.</summary>
    public static Task<long> RecordAsync(DbSession s, Delivery d, long now)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(d);
        // DO UPDATE (a no-op) rather than DO NOTHING so RETURNING yields the id on both paths.
        return s.ExecuteScalarAsync<long>(
            """
            INSERT INTO deliveries (idem_key, cohort_id, group_id, learner_id, day, kind, lesson_id, question_id, delivered_at)
            VALUES (@Key, @CohortId, @GroupId, @LearnerId, @Day, @kind, @LessonId, @QuestionId, @now)
            ON CONFLICT (idem_key) DO UPDATE SET idem_key = excluded.idem_key
            RETURNING id
            """,
            new { d.Key, d.CohortId, d.GroupId, d.LearnerId, d.Day, kind = d.Kind.ToString(), d.LessonId, d.QuestionId, now });
    }

    /// <summary>
    /// Records many group deliveries of one cohort day in multi-row statements; a key recorded before
    /// keeps its row (and its question). Returns every key's delivery.
    /// </summary>
    public static async Task<Dictionary<string, StoredDelivery>> RecordDayAsync(DbSession s, long cohortId, int day, long now, IReadOnlyList<NewDelivery> rows)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(rows);
        var result = new Dictionary<string, StoredDelivery>(rows.Count, StringComparer.Ordinal);
        foreach (var chunk in rows.DistinctBy(r => r.Key).Chunk(Batch))
        {
            var sql = new StringBuilder(
                "INSERT INTO deliveries (idem_key, cohort_id, group_id, learner_id, day, kind, lesson_id, question_id, delivered_at) VALUES ");
            var p = new DynamicParameters();
            p.Add("c", cohortId, DbType.Int64);
            p.Add("d", (long)day, DbType.Int64);
            p.Add("now", now, DbType.Int64);
            for (int i = 0; i < chunk.Length; i++)
            {
                var r = chunk[i];
                if (i > 0) sql.Append(',');
                sql.Append(CultureInfo.InvariantCulture, $"(@k{i}, @c, @g{i}, NULL, @d, @t{i}, @l{i}, @q{i}, @now)");
                p.Add($"k{i}", r.Key, DbType.String);
                p.Add($"g{i}", r.GroupId, DbType.Int64);
                p.Add($"t{i}", r.Kind.ToString(), DbType.String);
                p.Add($"l{i}", r.LessonId, DbType.Int64);
                p.Add($"q{i}", r.QuestionId, DbType.Int64);
            }
            // DO UPDATE (a no-op) rather than DO NOTHING so RETURNING yields the row on both paths.
            sql.Append(" ON CONFLICT (idem_key) DO UPDATE SET idem_key = excluded.idem_key RETURNING id, idem_key, question_id");
            foreach (var (id, key, questionId) in await s.QueryAsync<(long, string, long?)>(sql.ToString(), p))
                result[key] = new StoredDelivery(id, questionId);
        }
        return result;
    }

    /// <summary>Every question the cohort's groups have been asked, as (group, question) pairs.</summary>
    public static Task<IEnumerable<(long GroupId, long QuestionId)>> QuestionsAskedOfGroupsAsync(DbSession s, long cohortId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.QueryAsync<(long, long)>(
            "SELECT group_id, question_id FROM deliveries WHERE cohort_id = @cohortId AND group_id IS NOT NULL AND question_id IS NOT NULL",
            new { cohortId });
    }

    /// <summary>The question deliveries of a cohort day, with their keys.</summary>
    public static Task<IEnumerable<(string Key, long Id, long QuestionId)>> QuestionDeliveriesOfDayAsync(DbSession s, long cohortId, int day)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.QueryAsync<(string, long, long)>(
            "SELECT idem_key, id, question_id FROM deliveries WHERE cohort_id = @cohortId AND day = @day AND kind = @kind AND question_id IS NOT NULL",
            new { cohortId, day, kind = nameof(DeliveryKind.Question) });
    }

    private static readonly DialectSql Targets = new(d => $"""
        SELECT d.id AS Id, d.cohort_id AS CohortId, d.group_id AS GroupId, d.learner_id AS LearnerId, d.kind AS Kind,
               d.lesson_id AS LessonId, d.question_id AS QuestionId, q.type AS QuestionType
        FROM deliveries d LEFT JOIN questions q ON q.id = d.question_id
        WHERE {d.InList("d.id", "ids")}
        """);

    /// <summary>Deliveries by id (those that exist), with the type of the question each carries.</summary>
    public static async Task<IReadOnlyDictionary<long, DeliveryTarget>> FindAsync(DbSession s, IReadOnlyCollection<long> ids)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0) return new Dictionary<long, DeliveryTarget>();
        var rows = await s.QueryAsync<Row>(Targets[s.Dialect], new { ids = SqlList.Of(ids) });
        return rows.ToDictionary(r => r.Id, r => r.ToTarget());
    }

    private static readonly DialectSql Answerable = new(d => $"""
        SELECT id, cohort_id AS CohortId, group_id AS GroupId, learner_id AS LearnerId, question_id AS QuestionId, kind
        FROM deliveries WHERE {d.InList("id", "deliveryIds")}
        """);

    /// <summary>Deliveries by id (those that exist), as answering them needs: without the question's type.</summary>
    public static async Task<IReadOnlyDictionary<long, DeliveryTarget>> FindForAnswersAsync(DbSession s, IReadOnlyCollection<long> deliveryIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(deliveryIds);
        return (await s.QueryAsync<Row>(Answerable[s.Dialect], new { deliveryIds = SqlList.Of(deliveryIds) })).ToDictionary(r => r.Id, r => r.ToTarget());
    }

    /// <summary>An answer to write: the first of its learner to its delivery.</summary>
    public sealed record NewAnswer(long DeliveryId, long LearnerId, long CohortId, long QuestionId, string Response, bool Correct);

    /// <summary>Writes answers in one set; those whose learner had answered the delivery before are left out. Returns the (delivery, learner) pairs written.</summary>
    public static async Task<HashSet<(long DeliveryId, long LearnerId)>> RecordAnswersAsync(DbSession s, IReadOnlyList<NewAnswer> answers, long now)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(answers);
        return (await MultiRow.InsertReturningAsync<(long DeliveryId, long LearnerId)>(s,
            "answers (delivery_id, learner_id, cohort_id, question_id, response, correct, answered_at)",
            answers.Select(a => new object?[] { a.DeliveryId, a.LearnerId, a.CohortId, a.QuestionId, a.Response, a.Correct ? 1L : 0L, now }).ToList(),
            "ON CONFLICT (delivery_id, learner_id) DO NOTHING RETURNING delivery_id, learner_id")).ToHashSet();
    }

    private static readonly DialectSql EarlierAnswers = new(d =>
        $"SELECT delivery_id, learner_id, correct FROM answers WHERE {d.InList("delivery_id", "ds")} AND {d.InList("learner_id", "ls")}");

    /// <summary>Whether the answers already recorded among these deliveries and learners were right.</summary>
    public static async Task<Dictionary<(long DeliveryId, long LearnerId), bool>> AnswersCorrectAsync(
        DbSession s, IReadOnlyCollection<long> deliveryIds, IReadOnlyCollection<long> learnerIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        var result = new Dictionary<(long, long), bool>();
        foreach (var a in await s.QueryAsync<(long DeliveryId, long LearnerId, long Correct)>(
                     EarlierAnswers[s.Dialect], new { ds = SqlList.Of(deliveryIds), ls = SqlList.Of(learnerIds) }))
            result[(a.DeliveryId, a.LearnerId)] = a.Correct != 0;
        return result;
    }

    /// <summary>Records that the learner studied the lesson in the cohort; false when they had already.</summary>
    public static async Task<bool> RecordLessonReadAsync(DbSession s, long cohortId, long learnerId, long lessonId, long now)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await s.ExecuteAsync(
            """
            INSERT INTO lesson_reads (cohort_id, learner_id, lesson_id, read_at) VALUES (@cohortId, @learnerId, @lessonId, @now)
            ON CONFLICT (cohort_id, learner_id, lesson_id) DO NOTHING
            """, new { cohortId, learnerId, lessonId, now }) > 0;
    }

    /// <summary>The options a learner has ticked so far on a question with several answers ("0,2"), or null.</summary>
    public static Task<string?> QuizDraftAsync(DbSession s, long deliveryId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.QuerySingleOrDefaultAsync<string?>(
            "SELECT options FROM quiz_drafts WHERE delivery_id = @deliveryId AND learner_id = @learnerId", new { deliveryId, learnerId });
    }

    /// <summary>Keeps the options a learner has ticked so far, replacing what was kept.</summary>
    public static Task SaveQuizDraftAsync(DbSession s, long deliveryId, long learnerId, string options, long now)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.ExecuteAsync(
            """
            INSERT INTO quiz_drafts (delivery_id, learner_id, options, updated_at) VALUES (@deliveryId, @learnerId, @options, @now)
            ON CONFLICT (delivery_id, learner_id) DO UPDATE SET options = excluded.options, updated_at = excluded.updated_at
            """, new { deliveryId, learnerId, options, now });
    }

    private sealed class Row
    {
        public long Id { get; init; }
        public long CohortId { get; init; }
        public long? GroupId { get; init; }
        public long? LearnerId { get; init; }
        public string Kind { get; init; } = "";
        public long? LessonId { get; init; }
        public long? QuestionId { get; init; }
        public string? QuestionType { get; init; }

        public DeliveryTarget ToTarget() => new(Id, CohortId, GroupId, LearnerId,
            Enum.TryParse<DeliveryKind>(Kind, out var k) ? k : (DeliveryKind)(-1), LessonId, QuestionId,
            Enum.TryParse<QuestionType>(QuestionType, out var t) ? t : null);
    }
}
