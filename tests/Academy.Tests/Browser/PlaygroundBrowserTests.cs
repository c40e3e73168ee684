using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Academy.Learning.Content;

namespace Academy.Tests.Browser;

/// <summary>
/// The playground in headless Chromium, as a newcomer uses it: pick a persona, register, open the
/// group, push the day as the admin, check in and answer the quiz as the learner.
/// </summary>
public sealed class PlaygroundBrowserTests : BrowserTest
{
    [Fact]
    public async Task A_newcomer_registers_joins_the_group_checks_in_and_answers_the_quiz()
    {
        var page = await Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 850 } });
        await page.GotoAsync(App.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#title")).ToHaveTextAsync("Academy playground");

        // The admin registers in private and pushes day 1 into the Hanoi group.
        await ActAsAsync(page, "Nguyễn Thị Mai Anh");
        await RegisterAsync(page, "English", "Welcome, Nguyễn Thị Mai Anh!");
        await page.Locator("#chats button", new() { HasText = "HN-01" }).ClickAsync();
        await SendAsync(page, "/push");
        await Assertions.Expect(page.Locator(".msg", new() { HasText = "Điểm danh ngày 1" }).First).ToBeVisibleAsync();

        // A learner registers in Vietnamese, opens the group, checks in and answers.
        await ActAsAsync(page, "Lê Thị Hồng Nhung");
        await RegisterAsync(page, "Tiếng Việt", "Chào mừng Lê Thị Hồng Nhung!");
        await page.Locator("#chats button", new() { HasText = "HN-01" }).ClickAsync();
        await page.Locator(".msg button", new() { HasText = "Điểm danh" }).First.ClickAsync();
        await Assertions.Expect(page.Locator(".msg.notice", new() { HasText = "Đã điểm danh ngày 1" })).ToBeVisibleAsync();
        // A single-answer question: one press answers it (several answers are ticked, then submitted).
        var quiz = page.Locator(".msg", new() { Has = page.Locator(".buttons") })
            .Filter(new() { HasNot = page.Locator("button", new() { HasText = "Nộp câu trả lời" }) }).Last;
        await quiz.Locator("button").First.ClickAsync();
        await Assertions.Expect(page.Locator(".msg.notice", new() { HasText = "Chính xác" }).Or(page.Locator(".msg.notice", new() { HasText = "Chưa đúng" })).First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "playground.png"), FullPage = true });

        await using var s = await App.Services.GetRequiredService<AcademyDatabase>().BeginReadAsync();
        Assert.Equal(1, await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM checkins"));
        Assert.Equal(1, await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM answers"));
    }

    private static async Task ActAsAsync(IPage page, string name)
    {
        var option = page.Locator("#persona option", new() { HasText = name });
        await page.Locator("#persona").SelectOptionAsync((await option.GetAttributeAsync("value"))!);
    }

    private static async Task RegisterAsync(IPage page, string language, string welcome)
    {
        await SendAsync(page, "/start");
        await page.Locator(".msg button", new() { HasText = language }).Last.ClickAsync();
        await page.Locator("button.contact").Last.ClickAsync();
        await Assertions.Expect(page.Locator(".msg", new() { HasText = welcome })).ToBeVisibleAsync();
        // Nothing left to press twice: the language buttons gave way to the choice made, and the share button went.
        await Assertions.Expect(page.Locator(".msg", new() { HasText = "✓" }).Filter(new() { HasText = language })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".msg button", new() { HasText = language })).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("button.contact")).ToHaveCountAsync(0);
    }

    private static async Task SendAsync(IPage page, string text)
    {
        await page.Locator("#text").FillAsync(text);
        await page.Locator("#send").ClickAsync();
    }
}
