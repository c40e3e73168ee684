using System.Globalization;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Credit;

/// <summary>One exam the rule asks to pass, its title (null for a code the course does not have), and the learner's counted result there, if any.</summary>
public sealed record ExamCondition(string Code, CountedResult? Result, LocalizedText? Title = null)
{
    public bool Met => Result is { Passed: true };
}

/// <summary>One survey the rule asks to submit.</summary>
public sealed record SurveyCondition(string Code, LocalizedText? Title, bool Submitted);

/// <summary>Where a learner stands against the course's completion rule.</summary>
/// <param name="CompletedAt">Unix ms of the completion, once recorded.</param>
public sealed record CompletionStatus(
    int RequiredLessonsRead, int RequiredLessonsNeeded,
    IReadOnlyList<ExamCondition> Exams, IReadOnlyList<SurveyCondition> Surveys,
    long Minutes, int MinutesNeeded, long? CompletedAt)
{
    public bool LessonsMet => RequiredLessonsRead >= RequiredLessonsNeeded;

    public bool MinutesMet => Minutes >= MinutesNeeded;

    /// <summary>Every condition holds now (a recorded completion stays recorded even if content changes later).</summary>
    public bool AllMet => LessonsMet && MinutesMet && Exams.All(e => e.Met) && Surveys.All(x => x.Submitted);
}

/// <summary>
/// The course's completion rule (required lessons, post-test pass mark, survey, credit minutes).
/// Called, inside the caller's transaction, after anything that can complete a learner: a finished
/// exam, a submitted survey, a lesson read, and (set-wise, <see cref="CheckAfterCreditAsync"/>) the
/// minutes of quiz answers and check-ins. When the rule is met for the first time it asks
/// <see cref="Certificates"/> to issue the certificate.
/// </summary>
public sealed class Completion(Certificates certificates, ExamResults exams, TimeProvider time)
{
    /// <summary>
    /// Evaluates the rule for one learner; on first completion records it and issues the certificate.
    /// A learner already complete costs one key lookup.
    /// </summary>
    /// <returns>True when this call completed the learner.</returns>
    public async Task<bool> CheckAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (await CompletedAtAsync(s, cohortId, learnerId) is not null) return false;
        var status = await EvaluateAsync(s, cohortId, learnerId);
        if (!status.AllMet) return false;
        // The key decides between two concurrent checks: only the one that inserts issues.
        var inserted = await s.ExecuteAsync(
            """
            INSERT INTO completions (cohort_id, learner_id, completed_at) VALUES (@cohortId, @learnerId, @now)
            ON CONFLICT (cohort_id, learner_id) DO NOTHING
            """, new { cohortId, learnerId, now = time.GetUtcNow().ToUnixTimeMilliseconds() });
        if (inserted == 0) return false;
        await certificates.IssueAsync(s, cohortId, learnerId);
        return true;
    }

    /// <summary>
    /// After credit minutes were recorded for <paramref name="learnerIds"/> in the cohort (quiz answers,
    /// check-ins, a batch of them at a time): completes, and issues the certificate to, each learner for
    /// whom those minutes were the last missing condition. Built for the answer path, where nearly every
    /// learner is far from completion: SQL keeps the learners not yet complete who meet every condition
    /// as far as a few index probes each tell, and only they get the full <see cref="CheckAsync"/>.
    /// </summary>
    public async Task CheckAfterCreditAsync(DbSession s, long cohortId, IReadOnlyCollection<long> learnerIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(learnerIds);
        if (learnerIds.Count == 0) return;
        var rule = (await CourseRulesStore.ForCohortAsync(s, cohortId)).Completion;
        // With no minutes to reach, minutes cannot be the last condition: whatever met the last one checked then.
        if (rule.MinimumMinutes == 0) return;
        // Bounded statements: far below both engines' limits on parameters per statement.
        foreach (var chunk in learnerIds.Distinct().Chunk(500))
        {
            // A few learners (one turn's answer or check-in): the plain minutes filter first, since compiling
            // and planning the full filter costs several times what running the plain one does. A batch:
            // the full filter at once, since summing every learner's ledger is then what costs.
            IReadOnlyList<long> candidates = chunk;
            if (chunk.Length <= FewLearners)
            {
                candidates = await WithMinutesAsync(s, cohortId, rule.MinimumMinutes, chunk);
                if (candidates.Count == 0) continue;
            }
            foreach (var learnerId in await CandidatesAsync(s, cohortId, rule, candidates))
                await CheckAsync(s, cohortId, learnerId);
        }
    }

    // Up to how many learners the minutes filter goes first: about where the two ways cost the same (measured on both engines).
    private const int FewLearners = 16;

    // The learners of the set with no completion yet whose ledger holds the rule's minutes: a statement
    // plain enough to cost little more than its round trip.
    private static async Task<IReadOnlyList<long>> WithMinutesAsync(DbSession s, long cohortId, int minutes, IReadOnlyList<long> learnerIds)
    {
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

    // The learners of the set with no completion yet who pass every condition SQL can check cheaply.
    // It may let through someone the full rule then refuses (an exam passed once whose counted attempt
    // failed, an unknown code); it never keeps out someone the rule would complete. The conditions are
    // in the order that turns learners away soonest: until the last day nearly everyone fails the
    // exam's single probe, and only those who pass the rest have their ledger summed.
    private static async Task<IReadOnlyList<long>> CandidatesAsync(DbSession s, long cohortId, CompletionRule rule, IReadOnlyList<long> learnerIds)
    {
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

    // The exams a rule without post_test asks to pass: every live post-test; a course with none closes
    // with its final exam(s) instead, as the statistics read it. Practice tests never count.
    private static string ClosingTests(string x) =>
        $"""
        {x}.retired = 0 AND ({x}.kind = 'post' OR ({x}.kind = 'final'
            AND NOT EXISTS (SELECT 1 FROM exams px WHERE px.course_id = {x}.course_id AND px.kind = 'post' AND px.retired = 0)))
        """;

    // "column IN (@x0, @x1 …)" with one named parameter each (Dapper expands a list on SQLite but Npgsql
    // sends it as an array, so IN @list is not one SQL for both); an empty list matches nothing.
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

    /// <summary>Each condition of the rule for one learner, as <c>/me</c> shows it.</summary>
    public async Task<CompletionStatus> EvaluateAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var rule = (await CourseRulesStore.ForCohortAsync(s, cohortId)).Completion;
        var p = new { cohortId, learnerId };
        var lessons = await s.QuerySingleAsync<(long Required, long Read)>(
            """
            SELECT (SELECT COUNT(*) FROM lessons l JOIN cohorts c ON c.course_id = l.course_id
                    WHERE c.id = @cohortId AND l.retired = 0 AND l.required = 1),
                   (SELECT COUNT(*) FROM lesson_reads r JOIN lessons l ON l.id = r.lesson_id
                    WHERE r.cohort_id = @cohortId AND r.learner_id = @learnerId AND l.retired = 0 AND l.required = 1)
            """, p);
        var needed = (int)Math.Min(rule.RequiredLessons ?? lessons.Required, lessons.Required);

        var examCodes = rule.PostTests ?? (await s.QueryAsync<string>(
            $"SELECT e.code FROM exams e JOIN cohorts c ON c.course_id = e.course_id WHERE c.id = @cohortId AND {ClosingTests("e")} ORDER BY e.code", p)).ToList();
        var results = examCodes.Count == 0 ? [] : await exams.ForLearnerAsync(s, cohortId, learnerId);
        var titles = examCodes.Count == 0 ? [] : (await s.QueryAsync<(string Code, string Definition)>(
                "SELECT e.code, e.definition FROM exams e JOIN cohorts c ON c.course_id = e.course_id WHERE c.id = @cohortId", p))
            .ToDictionary(e => e.Code, e => StoredJson.Deserialize<ExamDefinition>(e.Definition).Title, StringComparer.Ordinal);
        var examConditions = examCodes.Select(c => new ExamCondition(c, results.FirstOrDefault(r => r.ExamCode == c), titles.GetValueOrDefault(c))).ToList();

        var surveys = (await s.QueryAsync<SurveyRow>(
            """
            SELECT v.code AS Code, v.definition AS Definition,
                   (SELECT COUNT(*) FROM survey_completions x WHERE x.survey_id = v.id AND x.cohort_id = @cohortId AND x.learner_id = @learnerId) AS Submitted
            FROM surveys v JOIN cohorts c ON c.course_id = v.course_id
            WHERE c.id = @cohortId AND v.retired = 0 ORDER BY v.code
            """, p)).ToList();
        var surveyConditions = rule.Surveys is { } codes
            ? codes.Select(code => surveys.FirstOrDefault(x => x.Code == code)?.ToCondition() ?? new SurveyCondition(code, null, false)).ToList()
            : surveys.Select(x => x.ToCondition()).ToList();

        var minutes = rule.MinimumMinutes == 0 ? 0 : await s.ExecuteScalarAsync<long>(
            "SELECT CAST(COALESCE(SUM(credit_minutes), 0) AS BIGINT) FROM ledger WHERE cohort_id = @cohortId AND learner_id = @learnerId", p);
        return new CompletionStatus((int)lessons.Read, needed, examConditions, surveyConditions, minutes, rule.MinimumMinutes,
            await CompletedAtAsync(s, cohortId, learnerId));
    }

    private static Task<long?> CompletedAtAsync(DbSession s, long cohortId, long learnerId) =>
        s.QuerySingleOrDefaultAsync<long?>(
            "SELECT completed_at FROM completions WHERE cohort_id = @cohortId AND learner_id = @learnerId", new { cohortId, learnerId });

    private sealed class SurveyRow
    {
        public string Code { get; init; } = "";
        public string Definition { get; init; } = "";
        public long Submitted { get; init; }

        public SurveyCondition ToCondition() =>
            new(Code, StoredJson.Deserialize<SurveyDefinition>(Definition).Title, Submitted > 0);
    }
}
