using System.Globalization;
using System.Text;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Model;

/// <summary>
/// Normalises typed answers so that differences a person would not call a different answer
/// vanish: width (ＡＢＣ vs ABC), composition (Vietnamese typed with combining marks), case,
/// punctuation (Latin and CJK) and spacing. Diacritics are kept on purpose: in Vietnamese they
/// distinguish words.
/// </summary>
public static class AnswerNormalizer
{
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // NFKC folds full-width forms to ASCII and composes base letter + combining marks.
        var folded = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var sb = new StringBuilder(folded.Length);
        foreach (var rune in folded.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            // A dash or underscore joins words ("two-factor"): it counts as a space, other punctuation as nothing.
            if (Rune.IsWhiteSpace(rune) || category is UnicodeCategory.DashPunctuation or UnicodeCategory.ConnectorPunctuation)
            {
                sb.Append(' ');
                continue;
            }
            if (IsPunctuation(category)) continue;
            sb.Append(rune.ToString());
        }
        return CollapseSpaces(sb.ToString());
    }

    public static bool Equivalent(string a, string b) =>
        string.Equals(Normalize(a), Normalize(b), StringComparison.Ordinal);

    private static bool IsPunctuation(UnicodeCategory c) => c is
        UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or
        UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or
        UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation or
        UnicodeCategory.OtherPunctuation;

    // Runs of spaces become one; a space next to a CJK character goes (Chinese is written without them).
    private static string CollapseSpaces(string s)
    {
        var runes = s.Trim().EnumerateRunes().ToList();
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < runes.Count; i++)
        {
            if (runes[i].Value != ' ') { sb.Append(runes[i].ToString()); continue; }
            if (i > 0 && runes[i - 1].Value == ' ') continue;
            int next = i + 1;
            while (next < runes.Count && runes[next].Value == ' ') next++;
            bool cjkBefore = i > 0 && IsCjk(runes[i - 1]);
            bool cjkAfter = next < runes.Count && IsCjk(runes[next]);
            if (!cjkBefore && !cjkAfter) sb.Append(' ');
        }
        return sb.ToString();
    }

    private static bool IsCjk(Rune r) => r.Value is
        (>= 0x2E80 and <= 0x9FFF) or    // radicals, kana, CJK symbols, unified ideographs
        (>= 0xAC00 and <= 0xD7AF) or    // Hangul syllables
        (>= 0xF900 and <= 0xFAFF) or    // compatibility ideographs
        (>= 0x20000 and <= 0x3FFFF);    // extension planes
}
