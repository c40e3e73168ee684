using Academy.Learning.Model;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Exams;

/// <summary>The draw: uniform within each rule, never a question twice, reproducible from the stored seed; partial credit.</summary>
public sealed class ExamDrawTests
{
    private static Question Q(string id, string topic, QuestionType type = QuestionType.Single) =>
        new(id, topic, type, Difficulty.Medium, LocalizedText.Of(id), [LocalizedText.Of("a"), LocalizedText.Of("b"), LocalizedText.Of("c"), LocalizedText.Of("d")],
            type == QuestionType.Multiple ? [0, 2] : [0], [], null);

    // 60 questions in five topics of 12, plus 4 excluded from the big pool.
    private static readonly IReadOnlyList<Question> Bank =
        [.. Enumerable.Range(0, 64).Select(i => Q($"q{i:00}", $"t{i % 5}"))];

    private static ExamDefinition Exam(params DrawRule[] rules) => new("x", ExamKind.Post, LocalizedText.Of("X"), rules,
        TimeSpan.FromMinutes(10), 70, 1, CountedAttempt.Best, MultipleScoring.AllOrNothing, ExamWindow.Always, 0);

    [Fact]
    public void Twenty_of_sixty_is_uniform_over_the_pool_and_never_repeats()
    {
        var rule = new DrawRule(20, ["t0", "t1", "t2", "t3", "t4"], [], ["q00", "q01", "q02", "q03"]);
        var exam = Exam(rule);
        var pool = rule.Pool(Bank);
        Assert.Equal(60, pool.Count);
        var counts = pool.ToDictionary(id => id, _ => 0);
        const int draws = 6000;
        for (long seed = 1; seed <= draws; seed++)
        {
            var drawn = ExamDraw.Draw(exam, Bank, seed * 7919);
            Assert.Equal(20, drawn.Count);
            Assert.Equal(20, drawn.Distinct().Count());
            foreach (var id in drawn) counts[id]++; // throws for an excluded question
        }
        AssertUniform(counts.Values, draws * 20.0 / 60);
    }

    [Fact]
    public void Per_topic_counts_are_met_and_uniform_within_each_topic()
    {
        var rules = Enumerable.Range(0, 5).Select(t => new DrawRule(t == 0 ? 4 : 2, [$"t{t}"], [], [])).ToArray();
        var exam = Exam(rules);
        var counts = Bank.ToDictionary(q => q.Id, _ => 0);
        const int draws = 4000;
        for (long seed = 0; seed < draws; seed++)
        {
            var drawn = ExamDraw.Draw(exam, Bank, seed);
            Assert.Equal(12, drawn.Distinct().Count());
            var byTopic = drawn.GroupBy(id => Bank.Single(q => q.Id == id).Topic).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(4, byTopic["t0"]);
            for (int t = 1; t < 5; t++) Assert.Equal(2, byTopic[$"t{t}"]);
            foreach (var id in drawn) counts[id]++;
        }
        for (int t = 0; t < 5; t++)
        {
            var topic = Bank.Where(q => q.Topic == $"t{t}").Select(q => counts[q.Id]).ToList();
            AssertUniform(topic, draws * (t == 0 ? 4.0 : 2.0) / topic.Count);
        }
    }

    [Fact]
    public void The_stored_seed_reconstructs_the_attempt_and_other_seeds_differ()
    {
        var exam = Exam(new DrawRule(20, ["t0", "t1", "t2", "t3", "t4"], [], []));
        Assert.Equal(ExamDraw.Draw(exam, Bank, 42), ExamDraw.Draw(exam, Bank, 42));
        Assert.NotEqual(ExamDraw.Draw(exam, Bank, 42), ExamDraw.Draw(exam, Bank, 43));
    }

    [Fact]
    public void Multiple_answers_score_all_or_nothing_by_default_and_per_option_when_the_pack_says_so()
    {
        var q = Q("m", "t0", QuestionType.Multiple); // correct: a and c
        Assert.Equal(0m, q.Grade(Response.Choose(0), MultipleScoring.AllOrNothing).Score);
        Assert.Equal(1m, q.Grade(Response.Choose(0, 2), MultipleScoring.PerOption).Score);
        Assert.Equal(0.5m, q.Grade(Response.Choose(0), MultipleScoring.PerOption).Score);
        Assert.Equal(0.5m, q.Grade(Response.Choose(0, 2, 1), MultipleScoring.PerOption).Score);
        Assert.Equal(0m, q.Grade(Response.Choose(1, 3), MultipleScoring.PerOption).Score);
        Assert.Equal(0m, q.Grade(Response.Choose(0, 1, 3), MultipleScoring.PerOption).Score);
    }

    // Pearson's chi-square against the uniform expectation; 3.5 standard deviations above the
    // degrees of freedom fails a biased draw while a fair one passes essentially always.
    private static void AssertUniform(IEnumerable<int> observed, double expected)
    {
        var list = observed.ToList();
        var chi2 = list.Sum(o => (o - expected) * (o - expected) / expected);
        var df = list.Count - 1;
        Assert.True(chi2 < df + 3.5 * Math.Sqrt(2 * df), $"chi-square {chi2:F1} with {df} degrees of freedom");
        Assert.All(list, o => Assert.InRange(o, expected * 0.75, expected * 1.25));
    }
}
