using System.Globalization;
using System.Text;
using Academy.Learning.Assessment;
using Academy.Learning.Localization;
using QRCoder;

namespace Academy.BotHost.Certificates;

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
        Line(sb, 300, 52, "#111", certificate.Name, bold: true);
        Line(sb, 365, 22, "#444", text["certificate.art.completed"]);
        Line(sb, 420, 32, "#1f4e79", certificate.CourseTitle.In(lang), bold: true);
        Line(sb, 480, 20, "#333", text.Get("certificate.art.dates", ("start", Date(certificate.Start)), ("finish", Date(certificate.Finish))));
        Line(sb, 515, 20, "#333", text.Get("certificate.art.hours", ("hours", Learning.Assessment.Certificates.Hours(certificate.CreditMinutes))));

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
        // A long course title or name shrinks to fit the frame rather than run over it.
        var fits = Math.Min(size, 1900.0 / Math.Max(1, VisualLength(content)));
        sb.Append(CultureInfo.InvariantCulture,
            $"""<text x="{Width / 2}" y="{y}" font-size="{fits:0.#}" fill="{fill}" text-anchor="middle"{(bold ? " font-weight=\"bold\"" : "")}>{E(content)}</text>""");
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
