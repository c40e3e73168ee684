using System.Net;
using System.Text.Json;
using Academy.Learning.Messaging;
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
/// A certificate through the real host: issued in a transaction, arriving in the learner's private
/// chat as a PNG preview and a PDF, re-sent on /certificate, verified on the public page by HTTP.
/// </summary>
public sealed class CertificateHostTests : IAsyncLifetime
{
    private readonly AcademyApp _app = new(new Dictionary<string, string?> { ["Certificates:PublicBaseUrl"] = null });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static async Task<string> IssueAsync(AcademyApp app, string phone, string name)
    {
        var database = app.Services.GetRequiredService<AcademyDatabase>();
        await using (var s = await database.BeginAsync())
        {
            var learnerId = await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = @phone", new { phone });
            await s.ExecuteAsync("UPDATE learners SET name = @name WHERE id = @learnerId", new { name, learnerId });
            var cohortId = await s.ExecuteScalarAsync<long>("SELECT cohort_id FROM enrollments WHERE learner_id = @learnerId", new { learnerId });
            await app.Services.GetRequiredService<Certificates>().IssueAsync(s, cohortId, learnerId);
            await s.CommitAsync();
        }
        app.Services.GetRequiredService<Outbox>().Notify();
        return await app.ScalarAsync<string>("SELECT c.code FROM certificates c JOIN learners l ON l.id = c.learner_id WHERE l.phone = @phone", new { phone });
    }

    [Fact]
    public async Task The_learner_gets_preview_and_pdf_in_private_and_anyone_can_verify_the_code_but_not_a_forged_one()
    {
        var learner = await RegisterAsync(_app, LearnerShanghai);
        var code = await IssueAsync(_app, LearnerShanghai, "王小明");

        var preview = (await WaitForBotAsync(_app, learner.PrivateChat, m => m.GetProperty("image").ValueKind == JsonValueKind.String)).GetProperty("message");
        Assert.Contains("王小明", Text(preview), StringComparison.Ordinal);
        Assert.Contains(code, Text(preview), StringComparison.Ordinal);
        var image = preview.GetProperty("image").GetString()!;
        Assert.StartsWith("data:image/png;base64,", image, StringComparison.Ordinal);
        Assert.True(CertificateFiles.PngSize(Convert.FromBase64String(image["data:image/png;base64,".Length..])).Width > 1000);

        var document = (await WaitForBotAsync(_app, learner.PrivateChat, m => m.GetProperty("attachment").GetString()?.EndsWith(".pdf", StringComparison.Ordinal) == true)).GetProperty("message");
        var pdfLink = new Uri(document.GetProperty("link").GetString()!);
        Assert.Equal($"{_app.BaseAddress.ToString().TrimEnd('/')}/verify/{code}/certificate.pdf", pdfLink.ToString());
        var pdf = await _app.Client.GetAsync(pdfLink);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.Contains("王小明", await CertificateFiles.PdfTextAsync(await pdf.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);

        // The public page, in the browser's language, without signing in.
        var page = await GetAsync($"/verify/{code}", "zh-CN,zh;q=0.9");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("王小明", html, StringComparison.Ordinal);
        Assert.Contains("此证书有效", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        var forged = await GetAsync($"/verify/{CertificateIssueSuite.Forge(code)}", "vi");
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.Contains("Không tìm thấy chứng chỉ", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var unknown = await GetAsync($"/verify/{CertificateCode.New()}?lang=en", "zh-CN");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("Certificate not found", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/verify/%3Cscript%3E", "en")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/verify/{CertificateIssueSuite.Forge(code)}/certificate.pdf", "en")).StatusCode);

        // The form: a code typed in lower case without dashes lands on its page.
        using var raw = RawClient(_app);
        var typed = await raw.GetAsync(new Uri($"/verify?code={code.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant()}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, typed.StatusCode);
        Assert.Equal($"/verify/{code}", typed.Headers.Location!.ToString());

        // Asked again, it comes again; issuing again sends nothing more.
        await IssueAsync(_app, LearnerShanghai, "王小明");
        var last = await LastIdAsync(_app, learner.PrivateChat);
        await learner.SayAsync(learner.PrivateChat, "/certificate");
        await WaitForBotAsync(_app, learner.PrivateChat, m => m.GetProperty("attachment").GetString()?.EndsWith(".pdf", StringComparison.Ordinal) == true, last);
        await PlaygroundSteps.SettledAsync(_app);
        Assert.Equal(2, (await PlaygroundSteps.BotMessagesAsync(_app, learner.PrivateChat, 0))
            .Count(m => m.GetProperty("attachment").GetString()?.EndsWith(".pdf", StringComparison.Ordinal) == true));
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM certificates"));

        // Revoked: the page says so, the PDF is gone.
        await using (var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            await _app.Services.GetRequiredService<Certificates>().RevokeAsync(s, code);
            await s.CommitAsync();
        }
        var revoked = await GetAsync($"/verify/{code}", "en");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var revokedHtml = await revoked.Content.ReadAsStringAsync();
        Assert.Contains("was revoked on", revokedHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("This certificate is valid", revokedHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Client.GetAsync(pdfLink)).StatusCode);
    }

    [Fact]
    public async Task A_learner_without_a_certificate_is_told_how_to_get_one()
    {
        var learner = await RegisterAsync(_app, LearnerHanoi);
        var last = await LastIdAsync(_app, learner.PrivateChat);
        await learner.SayAsync(learner.PrivateChat, "/certificate");
        await WaitForBotAsync(_app, learner.PrivateChat, m => Text(m).Contains("You have no certificate yet", StringComparison.Ordinal), last);
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string acceptLanguage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        return await _app.Client.SendAsync(request);
    }
}
