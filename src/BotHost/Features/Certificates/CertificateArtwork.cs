using System.Globalization;
using System.Text;
using Academy.Learning.Localization;
using QRCoder;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Certificates;

/// <summary>
/// The certificate as an A4 landscape SVG: name, course, dates, credit hours, code and a QR code to
/// its verification page. rsvg-convert turns it into the PDF and the PNG preview; the font list puts
/// Noto Sans CJK first (Chinese, and Latin with Vietnamese diacritics), DejaVu Sans as the fallback.
/// </summary>
public static class CertificateArtwork
{
    private const string Font = "Noto Sans CJK SC, Noto Sans CJK, Noto Sans, DejaVu Sans, sans-serif";
    private const double Width = 1123, Height = 794; // A4 landscape at 96 dpi

    public static byte[] Svg(Certificate certificate, Localizer text, string verifyUrl)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(text);
        var lang = text.Language;
        var sb = new StringBuilder(12_000);
        sb.Append(CultureInfo.InvariantCulture,
            $"""<svg xmlns="http://www.w3.org/2000/svg" width="297mm" height="210mm" viewBox="0 0 {Width} {Height}" font-family="{Font}">""");
        sb.Append(CultureInfo.InvariantCulture, $"""<rect width="{Width}" height="{Height}" fill="#fffdf7"/>""");
        sb.Append("""<rect x="28" y="28" width="1067" height="738" fill="none" stroke="#1f4e79" stroke-width="6"/>""");
        sb.Append("""<rect x="44" y="44" width="1035" height="706" fill="none" stroke="#b08d57" stroke-width="2"/>""");
        Line(sb, 150, 40, "#1f4e79", text["certificate.art.title"], bold: true);
        Line(sb, 225, 22, "#444", text["certificate.art.certifies"]);
        Name(sb, Academy.Learning.Credit.Certificates.PrintedName(certificate.Name));
        Line(sb, 365, 22, "#444", text["certificate.art.completed"]);
        Line(sb, 420, 32, "#1f4e79", certificate.CourseTitle.In(lang), bold: true);
        Line(sb, 480, 20, "#333", text.Get("certificate.art.dates", ("start", Date(certificate.Start)), ("finish", Date(certificate.Finish))));
        Line(sb, 515, 20, "#333", text.Get("certificate.art.hours", ("hours", Academy.Learning.Credit.Certificates.Hours(certificate.CreditMinutes))));

        sb.Append("""<g font-size="16" fill="#333">""");
        Text(sb, 90, 650, 16, text.Get("certificate.art.code", ("code", certificate.Code)), "start");
        Text(sb, 90, 680, 14, text.Get("certificate.art.verify", ("url", verifyUrl)), "start");
        Text(sb, 90, 710, 14, text.Get("certificate.art.issued", ("date", Date(certificate.IssuedOn))), "start");
        sb.Append("</g>");
        Qr(sb, verifyUrl, x: 893, y: 574, size: 150);
        sb.Append("</svg>");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void Line(StringBuilder sb, double y, double size, string fill, string content, bool bold = false)
    {
        // A long course title shrinks to fit the frame rather than run over it (a long name wraps instead: Name).
        var fits = Math.Min(size, 1900.0 / Math.Max(1, VisualLength(content)));
        sb.Append(CultureInfo.InvariantCulture,
            $"""<text x="{Width / 2}" y="{y}" font-size="{fits:0.#}" fill="{fill}" text-anchor="middle"{(bold ? " font-weight=\"bold\"" : "")}>{E(content)}</text>""");
    }

    /// <summary>The smallest size a name is printed at on one line; a longer name wraps instead of shrinking below it.</summary>
    public const double NameMinSize = 28;

    /// <summary>The smallest size of a wrapped name: about 14 pt, still read at arm's length.</summary>
    public const double WrappedNameMinSize = 18;

    private const double NameSize = 52, NameCentre = 300, NameRoom = 1900;

    /// <summary>
    /// The learner's name, centred on y = 300: on one line while it fits at <see cref="NameMinSize"/>,
    /// otherwise wrapped onto as few lines as keep it at a readable size (two for the longest Latin
    /// names the roster takes, up to four for the longest in Chinese), the block staying between the
    /// lines above and below it.
    /// </summary>
    private static void Name(StringBuilder sb, string name)
    {
        if (NameRoom / Math.Max(1, VisualLength(name)) >= NameMinSize)
        {
            Line(sb, NameCentre, NameSize, "#111", name, bold: true);
            return;
        }
        IReadOnlyList<string> lines;
        double size;
        var count = 1;
        do
        {
            lines = Wrap(name, ++count);
            // Lines 1.2 sizes apart, the whole block no taller than the 110 px between the lines around it.
            size = Math.Min(Math.Min(NameSize, 110 / (1.2 * lines.Count)), NameRoom / lines.Max(VisualLength));
        }
        while (size < WrappedNameMinSize && count < 4);
        var first = NameCentre - (lines.Count - 1) * size * 1.2 / 2;
        for (int i = 0; i < lines.Count; i++)
            sb.Append(CultureInfo.InvariantCulture,
                $"""<text x="{Width / 2}" y="{first + i * size * 1.2:0.#}" font-size="{size:0.#}" fill="#111" text-anchor="middle" font-weight="bold">{E(lines[i])}</text>""");
    }

    /// <summary>
    /// Splits text into <paramref name="count"/> lines of about equal width, at the spaces nearest the
    /// even split points, or between characters where there is no space near (Chinese, one long word).
    /// </summary>
    public static IReadOnlyList<string> Wrap(string text, int count)
    {
        ArgumentNullException.ThrowIfNull(text);
        var elements = new List<string>();
        var e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext()) elements.Add(e.GetTextElement());
        var before = new double[elements.Count + 1]; // width of the elements before index i
        for (int i = 0; i < elements.Count; i++) before[i + 1] = before[i] + VisualLength(elements[i]);
        var total = before[^1];
        var lines = new List<string>();
        var start = 0;
        for (int k = 1; k < count && start < elements.Count; k++)
        {
            var target = total * k / count;
            var share = total / count;
            int? space = null;
            for (int i = start + 1; i < elements.Count; i++)
                if (elements[i] == " " && Math.Abs(before[i] - target) <= share * 0.15 &&
                    (space is null || Math.Abs(before[i] - target) < Math.Abs(before[space.Value] - target)))
                    space = i;
            int end, next;
            if (space is { } at) (end, next) = (at, at + 1);
            else
            {
                end = start + 1;
                while (end < elements.Count - 1 && before[end + 1] <= target) end++;
                next = end;
            }
            lines.Add(string.Concat(elements.Skip(start).Take(end - start)).Trim());
            start = next;
        }
        if (start < elements.Count) lines.Add(string.Concat(elements.Skip(start)).Trim());
        return lines.Where(l => l.Length > 0).ToList();
    }

    private static void Text(StringBuilder sb, double x, double y, double size, string content, string anchor) =>
        sb.Append(CultureInfo.InvariantCulture, $"""<text x="{x}" y="{y}" font-size="{size}" text-anchor="{anchor}">{E(content)}</text>""");

    // Ideographs are about twice as wide as Latin letters.
    private static double VisualLength(string s) => s.Sum(c => c > 0x2E80 ? 2.0 : 1.0);

    /// <summary>The QR code as one path of horizontal runs: a few KB, crisp at any zoom.</summary>
    private static void Qr(StringBuilder sb, string url, double x, double y, double size)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix;
        var n = matrix.Count;
        sb.Append(CultureInfo.InvariantCulture,
            $"""<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="#fff"/><path transform="translate({x} {y}) scale({size / n:0.####})" fill="#000" shape-rendering="crispEdges" d=" """);
        for (int row = 0; row < n; row++)
        {
            var bits = matrix[row];
            for (int col = 0; col < n;)
            {
                if (!bits[col]) { col++; continue; }
                var start = col;
                while (col < n && bits[col]) col++;
                sb.Append(CultureInfo.InvariantCulture, $"M{start} {row}h{col - start}v1h-{col - start}z");
            }
        }
        sb.Append("\"/>");
    }

    private static string E(string value) => Dashboard.DashboardHtml.E(value);
}
