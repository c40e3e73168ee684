using System.Buffers.Binary;
using System.Text;
using System.Xml.Linq;
using Academy.BotHost.Channels;
using Academy.Learning.Charts;
using Academy.Learning.Messaging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Academy.Tests.Reporting;

public sealed class ChartTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    internal static ChartSpec Sample(string title = "上海 1 组：签到率 & <测验> — Nhóm Hà Nội 1: điểm danh") => new(
        title,
        ["1", "2", "3", "4"],
        [
            new ChartSeries("签到率", SeriesKind.Bar, [0.83 * 100, 86, 42.9, null]),
            new ChartSeries("Tỷ lệ trả lời đúng", SeriesKind.Line, [null, 50, 40, null]),
        ],
        "培训日 / Ngày học", "Phần trăm");

    private static List<string> Texts(string svg) =>
        XDocument.Parse(svg).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();

    [Fact]
    public void A_chart_is_well_formed_svg_with_a_fixed_viewbox_escaped_titles_and_its_figures()
    {
        var svg = SvgChart.Render(Sample());
        var root = XDocument.Parse(svg).Root!;
        Assert.Equal("svg", root.Name.LocalName);
        Assert.Equal("0 0 720 480", root.Attribute("viewBox")!.Value);
        Assert.Contains("Noto Sans CJK SC", root.Attribute("font-family")!.Value, StringComparison.Ordinal);
        var texts = Texts(svg);
        Assert.Contains("上海 1 组：签到率 & <测验> — Nhóm Hà Nội 1: điểm danh", texts);
        Assert.Contains("83%", texts);
        Assert.Contains("86%", texts);
        Assert.Contains("43%", texts);
        Assert.Contains("50%", texts);
        Assert.Contains("40%", texts);
        Assert.Contains("Tỷ lệ trả lời đúng", texts);
        Assert.Contains("100%", texts); // the y axis
        Assert.Equal(3, XDocument.Parse(svg).Descendants().Count(e => e.Name.LocalName == "rect" && e.Attribute("fill")?.Value == "#2E7D32") - 1);
        Assert.Equal(svg, SvgChart.Render(Sample())); // pure
    }

    [Fact]
    public void Control_characters_and_markup_in_names_cannot_break_the_svg()
    {
        var svg = SvgChart.Render(Sample("a\u0001b</text><script>alert(1)</script>\"'"));
        Assert.DoesNotContain("<script>", svg, StringComparison.Ordinal);
        Assert.Contains("ab</text><script>alert(1)</script>\"'", Texts(svg));
    }

    [Fact]
    public void An_empty_chart_still_renders()
    {
        var svg = SvgChart.Render(new ChartSpec("空", [], [], "x", "y"));
        Assert.Contains("空", Texts(svg));
    }

    [Fact]
    public async Task Rsvg_convert_turns_a_chinese_and_vietnamese_chart_into_a_png()
    {
        var rasterizer = new SvgRasterizer(NullLogger<SvgRasterizer>.Instance);
        var png = await rasterizer.ToPngAsync(SvgChart.RenderBytes(Sample()), default);
        Assert.NotNull(png);
        Assert.Equal(PngSignature, png[..8]);
        // IHDR: width and height at twice the viewBox, so it stays sharp on a phone.
        Assert.Equal(1440, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(960, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
        Assert.True(png.Length > 10_000, $"a chart with text and bars is more than {png.Length} bytes");
    }

    [Fact]
    public async Task Without_rsvg_convert_an_svg_picture_becomes_an_svg_document()
    {
        var rasterizer = new SvgRasterizer(NullLogger<SvgRasterizer>.Instance, "/nonexistent/rsvg-convert");
        var svg = SvgChart.RenderBytes(Sample());
        Assert.Null(await rasterizer.ToPngAsync(svg, default));
        var sent = await rasterizer.ForPictureChannelAsync(new Attachment(AttachmentKind.Image, "chart.svg", Content: svg), default);
        Assert.Equal(new Attachment(AttachmentKind.Document, "chart.svg", Content: svg), sent with { Content = svg });
        Assert.Same(svg, sent.Content);
    }

    [Fact]
    public async Task A_broken_svg_is_sent_as_a_document_rather_than_lost()
    {
        var rasterizer = new SvgRasterizer(NullLogger<SvgRasterizer>.Instance);
        var broken = Encoding.UTF8.GetBytes("<svg");
        await Assert.ThrowsAsync<InvalidOperationException>(() => rasterizer.ToPngAsync(broken, default));
        var sent = await rasterizer.ForPictureChannelAsync(new Attachment(AttachmentKind.Image, "chart.svg", Content: broken), default);
        Assert.Equal(AttachmentKind.Document, sent.Kind);
    }
}
