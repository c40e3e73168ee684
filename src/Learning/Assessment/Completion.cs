using Academy.Learning.Model;
using Academy.Learning.Storage;

namespace Academy.Learning.Assessment;

/// <summary>One exam the rule asks to pass, and the learner's counted result there, if any.</summary>
public sealed record ExamCondition(string Code, CountedResult? Result)
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
/// exam, a submitted survey, a lesson read. When the rule is met for the first time it asks
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
            "SELECT e.code FROM exams e JOIN cohorts c ON c.course_id = e.course_id WHERE c.id = @cohortId AND e.kind = 'post' AND e.retired = 0 ORDER BY e.code", p)).ToList();
        var results = examCodes.Count == 0 ? [] : await exams.ForLearnerAsync(s, cohortId, learnerId);
        var examConditions = examCodes.Select(c => new ExamCondition(c, results.FirstOrDefault(r => r.ExamCode == c))).ToList();

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
