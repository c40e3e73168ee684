using Academy.Tests.Support;
using Microsoft.Playwright;
using static Academy.Tests.Dashboard.DashboardSupport;

namespace Academy.Tests.Assessment;

/// <summary>The public verification page in headless Chromium: type a code, see the facts; a forged code is not found.</summary>
public sealed class VerifyBrowserTests : BrowserTest
{
    [Fact]
    public async Task Someone_types_the_code_from_the_paper_and_sees_the_certificate_then_a_forged_one_is_not_found()
    {
        await RegisterAsync(App, LearnerHanoi);
        var code = await CertificateHostTests.IssueAsync(App, LearnerHanoi, "Nguyễn Thị Hồng Ánh");

        var context = await Browser.NewContextAsync(new() { Locale = "vi-VN" });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        await page.GotoAsync(new Uri(App.BaseAddress, "/verify").ToString());
        Assert.Equal("Xác minh chứng chỉ", await page.InnerTextAsync("#page-title"));
        await page.FillAsync("#code", code.ToLowerInvariant());
        await page.ClickAsync("#verify");
        await page.WaitForURLAsync($"**/verify/{code}?lang=vi");
        Assert.Contains("Chứng chỉ này hợp lệ", await page.InnerTextAsync("#status"), StringComparison.Ordinal);
        var facts = await page.InnerTextAsync("#facts");
        Assert.Contains("Nguyễn Thị Hồng Ánh", facts, StringComparison.Ordinal);
        Assert.Contains(code, facts, StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "verify-valid.png"), FullPage = true });

        var forged = await page.GotoAsync(new Uri(App.BaseAddress, "/verify/" + CertificateIssueSuite.Forge(code)).ToString());
        Assert.Equal(404, forged!.Status);
        Assert.Equal("Không tìm thấy chứng chỉ", await page.InnerTextAsync("#page-title"));
        await page.ClickAsync("a[lang=zh-Hans]");
        Assert.Equal("未找到证书", await page.InnerTextAsync("#page-title"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "verify-not-found.png"), FullPage = true });
        // The 404 itself (and a favicon) log "Failed to load resource"; a blocked stylesheet would log a CSP refusal.
        Assert.DoesNotContain(errors, e => e.Contains("Content Security Policy", StringComparison.Ordinal));
        Assert.NotEqual("rgba(0, 0, 0, 0)", await page.EvalOnSelectorAsync<string>("header", "h => getComputedStyle(h).backgroundColor"));
    }
}
