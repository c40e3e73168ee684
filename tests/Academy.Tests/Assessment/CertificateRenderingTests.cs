using Academy.BotHost.Channels;
using Academy.Learning.Localization;
using Academy.Learning.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Academy.BotHost.Features.Certificates;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Assessment;

/// <summary>The certificate through the real rsvg-convert: names in every script come out as text in the PDF.</summary>
public sealed class CertificateRenderingTests
{
    private static Certificate Sample(string name, string language) => new(
        1, 1, 1, CertificateCode.New(), DateTimeOffset.Parse("2026-12-20T03:00:00Z"), name,
        new LocalizedText([new("en", "Digital safety at work"), new("zh-Hans", "工作中的数字安全"), new("vi", "An toàn số nơi làm việc")]),
        new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 20), 150, language, null, "Asia/Ho_Chi_Minh");

    [Theory]
    [InlineData("王小明", "zh-Hans", "工作中的数字安全", "结业证书")]
    [InlineData("Nguyễn Thị Hồng Ánh", "vi", "An toàn số nơi làm việc", "Giấy chứng nhận hoàn thành")]
    [InlineData("Jane O'Neil & <Co>", "en", "Digital safety at work", "Certificate of Completion")]
    public async Task The_pdf_holds_the_name_course_and_code_as_text_and_the_png_is_a_sharp_picture(string name, string language, string course, string title)
    {
        var certificate = Sample(name, language);
        var svg = CertificateArtwork.Svg(certificate, Catalog.Default.For(language), "https://academy.example.org/verify/" + certificate.Code);
        var rasterizer = new SvgRasterizer(NullLogger<SvgRasterizer>.Instance);

        var text = await CertificateFiles.PdfTextAsync((await rasterizer.ToPdfAsync(svg, default))!);
        // pdftotext may break a line differently; compare without whitespace.
        var flat = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        foreach (var expected in new[] { name, course, title, certificate.Code, "2026-12-01", "2026-12-20", "2.5" })
            Assert.Contains(string.Concat(expected.Where(c => !char.IsWhiteSpace(c))), flat, StringComparison.Ordinal);

        var png = (await rasterizer.ToPngAsync(svg, default))!;
        // Beside the test binary, for a person to look at.
        await File.WriteAllBytesAsync(Path.Combine(AppContext.BaseDirectory, $"certificate-{language}.png"), png);
        var (width, height) = CertificateFiles.PngSize(png);
        Assert.InRange(width, 1500, 3000);
        Assert.InRange(width / (double)height, 1.35, 1.48); // A4 landscape
    }

    [Fact]
    public async Task A_right_to_left_override_in_a_name_reverses_nothing_on_the_certificate_or_in_the_congratulation()
    {
        // U+202E would print "Nguyễn Văn hnìB nA"; the name is printed as typed, without the control.
        var certificate = Sample("Nguyễn Văn \u202EAn Bình", "vi");
        var svg = CertificateArtwork.Svg(certificate, Catalog.Default.For("vi"), "https://academy.example.org/verify/" + certificate.Code);
        var text = await CertificateFiles.PdfTextAsync((await new SvgRasterizer(NullLogger<SvgRasterizer>.Instance).ToPdfAsync(svg, default))!);
        Assert.Contains("Nguyễn Văn An Bình", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hnìB", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\u202E', System.Text.Encoding.UTF8.GetString(svg));

        // In a sentence the control is gone too, and a right-to-left name is an isolate: the words after it keep their order.
        string Congratulation(string name) => Catalog.Default.For("en").Get("certificate.congratulations",
            ("name", Academy.Learning.Credit.Certificates.IsolatedName(name)), ("course", "Digital safety"), ("hours", "2.5"), ("code", certificate.Code));
        Assert.StartsWith("🎓 Congratulations, Nguyễn Văn An Bình! You have completed", Congratulation(certificate.Name), StringComparison.Ordinal);
        Assert.StartsWith("🎓 Congratulations, \u2068سارة أحمد\u2069! You have completed", Congratulation("سارة \u202Eأحمد"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_200_character_name_wraps_onto_two_lines_at_a_readable_size()
    {
        var words = new[] { "Nguyễn", "Thị", "Hồng", "Ánh", "Trần", "Bảo", "Ngọc", "Phương", "Lê", "Minh" };
        var name = "";
        for (int i = 0; name.Length < 200; i++) name += (name.Length == 0 ? "" : " ") + words[i % words.Length];
        name = name[..200].TrimEnd();
        var certificate = Sample(name, "en");
        var svg = CertificateArtwork.Svg(certificate, Catalog.Default.For("en"), "https://academy.example.org/verify/" + certificate.Code);

        var ns = System.Xml.Linq.XNamespace.Get("http://www.w3.org/2000/svg");
        var lines = System.Xml.Linq.XDocument.Parse(System.Text.Encoding.UTF8.GetString(svg)).Descendants(ns + "text")
            .Where(t => (string?)t.Attribute("font-weight") == "bold" && double.Parse((string)t.Attribute("y")!, System.Globalization.CultureInfo.InvariantCulture) is > 240 and < 360)
            .ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(name, string.Join(" ", lines.Select(l => l.Value)));
        Assert.All(lines, l => Assert.True(double.Parse((string)l.Attribute("font-size")!, System.Globalization.CultureInfo.InvariantCulture) >= CertificateArtwork.WrappedNameMinSize,
            $"font-size {(string)l.Attribute("font-size")!} is below {CertificateArtwork.WrappedNameMinSize} px"));
        Assert.True(CertificateArtwork.WrappedNameMinSize >= 18); // about 14 pt: read at arm's length, not 6 pt

        var text = await CertificateFiles.PdfTextAsync((await new SvgRasterizer(NullLogger<SvgRasterizer>.Instance).ToPdfAsync(svg, default))!);
        Assert.Contains(string.Concat(name.Where(c => !char.IsWhiteSpace(c))), string.Concat(text.Where(c => !char.IsWhiteSpace(c))), StringComparison.Ordinal);
    }
}
