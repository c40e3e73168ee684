using System.Globalization;
using System.Text;

namespace Academy.Learning.Charts;

/// <summary>How a series is drawn.</summary>
public enum SeriesKind { Bar, Line }

/// <summary>One series: a value (or null, nothing to show) per category.</summary>
public sealed record ChartSeries(string Name, SeriesKind Kind, IReadOnlyList<double?> Values);

/// <summary>
/// A chart of categories (programme days, groups) against values from 0 to <see cref="YMax"/>.
/// Bars of several bar series stand side by side; line series are drawn over them.
/// </summary>
public sealed record ChartSpec(
    string Title,
    IReadOnlyList<string> Categories,
    IReadOnlyList<ChartSeries> Series,
    string XLabel,
    string YLabel,
    double YMax = 100,
    string ValueSuffix = "%");

/// <summary>
/// Renders charts as SVG: a fixed 720×480 viewBox (readable on a phone once rasterised at 2×),
/// fonts that cover Chinese and Vietnamese, every text escaped. Pure: the same spec always
/// gives the same bytes.
/// </summary>
public static class SvgChart
{
    public const int Width = 720;
    public const int Height = 480;
    public const string FontFamily = "Noto Sans CJK SC, DejaVu Sans, sans-serif";

    private static readonly string[] Palette = ["#2E7D32", "#1565C0", "#EF6C00", "#6A1B9A"];

    // The plot area.
    private const double Left = 78, Right = Width - 24, Top = 104, Bottom = Height - 70;

    public static string Render(ChartSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var n = spec.Categories.Count;
        var yMax = spec.YMax > 0 ? spec.YMax : 1;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}" font-family="{FontFamily}">""");
        sb.Append('\n').Append(CultureInfo.InvariantCulture, $"""<rect x="0" y="0" width="{Width}" height="{Height}" fill="#ffffff"/>""").Append('\n');
        Text(sb, Width / 2.0, 36, 24, "middle", spec.Title, bold: true);

        // Legend under the title.
        var legendX = Left;
        for (var i = 0; i < spec.Series.Count; i++)
        {
            var colour = Palette[i % Palette.Length];
            var series = spec.Series[i];
            if (series.Kind == SeriesKind.Bar)
                sb.Append(CultureInfo.InvariantCulture, $"""<rect x="{F(legendX)}" y="58" width="18" height="18" fill="{colour}"/>""");
            else
                sb.Append(CultureInfo.InvariantCulture,
                    $"""<line x1="{F(legendX)}" y1="67" x2="{F(legendX + 18)}" y2="67" stroke="{colour}" stroke-width="4"/><circle cx="{F(legendX + 9)}" cy="67" r="5" fill="{colour}"/>""");
            sb.Append('\n');
            Text(sb, legendX + 26, 74, 18, "start", series.Name);
            legendX += 26 + EstimateWidth(series.Name, 18) + 28;
        }

        // Grid and y axis: 0, 25, 50, 75, 100 % of the maximum.
        for (var g = 0; g <= 4; g++)
        {
            var value = yMax * g / 4;
            var y = Y(value, yMax);
            sb.Append(CultureInfo.InvariantCulture,
                $"""<line x1="{F(Left)}" y1="{F(y)}" x2="{F(Right)}" y2="{F(y)}" stroke="{(g == 0 ? "#424242" : "#e0e0e0")}" stroke-width="{(g == 0 ? 2 : 1)}"/>""").Append('\n');
            Text(sb, Left - 8, y + 6, 16, "end", Number(value) + spec.ValueSuffix);
        }
        sb.Append(CultureInfo.InvariantCulture, $"""<line x1="{F(Left)}" y1="{F(Top)}" x2="{F(Left)}" y2="{F(Bottom)}" stroke="#424242" stroke-width="2"/>""").Append('\n');
        Text(sb, 22, (Top + Bottom) / 2, 16, "middle", spec.YLabel, rotate: true);
        Text(sb, (Left + Right) / 2, Height - 14, 18, "middle", spec.XLabel);

        if (n > 0)
        {
            var slot = (Right - Left) / n;
            var bars = spec.Series.Where(s => s.Kind == SeriesKind.Bar).ToList();
            var showValues = n <= 16;
            var labelEvery = Math.Max(1, (int)Math.Ceiling(n / 16.0));
            for (var c = 0; c < n; c++)
                if (c % labelEvery == 0)
                    Text(sb, Left + slot * (c + 0.5), Bottom + 24, 16, "middle", spec.Categories[c]);

            var barWidth = slot * 0.7 / Math.Max(1, bars.Count);
            for (var i = 0; i < spec.Series.Count; i++)
            {
                var series = spec.Series[i];
                if (series.Kind != SeriesKind.Bar) continue;
                var colour = Palette[i % Palette.Length];
                var b = bars.IndexOf(series);
                for (var c = 0; c < n && c < series.Values.Count; c++)
                {
                    if (series.Values[c] is not { } v) continue;
                    var x = Left + slot * c + slot * 0.15 + barWidth * b;
                    var y = Y(v, yMax);
                    sb.Append(CultureInfo.InvariantCulture,
                        $"""<rect x="{F(x)}" y="{F(y)}" width="{F(barWidth)}" height="{F(Bottom - y)}" fill="{colour}"/>""").Append('\n');
                    if (showValues) Text(sb, x + barWidth / 2, y - 6, 14, "middle", Number(v) + spec.ValueSuffix, fill: "#212121");
                }
            }
            for (var i = 0; i < spec.Series.Count; i++)
            {
                var series = spec.Series[i];
                if (series.Kind != SeriesKind.Line) continue;
                var colour = Palette[i % Palette.Length];
                var points = Enumerable.Range(0, Math.Min(n, series.Values.Count))
                    .Where(c => series.Values[c] is not null)
                    .Select(c => (X: Left + slot * (c + 0.5), Y: Y(series.Values[c]!.Value, yMax), V: series.Values[c]!.Value))
                    .ToList();
                if (points.Count > 1)
                    sb.Append(CultureInfo.InvariantCulture,
                        $"""<polyline points="{string.Join(' ', points.Select(p => $"{F(p.X)},{F(p.Y)}"))}" fill="none" stroke="{colour}" stroke-width="4" stroke-linejoin="round"/>""").Append('\n');
                foreach (var p in points)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"""<circle cx="{F(p.X)}" cy="{F(p.Y)}" r="6" fill="{colour}"/>""").Append('\n');
                    // Over bars, the line's labels sit beside its points so the two sets of figures stay apart.
                    if (showValues)
                        Text(sb, bars.Count == 0 ? p.X : p.X + 8, bars.Count == 0 ? p.Y - 12 : p.Y + 20, 14, bars.Count == 0 ? "middle" : "start",
                            Number(p.V) + spec.ValueSuffix, bold: true, fill: colour, halo: true);
                }
            }
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>The chart as UTF-8 bytes, as an attachment carries it.</summary>
    public static byte[] RenderBytes(ChartSpec spec) => Encoding.UTF8.GetBytes(Render(spec));

    private static double Y(double value, double yMax) => Bottom - Math.Clamp(value / yMax, 0, 1) * (Bottom - Top);

    private static void Text(StringBuilder sb, double x, double y, int size, string anchor, string text, bool bold = false,
        bool rotate = false, string fill = "#212121", bool halo = false)
    {
        sb.Append(CultureInfo.InvariantCulture, $"""<text x="{F(x)}" y="{F(y)}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" """);
        // A white outline keeps a label readable where it crosses a bar.
        if (halo) sb.Append("""stroke="#ffffff" stroke-width="4" paint-order="stroke" stroke-linejoin="round" """);
        if (bold) sb.Append("""font-weight="bold" """);
        if (rotate) sb.Append(CultureInfo.InvariantCulture, $"""transform="rotate(-90 {F(x)} {F(y)})" """);
        sb.Append('>').Append(Escape(text)).Append("</text>\n");
    }

    /// <summary>Escapes text for an XML element or attribute; drops characters XML 1.0 forbids.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            switch (ch)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&apos;"); break;
                default:
                    if (ch < 0x20 && ch is not '\t' and not '\n' and not '\r') break;
                    if (ch is '\uFFFE' or '\uFFFF') break;
                    sb.Append(ch);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A rough width for laying out the legend: CJK glyphs are a full em, Latin about half.</summary>
    private static double EstimateWidth(string text, int size) =>
        text.Sum(ch => ch >= 0x2E80 ? size : size * 0.6);

    private static string Number(double value) => Math.Round(value).ToString("0", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
