using Academy.BotHost.Channels;
using Academy.BotHost.Channels.Telegram;
using Academy.Learning.Charts;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Tests.Reporting;
using Academy.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Telegram;

/// <summary>A digest's SVG chart as a Telegram user receives it.</summary>
public sealed class TelegramChartTests : IAsyncLifetime
{
    private const long Liaison = 5123456789;
    private readonly FakeTime _time = new(new DateTimeOffset(2026, 12, 3, 14, 15, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private FakeBotApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeBotApi.StartAsync(_time);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    private TelegramChannelClient Channel(string rsvg) =>
        new(new TelegramBotClient(_http, new TelegramOptions { BotToken = _api.Token, ApiBaseUrl = _api.BaseUrl }),
            new SvgRasterizer(NullLogger<SvgRasterizer>.Instance, rsvg));

    private static OutgoingMessage Digest(string text) => new()
    {
        To = new ChatAddress("telegram", Liaison.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Text = text,
        Attachment = new Attachment(AttachmentKind.Image, "checkins-c1-d3-g2.svg", Content: SvgChart.RenderBytes(ChartTests.Sample())),
    };

    [Fact]
    public async Task An_svg_chart_arrives_as_a_png_photo_after_the_digest_text()
    {
        var text = "📋 Day 3 digest\n" + string.Concat(Enumerable.Repeat("Nguyễn Thị Mai Anh (09:15), ", 60));
        var result = await Channel("rsvg-convert").SendAsync(Digest(text), default);
        Assert.Equal(SendStatus.Sent, result.Status);

        Assert.Equal(["sendMessage", "sendPhoto"], _api.Requests.Select(r => r.Method));
        Assert.StartsWith("📋 Day 3 digest", _api.Requests[0].Field("text"), StringComparison.Ordinal);
        var photo = _api.Requests[1];
        Assert.True(photo.IsMultipart);
        Assert.Equal(Liaison, photo.ChatId);
        var file = photo.Files["photo"];
        Assert.Equal("checkins-c1-d3-g2.png", file.FileName);
        Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], file.Content[..8]);
    }

    [Fact]
    public async Task A_short_text_rides_as_the_photos_caption()
    {
        await Channel("rsvg-convert").SendAsync(Digest("Week 1: 56%"), default);
        var photo = Assert.Single(_api.Requests);
        Assert.Equal("sendPhoto", photo.Method);
        Assert.Equal("Week 1: 56%", photo.Field("caption"));
    }

    [Fact]
    public async Task Without_rsvg_convert_the_chart_goes_out_as_an_svg_document()
    {
        var result = await Channel("/nonexistent/rsvg-convert").SendAsync(Digest("Week 1: 56%"), default);
        Assert.Equal(SendStatus.Sent, result.Status);
        var document = Assert.Single(_api.Requests);
        Assert.Equal("sendDocument", document.Method);
        Assert.Equal("checkins-c1-d3-g2.svg", document.Files["document"].FileName);
        Assert.StartsWith("<svg", System.Text.Encoding.UTF8.GetString(document.Files["document"].Content), StringComparison.Ordinal);
    }
}
