using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Credit;
using Academy.Learning.Surveys;

namespace Academy.Learning.Exams;

/// <summary>The attempt that counts for one learner at one exam, as the exam's rule chooses it.</summary>
/// <param name="Kind">pre | post | final | practice.</param>
/// <param name="Score">Percent, 0–100.</param>
/// <param name="Attempts">Finished attempts the learner made at this exam.</param>
public sealed record CountedResult(
    long ExamId, string ExamCode, string Kind, long LearnerId, long AttemptId, double Score, bool Passed,
    long FinishedAt, int Attempts);

/// <summary>
/// Which attempt counts, in one place: the dashboard, the digests, <c>/me</c>, completion and
/// certificates all read exam results through here, so they never disagree. Only finished attempts
/// count; "best" takes the highest score (the earlier on a tie), "first" the first, "last" the latest.
/// </summary>
public sealed class ExamResults
{
    /// <summary>The counted result of every learner at every exam of the cohort's course.</summary>
    public async Task<IReadOnlyList<CountedResult>> ForCohortAsync(DbSession s, long cohortId) =>
        Choose(await s.QueryAsync<Row>(Sql + " AND a.cohort_id = @cohortId", new { cohortId }));

    /// <summary>The counted result of one learner at each exam they finished in the cohort.</summary>
    public async Task<IReadOnlyList<CountedResult>> ForLearnerAsync(DbSession s, long cohortId, long learnerId) =>
        Choose(await s.QueryAsync<Row>(Sql + " AND a.cohort_id = @cohortId AND a.learner_id = @learnerId",
            new { cohortId, learnerId }));

    private const string Sql = """
        SELECT e.id AS ExamId, e.code AS ExamCode, e.kind AS Kind, e.counts AS Counts,
               a.learner_id AS LearnerId, a.id AS AttemptId, a.number AS Number,
               a.score AS Score, a.passed AS Passed, a.finished_at AS FinishedAt
        FROM exam_attempts a JOIN exams e ON e.id = a.exam_id
        WHERE a.finished_at IS NOT NULL
        """;

    private static List<CountedResult> Choose(IEnumerable<Row> rows) =>
        rows.GroupBy(r => (r.ExamId, r.LearnerId))
            .Select(g =>
            {
                var ordered = g.OrderBy(r => r.Number).ToList();
                var chosen = ordered[0].Counts switch
                {
                    "first" => ordered[0],
                    "last" => ordered[^1],
                    _ => ordered.OrderByDescending(r => r.Score ?? 0).ThenBy(r => r.Number).First(),
                };
                return new CountedResult(chosen.ExamId, chosen.ExamCode, chosen.Kind, chosen.LearnerId, chosen.AttemptId,
                    chosen.Score ?? 0, chosen.Passed == 1, chosen.FinishedAt ?? 0, ordered.Count);
            })
            .OrderBy(r => r.ExamCode, StringComparer.Ordinal).ThenBy(r => r.LearnerId)
            .ToList();

    private sealed record Row(long ExamId, string ExamCode, string Kind, string Counts, long LearnerId, long AttemptId,
        long Number, double? Score, long? Passed, long? FinishedAt);
}
