using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Learning;

public class QuestionTests
{
    private static Question Make(QuestionType type, int[] correct, string[]? accepted = null, int options = 4) => new(
        "q1", "t", type, Difficulty.Medium, LocalizedText.Of("?"),
        Enumerable.Range(0, type is QuestionType.Single or QuestionType.Multiple ? options : 0).Select(i => LocalizedText.Of($"o{i}")).ToList(),
        correct, accepted ?? [], null);

    [Fact]
    public void Single_choice_is_right_only_with_the_correct_option()
    {
        var q = Make(QuestionType.Single, [2]);
        Assert.True(q.Grade(Response.Choose(2)).Correct);
        Assert.False(q.Grade(Response.Choose(1)).Correct);
        Assert.False(q.Grade(Response.Choose(1, 2)).Correct);
        Assert.False(q.Grade(Response.Typed("c")).Correct);
    }

    [Fact]
    public void Multiple_choice_needs_exactly_the_correct_set_in_any_order()
    {
        var q = Make(QuestionType.Multiple, [0, 3]);
        Assert.True(q.Grade(Response.Choose(3, 0)).Correct);
        Assert.False(q.Grade(Response.Choose(0)).Correct);
        Assert.False(q.Grade(Response.Choose(0, 1, 3)).Correct);
        Assert.Equal(1m, q.Grade(Response.Choose(0, 3)).Score);
        Assert.Equal(0m, q.Grade(Response.Choose(0)).Score);
    }

    [Fact]
    public void True_false_uses_option_0_for_true()
    {
        var q = Make(QuestionType.TrueFalse, [1]);
        Assert.Equal(2, q.OptionCount);
        Assert.True(q.Grade(Response.Choose(1)).Correct);
        Assert.False(q.Grade(Response.Choose(0)).Correct);
    }

    [Fact]
    public void Fill_in_accepts_any_listed_answer_after_normalisation()
    {
        var q = Make(QuestionType.Fill, [], ["2FA", "two-factor authentication", "双因素认证"]);
        Assert.True(q.Grade(Response.Typed("２ＦＡ")).Correct);
        Assert.True(q.Grade(Response.Typed("Two factor authentication.")).Correct);
        Assert.True(q.Grade(Response.Typed("双因素 认证。")).Correct);
        Assert.False(q.Grade(Response.Typed("password")).Correct);
        Assert.False(q.Grade(Response.Choose(0)).Correct);
    }

    [Theory]
    [InlineData("0,2")]
    [InlineData("=Hà Nội, 2026")]
    [InlineData("")]
    public void Responses_round_trip_through_storage_form(string encoded) =>
        Assert.Equal(encoded, Response.Decode(encoded).Encode());
}
