using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Learning;

public class PhoneNumberTests
{
    [Theory]
    [InlineData("+84 912 345 678", "+84912345678")]
    [InlineData("+84-913-000-111", "+84913000111")]
    [InlineData("+86 138 0013 8000", "+8613800138000")]
    [InlineData("(+84) 912.345.678", "+84912345678")]
    [InlineData("0084912345678", "+84912345678")]
    [InlineData(" +4915112345678 ", "+4915112345678")]
    public void Reads_international_forms_as_E164(string input, string expected)
    {
        Assert.True(PhoneNumber.TryNormalize(input, out var e164));
        Assert.Equal(expected, e164);
    }

    [Theory]
    [InlineData("0912345678")]          // national form: no country code
    [InlineData("+84 912 ABC 678")]
    [InlineData("+1234567")]            // too short
    [InlineData("+1234567890123456")]   // more than 15 digits
    [InlineData("+0912345678")]
    [InlineData("+84+912345678")]
    [InlineData("")]
    public void Refuses_what_is_not_an_international_number(string input) =>
        Assert.False(PhoneNumber.TryNormalize(input, out _));

    [Fact]
    public void Masks_all_but_the_country_code_and_last_three_digits() =>
        Assert.Equal("+84******678", PhoneNumber.Mask("+84912345678"));
}
