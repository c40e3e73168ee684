using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Academy.BotHost.Channels;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Chat;

/// <summary>Files the bot sends into a playground chat, served back through the playground API as the page opens them.</summary>
public sealed class PlaygroundFilesTests : IAsyncLifetime
{
    private readonly AcademyApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("report.xlsx", AttachmentKind.Document, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "attachment")]
    [InlineData("report.csv", AttachmentKind.Document, "text/csv; charset=utf-8", "attachment")]
    [InlineData("certificate-ABCD.pdf", AttachmentKind.Document, "application/pdf", "inline")]
    [InlineData("certificate-ABCD.png", AttachmentKind.Image, "image/png", "inline")]
    public async Task A_file_is_served_with_its_type_and_name_to_open_or_download(string name, AttachmentKind kind, string type, string disposition)
    {
        var bytes = new byte[3000];
        Random.Shared.NextBytes(bytes);
        var client = _app.Services.GetServices<IChannelClient>().Single(c => c.Channel == "playground");
        var sent = await client.SendAsync(new OutgoingMessage
        {
            To = new ChatAddress("playground", "p1"), Text = "Your file", Attachment = new Attachment(kind, name, Content: bytes),
        }, default);
        Assert.Equal(SendStatus.Sent, sent.Status);

        var items = await _app.Client.GetFromJsonAsync<JsonElement>(new Uri("/playground/api/messages?chat=dm-p1", UriKind.Relative));
        var message = items.EnumerateArray().Single(i => i.GetProperty("id").ToString() == sent.PlatformMessageId).GetProperty("message");
        Assert.Equal(name, message.GetProperty("attachment").GetString());
        // The page gets the address, not the bytes in every poll.
        Assert.True(!message.TryGetProperty("fileData", out var data) || data.ValueKind == JsonValueKind.Null, "the transcript carries the file's bytes");
        var url = message.GetProperty("file").GetString()!;
        Assert.Equal($"/playground/api/files/{sent.PlatformMessageId}", url);
        if (kind == AttachmentKind.Image) Assert.StartsWith("data:image/png;base64,", message.GetProperty("image").GetString(), StringComparison.Ordinal);

        var response = await _app.Client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType!.ToString());
        Assert.Equal(disposition, response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal(name, response.Content.Headers.ContentDisposition.FileName?.Trim('"'));
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("sandbox", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        // ?download=true always saves.
        var saved = await _app.Client.GetAsync(new Uri(url + "?download=true", UriKind.Relative));
        Assert.Equal("attachment", saved.Content.Headers.ContentDisposition!.DispositionType);

        Assert.Equal(HttpStatusCode.NotFound, (await _app.Client.GetAsync(new Uri("/playground/api/files/999999", UriKind.Relative))).StatusCode);
    }
}
