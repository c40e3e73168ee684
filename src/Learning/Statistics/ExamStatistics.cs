using Academy.Learning.Assessment;
using Academy.Learning.Storage;

namespace Academy.Learning.Statistics;

/// <summary>How many counted scores fall in each band: exactly 100, 90–99.9, 80–89.9, 60–79.9, under 60.</summary>
public sealed record ScoreBands(int Perfect, int Ninety, int Eighty, int Sixty, int Below)
{
    public static ScoreBands Of(IEnumerable<double> scores)
    {
        int p = 0, n = 0, e = 0, s = 0, b = 0;
        foreach (var score in scores)
        {
            if (score >= 100) p++;
            else if (score >= 90) n++;
            else if (score >= 80) e++;
            else if (score >= 60) s++;
            else b++;
        }
        return new(p, n, e, s, b);
    }

    /// <summary>"3 / 5 / 2 / 1 / 0", in the order 100, ≥90, ≥80, ≥60, &lt;60.</summary>
    public override string ToString() => $"{Perfect} / {Ninety} / {Eighty} / {Sixty} / {Below}";
}

/// <summary>One exam's figures over a set of enrolled learners (a group or a cohort).</summary>
/// <param name="Enrolled">Learners (role learner) in the scope.</param>
/// <param name="Took">Of those, learners with a counted (finished) attempt.</param>
public sealed record ExamFigures(long ExamId, string ExamCode, string Kind, int Enrolled, int Took, double? Average, double? PassRate, ScoreBands Bands)
{
    public double? Participation => Enrolled == 0 ? null : (double)Took / Enrolled;
}

/// <summary>
/// How hard one question was: <see cref="ShareCorrect"/> is the mean of its 0–1 scores over the
/// counted attempts that answered it (partial credit counts in part), so 0.3 is hard, 0.9 easy.
/// </summary>
public sealed record QuestionDifficulty(long ExamId, string ExamCode, long QuestionId, string QuestionCode, int Answered, double ShareCorrect);

/// <summary>One learner's pre-test and post-test scores (percent) and the gain between them.</summary>
public sealed record LearnerPrePost(long LearnerId, string Name, long? GroupId, double? Pre, double? Post)
{
    public double? Gain => Pre is { } pre && Post is { } post ? post - pre : null;
}

/// <summary>The exam figures of a cohort or of one of its groups.</summary>
public sealed record ExamReport(IReadOnlyList<ExamFigures> Exams, IReadOnlyList<QuestionDifficulty> Questions, IReadOnlyList<LearnerPrePost> Learners)
{
    /// <summary>Whether any learner in scope has a counted result.</summary>
    public bool HasResults => Exams.Any(e => e.Took > 0);

    /// <summary>Learners who took both the pre-test and the post-test.</summary>
    public IReadOnlyList<LearnerPrePost> BothTaken => Learners.Where(l => l.Gain is not null).ToList();
}

/// <summary>
/// Exam statistics for the dashboard, the digests and the exports. Every figure is computed from
/// <see cref="ExamResults"/>' counted attempts, so the dashboard never disagrees with /me or completion.
/// The post-test is the exam of kind <c>post</c> (else <c>final</c>); the pre-test the one of kind <c>pre</c>.
/// </summary>
public sealed class ExamStatistics(ExamResults results)
{
    private static readonly string[] KindOrder = ["pre", "post", "final", "practice"];

    /// <param name="groups">The groups to count (a liaison's); null: the whole cohort.</param>
    public async Task<ExamReport> ForCohortAsync(DbSession s, long cohortId, IReadOnlyCollection<long>? groups = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        var learners = (await s.QueryAsync<(long, string, long?)>(
            """
            SELECT e.learner_id, l.name, e.group_id FROM enrollments e JOIN learners l ON l.id = e.learner_id
            WHERE e.cohort_id = @cohortId AND e.role = 'learner'
            ORDER BY l.name, e.learner_id
            """, new { cohortId })).Where(l => groups is null || (l.Item3 is { } g && groups.Contains(g))).ToList();
        var inScope = learners.Select(l => l.Item1).ToHashSet();
        var counted = (await results.ForCohortAsync(s, cohortId)).Where(r => inScope.Contains(r.LearnerId)).ToList();
        var exams = (await s.QueryAsync<(long, string, string)>(
            "SELECT e.id, e.code, e.kind FROM exams e JOIN cohorts c ON c.course_id = e.course_id WHERE c.id = @cohortId",
            new { cohortId })).ToList();

        var figures = exams
            .OrderBy(e => Array.IndexOf(KindOrder, e.Item3) is var i && i < 0 ? KindOrder.Length : i).ThenBy(e => e.Item2, StringComparer.Ordinal)
            .Select(e =>
            {
                var scores = counted.Where(r => r.ExamId == e.Item1).ToList();
                return new ExamFigures(e.Item1, e.Item2, e.Item3, inScope.Count, scores.Count,
                    scores.Count == 0 ? null : scores.Average(r => r.Score),
                    scores.Count == 0 ? null : (double)scores.Count(r => r.Passed) / scores.Count,
                    ScoreBands.Of(scores.Select(r => r.Score)));
            })
            .ToList();

        var attemptIds = counted.Select(r => r.AttemptId).ToHashSet();
        var answers = (await s.QueryAsync<AnswerRow>(
            """
            SELECT a.id AS AttemptId, a.exam_id AS ExamId, x.question_id AS QuestionId, q.code AS QuestionCode, x.score AS Score
            FROM exam_answers x JOIN exam_attempts a ON a.id = x.attempt_id JOIN questions q ON q.id = x.question_id
            WHERE a.cohort_id = @cohortId AND a.finished_at IS NOT NULL
            """, new { cohortId })).Where(a => attemptIds.Contains(a.AttemptId)).ToList();
        var codes = exams.ToDictionary(e => e.Item1, e => e.Item2);
        var questions = answers
            .GroupBy(a => (a.ExamId, a.QuestionId, a.QuestionCode))
            .Select(g => new QuestionDifficulty(g.Key.ExamId, codes.GetValueOrDefault(g.Key.ExamId, ""), g.Key.QuestionId, g.Key.QuestionCode,
                g.Count(), g.Average(a => a.Score)))
            .OrderBy(q => q.ShareCorrect).ThenBy(q => q.ExamCode, StringComparer.Ordinal).ThenBy(q => q.QuestionCode, StringComparer.Ordinal)
            .ToList();

        var pre = PickExam(exams, "pre");
        var post = PickExam(exams, "post") ?? PickExam(exams, "final");
        var byLearner = counted.ToLookup(r => r.LearnerId);
        var perLearner = learners
            .Select(l => new LearnerPrePost(l.Item1, l.Item2, l.Item3,
                byLearner[l.Item1].FirstOrDefault(r => r.ExamId == pre)?.Score,
                byLearner[l.Item1].FirstOrDefault(r => r.ExamId == post)?.Score))
            .ToList();
        return new ExamReport(figures, questions, perLearner);
    }

    private static long? PickExam(List<(long Id, string Code, string Kind)> exams, string kind) =>
        exams.Where(e => e.Kind == kind).OrderBy(e => e.Code, StringComparer.Ordinal).Select(e => (long?)e.Id).FirstOrDefault();

    private sealed record AnswerRow(long AttemptId, long ExamId, long QuestionId, string QuestionCode, double Score);
}
