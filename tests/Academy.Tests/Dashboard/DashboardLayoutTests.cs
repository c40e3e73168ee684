using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Academy.Tests.Dashboard.DashboardSupport;
using Academy.Learning.Content;

namespace Academy.Tests.Dashboard;

/// <summary>The dashboard's layout on a laptop (1280 px) in headless Chromium: long texts wrap, every figure stays in view, every page is in the navigation.</summary>
public sealed class DashboardLayoutTests : BrowserTest
{
    // A long announcement with a web address that cannot break at a space.
    private static readonly string LongText =
        "Thông báo quan trọng về lịch học tuần sau: " + string.Concat(Enumerable.Repeat("các buổi học trực tuyến sẽ chuyển sang buổi tối, ", 9)) +
        "xem chi tiết tại https://academy.example.org/lich-hoc/tuan-sau/" + new string('x', 120) + " và phản hồi trước thứ Sáu.";

    [Fact]
    public async Task At_1280_px_a_long_announcement_wraps_keeps_every_figure_on_screen_and_its_whole_text_opens()
    {
        var admin = await RegisterAsync(App, Admin);
        await using (var s = await App.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            var adminId = await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = @p", new { p = Admin });
            var at = DateTimeOffset.Parse("2026-12-01T02:00:00Z").ToUnixTimeMilliseconds();
            await s.ExecuteAsync("INSERT INTO announcements (created_by, created_at, text, status, sent_at) VALUES (@adminId, @at, @text, 'sent', @at)",
                new { adminId, at, text = LongText });
            await s.CommitAsync();
        }
        var page = await Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        await page.GotoAsync((await LinkAsync(App, admin)).ToString());
        await page.Locator("#continue").ClickAsync();

        // Every page is reachable from the navigation, the survey results included.
        await page.Locator("nav a[href='/dashboard/surveys']").ClickAsync();
        await Assertions.Expect(page.Locator("#page-title")).ToHaveTextAsync("Survey results");

        await page.Locator("nav a[href='/dashboard/announcements']").ClickAsync();
        var row = page.Locator("#announcements tbody tr").First;
        await Assertions.Expect(row).ToContainTextAsync("Thông báo quan trọng");
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "dashboard-announcements-1280.png"), FullPage = true });

        // The table does not scroll sideways, and the last column (read) is on screen.
        Assert.True(await page.EvaluateAsync<bool>("() => { const s = document.querySelector('#announcements').closest('.scroll'); return s.scrollWidth <= s.clientWidth; }"),
            "the announcements table is wider than its box");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways");
        var read = (await row.Locator("td").Nth(8).BoundingBoxAsync())!;
        Assert.True(read.X >= 0 && read.X + read.Width <= 1280, $"the read figure is at x {read.X}–{read.X + read.Width}, off a 1280 px screen");
        var text = (await row.Locator("td").Nth(1).BoundingBoxAsync())!;
        Assert.True(text.Width < 500, $"the text column is {text.Width} px wide");

        // The shortened text opens to the whole text.
        var summary = row.Locator("td.text summary");
        await Assertions.Expect(summary).ToContainTextAsync("…");
        await Assertions.Expect(row.Locator("td.text .full")).Not.ToBeVisibleAsync();
        await summary.ClickAsync();
        await Assertions.Expect(row.Locator("td.text .full")).ToBeVisibleAsync();
        await Assertions.Expect(row.Locator("td.text .full")).ToHaveTextAsync(LongText);
        var opened = (await row.Locator("td").Nth(8).BoundingBoxAsync())!;
        Assert.True(opened.X + opened.Width <= 1280, "opening the text pushed the figures off screen");
    }
}
