using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.BotHost.Features.Exams;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Exams;

/// <summary>The review at the end: in the learner's language, every question with its verdict and correct answer, split when long.</summary>
public sealed class ExamReviewTests
{
    private static Question Q(int i, QuestionType type) => new($"q{i}", "t", type, Difficulty.Medium,
        new LocalizedText([new("en", $"Question {i} " + new string('x', 100)), new("vi", $"Câu hỏi {i} " + new string('x', 100))]),
        type is QuestionType.Single or QuestionType.Multiple ? [LocalizedText.Of("Alpha"), LocalizedText.Of("Beta"), LocalizedText.Of("Gamma")] : [],
        type switch { QuestionType.Multiple => [0, 2], QuestionType.TrueFalse => [1], QuestionType.Fill => [], _ => [1] },
        type == QuestionType.Fill ? ["mật khẩu"] : [], null);

    private static ExamReview Review(int count)
    {
        var exam = new StoredExam(1, 1, new ExamDefinition("post", ExamKind.Post, new LocalizedText([new("en", "Post-test"), new("vi", "Kiểm tra đầu ra")]),
            [new DrawRule(count, ["t"], [], [])], TimeSpan.FromMinutes(30), 70, 2, CountedAttempt.Best, MultipleScoring.PerOption, ExamWindow.Always, 0));
        var types = new[] { QuestionType.Single, QuestionType.Multiple, QuestionType.TrueFalse, QuestionType.Fill };
        var items = Enumerable.Range(0, count).Select(i => (i % 4) switch
        {
            0 => new ReviewItem(i, Q(i, types[0]), Response.Choose(1), 1),
            1 => new ReviewItem(i, Q(i, types[1]), Response.Choose(0), 0.5),
            2 => new ReviewItem(i, Q(i, types[2]), Response.Choose(0), 0),
            _ => new ReviewItem(i, Q(i, types[3]), null, 0),
        }).ToList();
        var attempt = new ExamAttempt(1, 1, 1, 1, 1, 7, [.. Enumerable.Range(1, count).Select(i => (long)i)], DateTimeOffset.UnixEpoch,
            DateTimeOffset.UnixEpoch.AddMinutes(30), count, DateTimeOffset.UnixEpoch.AddMinutes(20), 37.5, false, [], null, "vi", null);
        return new ExamReview(exam, attempt, items, 1);
    }

    [Fact]
    public void The_review_gives_score_verdict_attempts_left_and_each_answer_in_the_learners_language()
    {
        var vi = Catalog.Default.For("vi");
        var parts = ExamMessages.Result(Review(4), vi);
        var text = Assert.Single(parts);
        var lines = text.Split('\n');
        Assert.Equal(vi.Get("exam.result", ("title", "Kiểm tra đầu ra"), ("score", "37.5"), ("verdict", vi["exam.failed"]), ("pass", "70"), ("left", 1)), lines[0]);
        Assert.StartsWith("✅ 1. Câu hỏi 0", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("🟡 2. Câu hỏi 1", lines[4], StringComparison.Ordinal);
        Assert.EndsWith("(50%) — đáp án đúng: Alpha; Gamma", lines[4], StringComparison.Ordinal);
        Assert.EndsWith("— đáp án đúng: " + vi["quiz.false"], lines[5], StringComparison.Ordinal);
        Assert.EndsWith("chưa trả lời; đáp án đúng: mật khẩu", lines[6], StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_review_is_split_into_messages_every_channel_can_send_without_losing_a_line()
    {
        var parts = ExamMessages.Result(Review(100), Catalog.Default.For("en"));
        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.True(p.Length <= 3500, $"{p.Length} characters"));
        var lines = parts.SelectMany(p => p.Split('\n')).Where(l => l.Length > 0).ToList();
        Assert.Equal(100, lines.Count(l => l[0] is '✅' or '❌' or '⏹' || l.StartsWith("🟡", StringComparison.Ordinal)));
    }
}
