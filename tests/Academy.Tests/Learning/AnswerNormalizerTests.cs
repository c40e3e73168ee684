using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Learning;

public class AnswerNormalizerTests
{
    [Theory]
    [InlineData("Two-Factor Authentication", "two factor authentication")]
    [InlineData("ＡＢＣ１２３", "abc123")]                 // full-width letters and digits
    [InlineData("  hello    world  ", "hello world")]      // runs of spaces
    [InlineData("Hello, world!", "hello world")]
    [InlineData("密码。", "密码")]                           // CJK full stop
    [InlineData("「双因素」认证！", "双因素认证")]            // CJK brackets and exclamation
    [InlineData("双 因素 认证", "双因素认证")]                 // spaces between Chinese characters
    [InlineData("Hà Nội", "hà nội")]
    public void Equivalent_answers_match(string typed, string accepted) =>
        Assert.True(AnswerNormalizer.Equivalent(typed, accepted), $"'{typed}' should match '{accepted}'");

    [Fact]
    public void Vietnamese_typed_with_combining_marks_matches_precomposed()
    {
        var decomposed = "Ha\u0300 No\u0302\u0323i"; // "Hà Nội" as a phone keyboard may send it
        Assert.True(AnswerNormalizer.Equivalent(decomposed, "Hà Nội"));
    }

    [Theory]
    [InlineData("Ha Noi", "Hà Nội")]   // diacritics distinguish Vietnamese words: kept
    [InlineData("ma", "má")]
    [InlineData("password", "passwords")]
    [InlineData("密码", "密钥")]
    public void Different_answers_do_not_match(string typed, string accepted) =>
        Assert.False(AnswerNormalizer.Equivalent(typed, accepted), $"'{typed}' should not match '{accepted}'");
}
