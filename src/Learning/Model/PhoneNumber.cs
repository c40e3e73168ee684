using System.Diagnostics.CodeAnalysis;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Model;

/// <summary>Phone numbers in E.164 form: '+', a country code and up to 15 digits in all.</summary>
public static class PhoneNumber
{
    /// <summary>
    /// Reads "+84 912 345 678", "+86-138-0013-8000", "(+84) 912.345.678" or "0084912345678" as E.164.
    /// Numbers without a country code are refused: the roster spans countries.
    /// </summary>
    public static bool TryNormalize(string? input, [NotNullWhen(true)] out string? e164)
    {
        e164 = null;
        if (string.IsNullOrWhiteSpace(input)) return false;
        var s = input.Trim();
        var digits = new System.Text.StringBuilder();
        bool plus = false;
        foreach (var c in s)
        {
            if (c == '+' && digits.Length == 0 && !plus) { plus = true; continue; }
            if (char.IsAsciiDigit(c)) { digits.Append(c); continue; }
            if (c is ' ' or '-' or '.' or '(' or ')' or '\u00A0') continue;
            return false;
        }
        var d = digits.ToString();
        if (!plus)
        {
            if (!d.StartsWith("00", StringComparison.Ordinal)) return false;
            d = d[2..];
        }
        if (d.Length is < 8 or > 15 || d[0] == '0') return false;
        e164 = "+" + d;
        return true;
    }

    /// <summary>The number with all but its last three digits hidden, for logs.</summary>
    public static string Mask(string? phone) =>
        string.IsNullOrEmpty(phone) || phone.Length <= 4 ? "***" : phone[..3] + new string('*', phone.Length - 6) + phone[^3..];
}
