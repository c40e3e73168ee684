using System.Globalization;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Credit;

/// <summary>An award to credit: points and minutes for something a learner did, once per (learner, source key).</summary>
/// <param name="LocalDate">The cohort's local date of the award: daily caps count by it.</param>
/// <param name="Minutes">What the cause itself is worth (a lesson's or an exam's own figure); null when it brings none.</param>
public sealed record Award(long LearnerId, long CohortId, string LocalDate, string SourceKey, string Kind, long Points, long? Minutes);

/// <summary>
/// The points and credit-minute <c>ledger</c> and the <c>completions</c> it leads to, with the reads
/// the course's completion rule is checked against (required lessons studied, closing exams passed,
/// surveys submitted, minutes).
/// </summary>
public static class LedgerStore
{
    // ---- the ledger -----------------------------------------------------------------------------

    private static readonly DialectSql Credited = new(d =>
        $"SELECT learner_id, source_key FROM ledger WHERE {d.InList("learner_id", "learnerIds")} AND {d.InList("source_key", "keys")}");

    /// <summary>Which of these learners have been credited for which of these source keys.</summary>
    public static async Task<HashSet<(long LearnerId, string SourceKey)>> CreditedAsync(DbSession s, IReadOnlyCollection<long> learnerIds, IReadOnlyCollection<string> keys)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(long LearnerId, string SourceKey)>(Credited[s.Dialect],
            new { learnerIds = SqlList.Of(learnerIds), keys = SqlList.Of(keys) })).ToHashSet();
    }

    private static readonly DialectSql Hold = new(d =>
        $"UPDATE enrollments SET role = role WHERE cohort_id = @cohortId AND {d.InList("learner_id", "ids")}");

    /// <summary>
    /// Makes another transaction crediting these learners in the cohort wait for this one to commit:
    /// a no-op update locks their enrolment rows (PostgreSQL), so two transactions crediting one learner
    /// on the same day cannot both see room under a cap; SQLite write transactions are serialised already.
    /// </summary>
    public static Task HoldLearnersAsync(DbSession s, long cohortId, IReadOnlyCollection<long> ids)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.ExecuteAsync(Hold[s.Dialect], new { cohortId, ids = SqlList.Of(ids) });
    }

    private static readonly DialectSql MinutesPerDay = new(d => $"""
        SELECT learner_id, kind, local_date, CAST(COALESCE(SUM(credit_minutes), 0) AS BIGINT) FROM ledger
        WHERE cohort_id = @cohortId AND {d.InList("learner_id", "ids")} AND {d.InList("kind", "kinds")} AND {d.InList("local_date", "dates")}
        GROUP BY learner_id, kind, local_date
        """);

    /// <summary>The minutes already credited in the cohort per learner, kind and local date, among those given.</summary>
    public static Task<IEnumerable<(long LearnerId, string Kind, string LocalDate, long Minutes)>> MinutesPerDayAsync(DbSession s, long cohortId,
        IReadOnlyCollection<long> ids, IReadOnlyCollection<string> kinds, IReadOnlyCollection<string> dates)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.QueryAsync<(long, string, string, long)>(MinutesPerDay[s.Dialect],
            new { cohortId, ids = SqlList.Of(ids), kinds = SqlList.Of(kinds), dates = SqlList.Of(dates) });
    }

    /// <summary>Writes the awards in order (their minutes settled); one already in the ledger under its source key is left as it was.</summary>
    public static Task<int> InsertAsync(DbSession s, IReadOnlyList<Award> awards, long now)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(awards);
        return MultiRow.InsertAsync(s, "ledger (learner_id, cohort_id, source_key, kind, points, credit_minutes, local_date, at)",
            awards.Select(a => new object?[] { a.LearnerId, a.CohortId, a.SourceKey, a.Kind, a.Points, a.Minutes ?? 0, a.LocalDate, now }).ToList(),
            "ON CONFLICT (learner_id, source_key) DO NOTHING");
    }

    /// <summary>A learner's credit minutes in the cohort.</summary>
    public static Task<long> MinutesAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.ExecuteScalarAsync<long>(
            "SELECT CAST(COALESCE(SUM(credit_minutes), 0) AS BIGINT) FROM ledger WHERE cohort_id = @cohortId AND learner_id = @learnerId",
            new { cohortId, learnerId });
    }

    // ---- completions ----------------------------------------------------------------------------

    /// <summary>Records the learner's completion of the cohort; false when it was recorded before (the key decides between two concurrent checks).</summary>
    public static async Task<bool> RecordCompletionAsync(DbSession s, long cohortId, long learnerId, long now)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await s.ExecuteAsync(
            """
            INSERT INTO completions (cohort_id, learner_id, completed_at) VALUES (@cohortId, @learnerId, @now)
            ON CONFLICT (cohort_id, learner_id) DO NOTHING
            """, new { cohortId, learnerId, now }) > 0;
    }

    /// <summary>When the learner's completion was recorded (Unix ms), or null.</summary>
    public static Task<long?> CompletedAtAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.QuerySingleOrDefaultAsync<long?>(
            "SELECT completed_at FROM completions WHERE cohort_id = @cohortId AND learner_id = @learnerId", new { cohortId, learnerId });
    }

    /// <summary>
    /// The learners of the set with no completion yet whose ledger holds <paramref name="minutes"/>: a
    /// statement plain enough to cost little more than its round trip.
    /// </summary>
    public static async Task<IReadOnlyList<long>> WithMinutesAsync(DbSession s, long cohortId, int minutes, IReadOnlyList<long> learnerIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(learnerIds);
        var p = new Dapper.DynamicParameters();
        p.Add("cohortId", cohortId);
        p.Add("minutes", (long)minutes);
        return (await s.QueryAsync<long>(
            $"""
            SELECT g.learner_id FROM ledger g
            WHERE g.cohort_id = @cohortId AND {In(p, "l", learnerIds, "g.learner_id")}
            GROUP BY g.learner_id
            HAVING SUM(g.credit_minutes) >= @minutes
               AND NOT EXISTS (SELECT 1 FROM completions d WHERE d.cohort_id = @cohortId AND d.learner_id = g.learner_id)
            """, p)).ToList();
    }

    /// <summary>
    /// The learners of the set with no completion yet who pass every condition of <paramref name="rule"/>
    /// SQL can check cheaply. It may let through someone the full rule then refuses (an exam passed once
    /// whose counted attempt failed, an unknown code); it never keeps out someone the rule would complete.
    /// </summary>
    public static async Task<IReadOnlyList<long>> CandidatesAsync(DbSession s, long cohortId, CompletionRule rule, IReadOnlyList<long> learnerIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(learnerIds);
        var p = new Dapper.DynamicParameters();
        p.Add("cohortId", cohortId);
        p.Add("minutes", (long)rule.MinimumMinutes);
        const string course = "(SELECT course_id FROM cohorts WHERE id = @cohortId)";
        var exams = rule.PostTests is { } examCodes ? In(p, "x", examCodes, "x.code") : ClosingTests("x");
        var surveys = rule.Surveys is { } surveyCodes ? In(p, "v", surveyCodes, "v.code") : "v.retired = 0";
        var required = $"(SELECT COUNT(*) FROM lessons l WHERE l.course_id = {course} AND l.retired = 0 AND l.required = 1)";
        var lessons = required;
        if (rule.RequiredLessons is { } n)
        {
            // The rule's number, or all there are if a re-import left fewer required lessons.
            p.Add("lessons", (long)n);
            lessons = $"CASE WHEN {required} < @lessons THEN {required} ELSE @lessons END";
        }
        // The conditions are in the order that turns learners away soonest: until the last day nearly
        // everyone fails the exam's single probe, and only those who pass the rest have their ledger summed.
        return (await s.QueryAsync<long>(
            $"""
            SELECT e.learner_id FROM enrollments e
            WHERE e.cohort_id = @cohortId AND {In(p, "l", learnerIds, "e.learner_id")}
              AND NOT EXISTS (SELECT 1 FROM completions d WHERE d.cohort_id = e.cohort_id AND d.learner_id = e.learner_id)
              AND NOT EXISTS (SELECT 1 FROM exams x WHERE x.course_id = {course} AND {exams}
                                AND NOT EXISTS (SELECT 1 FROM exam_attempts a WHERE a.cohort_id = e.cohort_id AND a.exam_id = x.id
                                                AND a.learner_id = e.learner_id AND a.passed = 1))
              AND NOT EXISTS (SELECT 1 FROM surveys v WHERE v.course_id = {course} AND {surveys}
                                AND NOT EXISTS (SELECT 1 FROM survey_completions sc WHERE sc.survey_id = v.id AND sc.cohort_id = e.cohort_id
                                                AND sc.learner_id = e.learner_id))
              AND (SELECT COUNT(*) FROM lesson_reads lr JOIN lessons l ON l.id = lr.lesson_id
                   WHERE lr.cohort_id = e.cohort_id AND lr.learner_id = e.learner_id AND l.retired = 0 AND l.required = 1) >= {lessons}
              AND (SELECT COALESCE(SUM(g.credit_minutes), 0) FROM ledger g WHERE g.cohort_id = e.cohort_id AND g.learner_id = e.learner_id) >= @minutes
            """, p)).ToList();
    }

    // ---- what the completion rule is checked against --------------------------------------------

    /// <summary>The course's live required lessons, and how many of them the learner has studied.</summary>
    public static Task<(long Required, long Read)> RequiredLessonsReadAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.QuerySingleAsync<(long Required, long Read)>(
            """
            SELECT (SELECT COUNT(*) FROM lessons l JOIN cohorts c ON c.course_id = l.course_id
                    WHERE c.id = @cohortId AND l.retired = 0 AND l.required = 1),
                   (SELECT COUNT(*) FROM lesson_reads r JOIN lessons l ON l.id = r.lesson_id
                    WHERE r.cohort_id = @cohortId AND r.learner_id = @learnerId AND l.retired = 0 AND l.required = 1)
            """, new { cohortId, learnerId });
    }

    private static readonly string ClosingExams =
        $"SELECT e.code FROM exams e JOIN cohorts c ON c.course_id = e.course_id WHERE c.id = @cohortId AND {ClosingTests("e")} ORDER BY e.code";

    /// <summary>The codes of the exams a rule without post_test asks to pass, by code.</summary>
    public static async Task<IReadOnlyList<string>> ClosingExamCodesAsync(DbSession s, long cohortId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<string>(ClosingExams, new { cohortId })).ToList();
    }

    /// <summary>The title of each of the course's exams, by code.</summary>
    public static async Task<IReadOnlyDictionary<string, LocalizedText>> ExamTitlesAsync(DbSession s, long cohortId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(string Code, string Definition)>(
                "SELECT e.code, e.definition FROM exams e JOIN cohorts c ON c.course_id = e.course_id WHERE c.id = @cohortId", new { cohortId }))
            .ToDictionary(e => e.Code, e => StoredJson.Deserialize<ExamDefinition>(e.Definition).Title, StringComparer.Ordinal);
    }

    /// <summary>The course's live surveys by code, each with whether the learner has submitted it in the cohort.</summary>
    public static async Task<IReadOnlyList<SurveyCondition>> SurveysAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<SurveyRow>(
            """
            SELECT v.code AS Code, v.definition AS Definition,
                   (SELECT COUNT(*) FROM survey_completions x WHERE x.survey_id = v.id AND x.cohort_id = @cohortId AND x.learner_id = @learnerId) AS Submitted
            FROM surveys v JOIN cohorts c ON c.course_id = v.course_id
            WHERE c.id = @cohortId AND v.retired = 0 ORDER BY v.code
            """, new { cohortId, learnerId })).Select(x => x.ToCondition()).ToList();
    }

    // The exams a rule without post_test asks to pass: every live post-test; a course with none closes
    // with its final exam(s) instead, as the statistics read it. Practice tests never count.
    private static string ClosingTests(string x) =>
        $"""
        {x}.retired = 0 AND ({x}.kind = 'post' OR ({x}.kind = 'final'
            AND NOT EXISTS (SELECT 1 FROM exams px WHERE px.course_id = {x}.course_id AND px.kind = 'post' AND px.retired = 0)))
        """;

    // "column IN (@x0, @x1 …)" with one named parameter each; an empty list matches nothing.
    private static string In<T>(Dapper.DynamicParameters p, string prefix, IReadOnlyList<T> values, string column)
    {
        if (values.Count == 0) return "1 = 0";
        var names = new string[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            names[i] = string.Create(CultureInfo.InvariantCulture, $"{prefix}{i}");
            p.Add(names[i], values[i]);
        }
        return $"{column} IN ({string.Join(", ", names.Select(n => "@" + n))})";
    }

    private sealed class SurveyRow
    {
        public string Code { get; init; } = "";
        public string Definition { get; init; } = "";
        public long Submitted { get; init; }

        public SurveyCondition ToCondition() =>
            new(Code, StoredJson.Deserialize<SurveyDefinition>(Definition).Title, Submitted > 0);
    }
}
