using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Assessment;

public sealed class CertificateCodeTests
{
    [Fact]
    public void Codes_are_random_grouped_and_read_back_through_typing_slips()
    {
        var codes = Enumerable.Range(0, 2000).Select(_ => CertificateCode.New()).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Equal(c, CertificateCode.Normalize(c)));
        var code = codes[0];
        Assert.Equal(code, CertificateCode.Normalize(code.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal)));
        // Crockford: O is read as zero, I and L as one.
        var withZero = codes.First(c => c.Contains('0', StringComparison.Ordinal));
        Assert.Equal(withZero, CertificateCode.Normalize(withZero.Replace('0', 'O')));
    }

    [Fact]
    public void Any_single_changed_symbol_or_swap_of_neighbours_fails_the_check()
    {
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        var code = CertificateCode.New().Replace("-", "", StringComparison.Ordinal);
        var rejected = 0;
        var tried = 0;
        for (int i = 0; i < code.Length; i++)
            foreach (var c in alphabet.Where(c => c != code[i]))
            {
                tried++;
                if (CertificateCode.Normalize(code[..i] + c + code[(i + 1)..]) is null) rejected++;
            }
        // Only a change between symbols 31 apart (0 and Z) can slip through a mod-31 check.
        Assert.True(rejected >= tried - code.Length, $"{rejected} of {tried} forged codes rejected");
        for (int i = 0; i + 1 < code.Length - 1; i++)
            if (code[i] != code[i + 1] && Math.Abs(alphabet.IndexOf(code[i], StringComparison.Ordinal) - alphabet.IndexOf(code[i + 1], StringComparison.Ordinal)) != 31)
                Assert.Null(CertificateCode.Normalize(code[..i] + code[i + 1] + code[i] + code[(i + 2)..]));
        Assert.Null(CertificateCode.Normalize("ABCD-EFGH"));
        Assert.Null(CertificateCode.Normalize("ABCD-EFGH-JKMN-PQRU"));
        Assert.Null(CertificateCode.Normalize(null));
    }
}
