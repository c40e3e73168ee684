using System.Security.Cryptography;
using System.Text;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Credit;

/// <summary>
/// Verification codes: 15 random Crockford base32 symbols (75 bits from a CSPRNG) and one check
/// symbol, printed as ABCD-EFGH-JKMN-PQRS. The code is the only secret of a public certificate page,
/// so it is never derived from ids; the check symbol turns a mistyped code into "not found" without
/// a database read.
/// </summary>
public static class CertificateCode
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int RandomSymbols = 15;

    public static string New()
    {
        var symbols = new char[RandomSymbols];
        for (int i = 0; i < symbols.Length; i++) symbols[i] = Alphabet[RandomNumberGenerator.GetInt32(32)];
        return Format(new string(symbols) + Check(symbols));
    }

    /// <summary>
    /// The canonical form of what someone typed (case, spaces and dashes ignored; O read as 0, I and L
    /// as 1, as Crockford's alphabet prescribes), or null when it cannot be a code we issued.
    /// </summary>
    public static string? Normalize(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed) || typed.Length > 64) return null;
        var symbols = new StringBuilder(RandomSymbols + 1);
        foreach (var c in typed.ToUpperInvariant())
        {
            if (c is '-' or ' ') continue;
            var read = c switch { 'O' => '0', 'I' or 'L' => '1', _ => c };
            if (!Alphabet.Contains(read, StringComparison.Ordinal)) return null;
            symbols.Append(read);
        }
        if (symbols.Length != RandomSymbols + 1) return null;
        var text = symbols.ToString();
        return text[^1] == Check(text.AsSpan(0, RandomSymbols)) ? Format(text) : null;
    }

    // Position-weighted, so a swap of two neighbours or one wrong symbol changes the check.
    private static char Check(ReadOnlySpan<char> symbols)
    {
        var sum = 0;
        for (int i = 0; i < symbols.Length; i++) sum += (i + 1) * Alphabet.IndexOf(symbols[i], StringComparison.Ordinal);
        return Alphabet[sum % 31];
    }

    private static string Format(string s) => $"{s[..4]}-{s[4..8]}-{s[8..12]}-{s[12..16]}";
}
