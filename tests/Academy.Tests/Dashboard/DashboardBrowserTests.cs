using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Academy.Tests.Dashboard.DashboardSupport;
using static Academy.Tests.Support.PlaygroundUser;
using Academy.Learning.Content;

namespace Academy.Tests.Dashboard;

/// <summary>
/// The dashboard in headless Chromium, as an admin uses it: the link from the bot, then every page,
/// with the figures checked against what was seeded; screenshots beside the test binary.
/// </summary>
public sealed class DashboardBrowserTests : BrowserTest
{
    [Fact]
    public async Task An_admin_signs_in_through_the_link_and_every_page_shows_the_seeded_figures()
    {
        // Day 1 in Hanoi: two of the seven learners check in, one answers right and one wrong; an announcement went to the group.
        var admin = await RegisterAsync(App, Admin);
        var nhung = await RegisterAsync(App, LearnerHanoi);
        var tuan = await RegisterAsync(App, "+84914222333");
        const string group = "group-HN-01";
        await admin.SayAsync(group, "/push");
        var checkIn = await WaitForBotAsync(App, group, m => ButtonData(m).Any(d => d.StartsWith("ci:", StringComparison.Ordinal)));
        var quiz = await WaitForBotAsync(App, group, m => ButtonData(m).Any(d => d.StartsWith("q:", StringComparison.Ordinal)) &&
                                                           !ButtonData(m).Any(d => d.EndsWith(":submit", StringComparison.Ordinal)));
        var options = ButtonData(quiz.GetProperty("message")).ToList();
        foreach (var (learner, option) in new[] { (nhung, 0), (tuan, 1) })
        {
            var last = await LastIdAsync(App, group);
            await learner.PressAsync(group, ButtonData(checkIn.GetProperty("message")).Single());
            await WaitForBotAsync(App, group, m => m.GetProperty("notice").GetBoolean(), last);
            last = await LastIdAsync(App, group);
            await learner.PressAsync(group, options[option]);
            await WaitForBotAsync(App, group, m => m.GetProperty("notice").GetBoolean(), last);
        }
        var correct = await App.ScalarAsync<long>("SELECT COUNT(*) FROM answers WHERE correct = 1");
        Assert.Equal(2, await App.ScalarAsync<long>("SELECT COUNT(*) FROM answers"));
        await SeedAnnouncementAsync();

        // The link comes from the bot, in the admin's private chat.
        var link = await LinkAsync(App, admin);
        var page = await Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } });
        await page.GotoAsync(link.ToString());
        await page.Locator("#continue").ClickAsync();
        await Assertions.Expect(page.Locator("#page-title")).ToHaveTextAsync("Everyday Digital Safety — December 2026");

        // Overview: the whole cohort, figures as seeded.
        var enrolled = await App.ScalarAsync<long>("SELECT COUNT(*) FROM enrollments WHERE role = 'learner'");
        await Assertions.Expect(page.Locator("#fig-checkin .value")).ToHaveTextAsync($"{Math.Round(200.0 / enrolled)}%");
        await Assertions.Expect(page.Locator("#fig-checkin .detail")).ToContainTextAsync($"2 check-ins of {enrolled} learner-days");
        await Assertions.Expect(page.Locator("#fig-accuracy .value")).ToHaveTextAsync($"{correct * 50}%");
        await Assertions.Expect(page.Locator("#fig-participation .detail")).ToContainTextAsync($"2 of {enrolled} learners took part");
        // The course has a pre-test and a post-test, which nobody has finished yet: that is what it says.
        await Assertions.Expect(page.Locator("#prepost")).ToHaveTextAsync("The course has 2 exams, and nobody here has finished one yet.");
        await Assertions.Expect(page.Locator("#trend svg")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#groups tbody tr")).ToHaveCountAsync(3);
        await page.ScreenshotAsync(new() { Path = Shot("dashboard-overview.png"), FullPage = true });

        // Group drill-down: today's status and streaks.
        await page.Locator("#groups a", new() { HasText = "HN-01" }).ClickAsync();
        await Assertions.Expect(page.Locator("#today")).ToHaveTextAsync("Day 1: 2 of 7 checked in");
        var nhungRow = page.Locator("#roster tr", new() { HasText = "Lê Thị Hồng Nhung" });
        await Assertions.Expect(nhungRow).ToContainTextAsync("✓ checked in");
        await Assertions.Expect(nhungRow.Locator("td").Nth(2)).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#roster tr", new() { HasText = "Vũ Thu Hà" })).ToContainTextAsync("not registered with the bot");
        await page.ScreenshotAsync(new() { Path = Shot("dashboard-group.png"), FullPage = true });

        // Learner record.
        await nhungRow.Locator("a").ClickAsync();
        await Assertions.Expect(page.Locator("#page-title")).ToHaveTextAsync("Lê Thị Hồng Nhung");
        await Assertions.Expect(page.Locator("#checkins tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#answers tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#fig-streak .value")).ToHaveTextAsync("1");
        var ledgerRows = await App.ScalarAsync<long>("SELECT COUNT(*) FROM ledger l JOIN learners p ON p.id = l.learner_id WHERE p.phone = @p", new { p = LearnerHanoi });
        await Assertions.Expect(page.Locator("#ledger tbody tr")).ToHaveCountAsync((int)ledgerRows);
        await page.ScreenshotAsync(new() { Path = Shot("dashboard-learner.png"), FullPage = true });

        // Announcements: 1 copy sent, 1 of 7 read.
        await page.Locator("nav a[href='/dashboard/announcements']").ClickAsync();
        var row = page.Locator("#announcements tbody tr").First;
        await Assertions.Expect(row).ToContainTextAsync("Lịch học tuần sau <thay đổi>");
        await Assertions.Expect(row.Locator("td").Nth(4)).ToHaveTextAsync("1");
        await Assertions.Expect(row.Locator("td").Nth(8)).ToHaveTextAsync("1 of 7 (14%)");
        await page.ScreenshotAsync(new() { Path = Shot("dashboard-announcements.png"), FullPage = true });

        // Exports: a link per cohort and group, and the cohort's exam results, in both formats.
        await page.Locator("nav a[href='/dashboard/exports']").ClickAsync();
        await Assertions.Expect(page.Locator("ul.exports a[href$='/csv']")).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("ul.exports a[href$='/xlsx']")).ToHaveCountAsync(5);

        // Switch to Chinese; the choice sticks for the session.
        await page.Locator(".langs button[lang='zh-Hans']").ClickAsync();
        await Assertions.Expect(page.Locator("#page-title")).ToHaveTextAsync("导出");
        await page.Locator("nav a[href='/dashboard']").ClickAsync();
        await Assertions.Expect(page.Locator("#fig-checkin .label")).ToHaveTextAsync("签到率");

        // At phone width, the overview fits without sideways scrolling of the page.
        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        await page.ScreenshotAsync(new() { Path = Shot("dashboard-phone.png"), FullPage = true });

        await page.Locator("#signout").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToBeVisibleAsync();
        var after = await page.GotoAsync(new Uri(App.BaseAddress, "/dashboard").ToString());
        Assert.Equal(401, after!.Status);
    }

    private async Task SeedAnnouncementAsync()
    {
        // The announce tools write these rows (0009, and the audience frozen at send in 0011); here they are written directly.
        await using var s = await App.Services.GetRequiredService<AcademyDatabase>().BeginAsync();
        var adminId = await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = @p", new { p = Admin });
        var groupId = await s.ExecuteScalarAsync<long>("SELECT id FROM study_groups WHERE code = 'HN-01'");
        var reader = await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = @p", new { p = LearnerHanoi });
        var now = DateTimeOffset.Parse("2026-12-01T02:00:00Z").ToUnixTimeMilliseconds();
        var id = await s.ExecuteScalarAsync<long>(
            "INSERT INTO announcements (created_by, created_at, text, status, sent_at) VALUES (@adminId, @now, @text, 'sent', @now) RETURNING id",
            new { adminId, now, text = "Lịch học tuần sau <thay đổi>" });
        await s.ExecuteAsync(
            "INSERT INTO outbox (idem_key, channel, chat_id, payload, status, attempts, not_before, created_at, sent_at) VALUES ('ann/1/g', 'elsewhere', 'HN', '{}', 'sent', 1, @now, @now, @now)",
            new { now });
        await s.ExecuteAsync(
            "INSERT INTO announcement_copies (announcement_id, channel, chat_id, group_id, outbox_key) VALUES (@id, 'elsewhere', 'HN', @groupId, 'ann/1/g')",
            new { id, groupId });
        await s.ExecuteAsync("INSERT INTO announcement_groups (announcement_id, group_id) VALUES (@id, @groupId)", new { id, groupId });
        await s.ExecuteAsync(
            "INSERT INTO announcement_learners (announcement_id, learner_id) SELECT @id, learner_id FROM enrollments WHERE group_id = @groupId AND role = 'learner'",
            new { id, groupId });
        await s.ExecuteAsync("INSERT INTO announcement_reads (announcement_id, learner_id, read_at) VALUES (@id, @reader, @now)", new { id, reader, now });
        await s.CommitAsync();
    }

    private static string Shot(string name) => Path.Combine(AppContext.BaseDirectory, name);
}
