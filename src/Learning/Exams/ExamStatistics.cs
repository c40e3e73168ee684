using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Credit;
using Academy.Learning.Surveys;
using Academy.Learning.Statistics;

namespace Academy.Learning.Exams;

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
/// <param name="Title">The exam's title, as learners see it.</param>
public sealed record ExamFigures(long ExamId, string ExamCode, string Kind, int Enrolled, int Took, double? Average, double? PassRate, ScoreBands Bands,
    LocalizedText? Title = null)
{
    public double? Participation => Enrolled == 0 ? null : (double)Took / Enrolled;
}

/// <summary>
/// How hard one question was: <see cref="ShareCorrect"/> is the mean of its 0–1 scores over the
/// counted attempts that answered it (partial credit counts in part), so 0.3 is hard, 0.9 easy.
/// </summary>
public sealed record QuestionDifficulty(long ExamId, string ExamCode, long QuestionId, string QuestionCode, int Answered, double ShareCorrect,
    LocalizedText Text);

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
        var data = await LoadAsync(s, cohortId);
        return data.Report(data.Learners.Where(l => groups is null || (l.GroupId is { } g && groups.Contains(g))));
    }

    /// <summary>The cohort's report and each group's, from one read (the digests of thousands of groups).</summary>
    public async Task<(ExamReport Cohort, IReadOnlyDictionary<long, ExamReport> Groups)> ByGroupAsync(DbSession s, long cohortId)
    {
        var data = await LoadAsync(s, cohortId);
        var groups = data.Learners.Where(l => l.GroupId is not null).GroupBy(l => l.GroupId!.Value)
            .ToDictionary(g => g.Key, g => data.Report(g));
        return (data.Report(data.Learners), groups);
    }

    private async Task<Data> LoadAsync(DbSession s, long cohortId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var learners = (await s.QueryAsync<(long, string, long?)>(
            """
            SELECT e.learner_id, l.name, e.group_id FROM enrollments e JOIN learners l ON l.id = e.learner_id
            WHERE e.cohort_id = @cohortId AND e.role = 'learner'
            ORDER BY l.name, e.learner_id
            """, new { cohortId })).Select(l => new Enrolled(l.Item1, l.Item2, l.Item3)).ToList();
        var counted = (await results.ForCohortAsync(s, cohortId)).ToLookup(r => r.LearnerId);
        var exams = (await s.QueryAsync<(long, string, string, string)>(
            "SELECT e.id, e.code, e.kind, e.definition FROM exams e JOIN cohorts c ON c.course_id = e.course_id WHERE c.id = @cohortId AND e.retired = 0",
            new { cohortId })).Select(e => new Exam(e.Item1, e.Item2, e.Item3, StoredJson.Deserialize<ExamDefinition>(e.Item4).Title))
            .OrderBy(e => Array.IndexOf(KindOrder, e.Kind) is var i && i < 0 ? KindOrder.Length : i).ThenBy(e => e.Code, StringComparer.Ordinal)
            .ToList();
        var answers = (await s.QueryAsync<AnswerRow>(
            """
            SELECT a.id AS AttemptId, a.exam_id AS ExamId, x.question_id AS QuestionId, q.code AS QuestionCode, x.score AS Score
            FROM exam_answers x JOIN exam_attempts a ON a.id = x.attempt_id JOIN questions q ON q.id = x.question_id
            WHERE a.cohort_id = @cohortId AND a.finished_at IS NOT NULL
            """, new { cohortId })).ToLookup(a => a.AttemptId);
        // The digests name the hardest questions by their text; an exam draws from a bank of at most a few hundred.
        var questionIds = answers.SelectMany(a => a).Select(a => a.QuestionId).Distinct().ToList();
        var texts = questionIds.Count == 0 ? new Dictionary<long, LocalizedText>() : (await s.QueryAsync<(long Id, string Payload)>(
            "SELECT id, payload FROM questions WHERE id IN @questionIds", new { questionIds = SqlList.Of(questionIds) }))
            .ToDictionary(r => r.Id, r => StoredJson.Deserialize<QuestionPayload>(r.Payload).Text);
        return new Data(learners, counted, exams, answers, texts);
    }

    private sealed record Enrolled(long LearnerId, string Name, long? GroupId);

    private sealed record Exam(long Id, string Code, string Kind, LocalizedText Title);

    private sealed record Data(List<Enrolled> Learners, ILookup<long, CountedResult> Counted, List<Exam> Exams, ILookup<long, AnswerRow> Answers,
        IReadOnlyDictionary<long, LocalizedText> Texts)
    {
        public ExamReport Report(IEnumerable<Enrolled> scope)
        {
            var learners = scope.ToList();
            var counted = learners.SelectMany(l => Counted[l.LearnerId]).ToList();
            var figures = Exams.Select(e =>
            {
                var scores = counted.Where(r => r.ExamId == e.Id).ToList();
                return new ExamFigures(e.Id, e.Code, e.Kind, learners.Count, scores.Count,
                    scores.Count == 0 ? null : scores.Average(r => r.Score),
                    scores.Count == 0 ? null : (double)scores.Count(r => r.Passed) / scores.Count,
                    ScoreBands.Of(scores.Select(r => r.Score)), e.Title);
            }).ToList();

            var codes = Exams.ToDictionary(e => e.Id, e => e.Code);
            var questions = counted.SelectMany(r => Answers[r.AttemptId])
                .GroupBy(a => (a.ExamId, a.QuestionId, a.QuestionCode))
                .Select(g => new QuestionDifficulty(g.Key.ExamId, codes.GetValueOrDefault(g.Key.ExamId, ""), g.Key.QuestionId, g.Key.QuestionCode,
                    g.Count(), g.Average(a => a.Score), Texts.GetValueOrDefault(g.Key.QuestionId) ?? LocalizedText.Of(g.Key.QuestionCode)))
                .OrderBy(q => q.ShareCorrect).ThenBy(q => q.ExamCode, StringComparer.Ordinal).ThenBy(q => q.QuestionCode, StringComparer.Ordinal)
                .ToList();

            var pre = PickExam(Exams, "pre");
            var post = PickExam(Exams, "post") ?? PickExam(Exams, "final");
            var perLearner = learners
                .Select(l => new LearnerPrePost(l.LearnerId, l.Name, l.GroupId,
                    Counted[l.LearnerId].FirstOrDefault(r => r.ExamId == pre)?.Score,
                    Counted[l.LearnerId].FirstOrDefault(r => r.ExamId == post)?.Score))
                .ToList();
            return new ExamReport(figures, questions, perLearner);
        }
    }

    private static long? PickExam(List<Exam> exams, string kind) =>
        exams.Where(e => e.Kind == kind).OrderBy(e => e.Code, StringComparer.Ordinal).Select(e => (long?)e.Id).FirstOrDefault();

    private sealed record AnswerRow(long AttemptId, long ExamId, long QuestionId, string QuestionCode, double Score);
}
