using System.Net;
using System.Text.Json;
using Academy.Learning.Localization;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Academy.Tests.Dashboard.DashboardSupport;
using static Academy.Tests.Support.PlaygroundUser;
using Academy.Learning.Content;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Assessment;

/// <summary>
/// What the certificate a learner receives says, read back from the rendered files: the QR code
/// decodes to its verification page under the configured public address, that address is printed,
/// and its dates are the cohort's local dates, on the certificate and on the verification page.
/// </summary>
public sealed class CertificateContentTests : IAsyncDisposable
{
    // 23:30 UTC on 15 December is 06:30 on the 16th in Ho Chi Minh City, the sample cohort's time zone.
    private readonly AcademyApp _app = new(
        new Dictionary<string, string?> { ["Certificates:PublicBaseUrl"] = "https://academy.example.org/" },
        time: new ShiftedTime(DateTimeOffset.Parse("2026-12-15T23:30:00Z")));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_qr_code_of_the_preview_decodes_to_the_verification_page_whose_address_the_pdf_prints()
    {
        var learner = await RegisterAsync(_app, LearnerHanoi);
        var code = await CertificateHostTests.IssueAsync(_app, LearnerHanoi, "Lê Thị Hồng Nhung");
        var verifyUrl = $"https://academy.example.org/verify/{code}";

        var preview = (await WaitForBotAsync(_app, learner.PrivateChat, m => m.GetProperty("image").ValueKind == JsonValueKind.String)).GetProperty("message");
        var png = Convert.FromBase64String(preview.GetProperty("image").GetString()!["data:image/png;base64,".Length..]);
        Assert.Equal([verifyUrl], await CertificateFiles.QrCodesAsync(png));

        var document = (await WaitForBotAsync(_app, learner.PrivateChat, m => m.GetProperty("attachment").GetString()?.EndsWith(".pdf", StringComparison.Ordinal) == true)).GetProperty("message");
        Assert.Equal($"{verifyUrl}/certificate.pdf", document.GetProperty("link").GetString());
        var text = await PdfTextAsync(code);
        Assert.Contains(Flat(Catalog.Default.For("en").Get("certificate.art.verify", ("url", verifyUrl))), Flat(text), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_completion_before_dawn_in_Hanoi_is_dated_that_local_day_on_the_certificate_and_the_verification_page()
    {
        await RegisterAsync(_app, LearnerHanoi);
        var code = await CertificateHostTests.IssueAsync(_app, LearnerHanoi, "Lê Thị Hồng Nhung");

        var pdf = Flat(await PdfTextAsync(code));
        Assert.Contains("Issued2026-12-16", pdf, StringComparison.Ordinal);
        Assert.Contains("2026-12-01to2026-12-16", pdf, StringComparison.Ordinal);
        Assert.DoesNotContain("2026-12-15", pdf, StringComparison.Ordinal);

        var page = await _app.Client.GetStringAsync(new Uri($"/verify/{code}?lang=en", UriKind.Relative));
        Assert.Contains("<th scope=\"row\">Issued</th><td>2026-12-16</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td>2026-12-01 to 2026-12-16</td>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("2026-12-15", page, StringComparison.Ordinal);

        await using (var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            Assert.True(await _app.Services.GetRequiredService<Certificates>().RevokeAsync(s, code));
            await s.CommitAsync();
        }
        var revoked = await _app.Client.GetStringAsync(new Uri($"/verify/{code}?lang=en", UriKind.Relative));
        Assert.Contains("This certificate was revoked on 2026-12-16", revoked, StringComparison.Ordinal);
    }

    private async Task<string> PdfTextAsync(string code)
    {
        using var response = await _app.Client.GetAsync(new Uri($"/verify/{code}/certificate.pdf", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        return await CertificateFiles.PdfTextAsync(await response.Content.ReadAsByteArrayAsync());
    }

    // pdftotext may break a line differently; compare without whitespace.
    private static string Flat(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
}
