using Academy.BotHost.Certificates;
using Academy.BotHost.Channels;
using Academy.Learning.Assessment;
using Academy.Learning.Localization;
using Academy.Learning.Model;
using Microsoft.Extensions.Logging.Abstractions;

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
}
