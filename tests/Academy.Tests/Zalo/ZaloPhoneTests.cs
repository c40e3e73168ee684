using Academy.BotHost.Channels.Zalo.ZaloProtocol;

namespace Academy.Tests.Zalo;

/// <summary>
/// The forms a Vietnamese number takes — Zalo's <c>84…</c>, the domestic <c>0…</c>, typed with spaces, dots,
/// brackets or a stray trunk zero — all land on the roster's E.164 form; what is not a number says why.
/// </summary>
public class ZaloPhoneTests
{
    [Theory]
    [InlineData("84912345678")]
    [InlineData("0912345678")]
    [InlineData("0912 345 678")]
    [InlineData("0912.345.678")]
    [InlineData("091-234-5678")]
    [InlineData("+84912345678")]
    [InlineData("+84 912 345 678")]
    [InlineData("(+84) 912-345-678")]
    [InlineData("(+84) 0912 345 678")]
    [InlineData("0084912345678")]
    [InlineData("840912345678")]
    [InlineData(" 0912\u00A0345\u00A0678 ")]
    public void Every_form_of_a_vietnamese_mobile_is_the_same_number(string typed)
    {
        Assert.True(ZaloPhone.TryParse(typed, out var phone, out var problem), problem);
        Assert.Equal("+84912345678", phone.E164);
        Assert.Equal("84912345678", phone.Zalo);
        Assert.Equal("0912345678", phone.National);
        Assert.True(phone.IsVietnamese);
    }

    [Fact]
    public void A_hanoi_landline_has_ten_digits_after_the_zero()
    {
        Assert.True(ZaloPhone.TryParse("024 3825 1234", out var phone));
        Assert.Equal("+842438251234", phone.E164);
        Assert.True(ZaloPhone.TryParse("842438251234", out var same));
        Assert.Equal(phone, same);
    }

    [Fact]
    public void A_foreign_number_with_its_country_code_is_kept()
    {
        Assert.True(ZaloPhone.TryParse("+86 138 0013 8000", out var phone));
        Assert.Equal("+8613800138000", phone.E164);
        Assert.False(phone.IsVietnamese);
        Assert.Equal("+8613800138000", phone.National);
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("  ", "empty")]
    [InlineData("0912abc678", "not digits")]
    [InlineData("912345678", "leading 0")]
    [InlineData("091234567", "wrong number of digits")]
    [InlineData("091234567890", "wrong number of digits")]
    [InlineData("+8491234", "wrong number of digits")]
    [InlineData("+1 23", "international")]
    public void What_is_not_a_number_says_why(string? typed, string why)
    {
        Assert.False(ZaloPhone.TryParse(typed, out var phone, out var problem));
        Assert.Null(phone);
        Assert.Contains(why, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_number_is_masked_when_written_to_a_log()
    {
        Assert.True(ZaloPhone.TryParse("0912345678", out var phone));
        Assert.DoesNotContain("912345", phone.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("912345", $"{phone}", StringComparison.Ordinal);
    }
}
