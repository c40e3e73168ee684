using System.Diagnostics.CodeAnalysis;
using System.Text;
using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Channels.Zalo.ZaloProtocol;

/// <summary>
/// A phone number as Zalo hands it over or a Vietnamese learner types it, in the roster's E.164 form.
/// Zalo writes <c>84912345678</c> (country code, no plus, no trunk zero); people write <c>0912 345 678</c>,
/// <c>+84 912 345 678</c> or <c>(+84) 0912.345.678</c>. All of them are <c>+84912345678</c>. Other countries'
/// numbers are accepted with their <c>+</c> or <c>00</c> prefix and left as they are.
/// </summary>
public sealed record ZaloPhone
{
    private ZaloPhone(string e164) => E164 = e164;

    /// <summary><c>+84912345678</c>: the form the roster stores.</summary>
    public string E164 { get; }

    /// <summary><c>84912345678</c>: the form Zalo's APIs take (ZBS template by phone) and send.</summary>
    public string Zalo => E164[1..];

    /// <summary>Whether the number is Vietnamese (+84).</summary>
    public bool IsVietnamese => E164.StartsWith("+84", StringComparison.Ordinal);

    /// <summary><c>0912345678</c> for a Vietnamese number (how people read it back), else the E.164 form.</summary>
    public string National => IsVietnamese ? "0" + E164[3..] : E164;

    /// <summary>Masked for logs: phone numbers never appear whole in a log line.</summary>
    public override string ToString() => PhoneNumber.Mask(E164);

    /// <summary>The number, or why it is not one (for a polite reply naming what was typed wrong).</summary>
    public static bool TryParse(string? input, [NotNullWhen(true)] out ZaloPhone? phone, out string? problem)
    {
        phone = null;
        if (string.IsNullOrWhiteSpace(input))
        {
            problem = "empty";
            return false;
        }
        var digits = new StringBuilder();
        var plus = false;
        foreach (var c in input.Trim())
        {
            if (c == '+' && digits.Length == 0 && !plus) plus = true;
            else if (char.IsAsciiDigit(c)) digits.Append(c);
            else if (c is not (' ' or '-' or '.' or '(' or ')' or '\u00A0'))
            {
                problem = "contains characters that are not digits";
                return false;
            }
        }
        var d = digits.ToString();
        var international = plus;
        if (!plus && d.StartsWith("00", StringComparison.Ordinal))
        {
            d = d[2..];
            international = true;
        }

        string national;
        if (international || (d.StartsWith("84", StringComparison.Ordinal) && d.Length is 11 or 12))
        {
            if (!d.StartsWith("84", StringComparison.Ordinal))
            {
                // Not Vietnamese: the roster's general rule.
                if (PhoneNumber.TryNormalize("+" + d, out var other))
                {
                    phone = new ZaloPhone(other);
                    problem = null;
                    return true;
                }
                problem = "is not a complete international number";
                return false;
            }
            national = d[2..];
            // "(+84) 0912…": a trunk zero kept after the country code.
            if (national.StartsWith('0')) national = national[1..];
        }
        else if (d.StartsWith('0') && !d.StartsWith("00", StringComparison.Ordinal))
        {
            national = d[1..];
        }
        else
        {
            problem = "needs a leading 0 or the country code +84";
            return false;
        }

        // Vietnamese mobiles have nine digits after the zero, landlines ten.
        if (national.Length is not (9 or 10) || national[0] == '0')
        {
            problem = "has the wrong number of digits for a Vietnamese number";
            return false;
        }
        phone = new ZaloPhone("+84" + national);
        problem = null;
        return true;
    }

    public static bool TryParse(string? input, [NotNullWhen(true)] out ZaloPhone? phone) => TryParse(input, out phone, out _);
}
