using Academy.Tests.Support;
using Microsoft.Playwright;
using static Academy.Tests.Support.PlaygroundSteps;

namespace Academy.Tests.Browser;

/// <summary>
/// The playground page in headless Chromium at a phone's width (390 px) and a laptop's (1280 px): the
/// message box in view, links that open, files that open and download, the page's language throughout.
/// </summary>
public sealed class PlaygroundPageTests : BrowserTest
{
    private const string AdminPhone = "+84903100200", Admin = "Nguyễn Thị Mai Anh";

    public static TheoryData<int, int> Screens => new() { { 390, 844 }, { 1280, 800 } };

    private async Task<IPage> OpenAsync(int width, int height)
    {
        var page = await Browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        await page.GotoAsync(App.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#title")).ToHaveTextAsync("Academy playground");
        await Assertions.Expect(page.Locator("#chats button").First).ToBeVisibleAsync();
        return page;
    }

    private static async Task ActAsAsync(IPage page, string name)
    {
        var option = page.Locator("#persona option", new() { HasText = name });
        await page.Locator("#persona").SelectOptionAsync((await option.GetAttributeAsync("value"))!);
    }

    private static async Task SendAsync(IPage page, string text)
    {
        await page.Locator("#text").FillAsync(text);
        await page.Locator("#send").ClickAsync();
    }

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task The_message_box_is_in_view_without_scrolling_however_tall_the_header_and_the_transcript(int width, int height)
    {
        var page = await OpenAsync(width, height);
        await ActAsAsync(page, Admin);
        for (int i = 0; i < 25; i++) await new PlaygroundUser(App, await page.Locator("#persona").InputValueAsync()).SayAsync("dm-" + await page.Locator("#persona").InputValueAsync(), $"line {i}");
        await Assertions.Expect(page.Locator(".msg", new() { HasText = "line 24" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, $"playground-{width}.png") });

        var header = (await page.Locator("header").BoundingBoxAsync())!;
        if (width == 390) Assert.True(header.Height > 52, $"the header is {header.Height} px: the test would not show a wrapped header"); // the wrapped header of a phone
        foreach (var id in new[] { "#text", "#send" })
        {
            var box = (await page.Locator(id).BoundingBoxAsync())!;
            Assert.True(box.Y >= header.Y + header.Height && box.Y + box.Height <= height, $"{id} is at y {box.Y}–{box.Y + box.Height} of a {height} px screen");
        }
        Assert.Equal(0, await page.EvaluateAsync<double>("() => window.scrollY"));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollHeight <= window.innerHeight"), "the page itself scrolls");
        // The newest message is in view too: the transcript scrolls inside its own box.
        var last = (await page.Locator(".msg", new() { HasText = "line 24" }).BoundingBoxAsync())!;
        Assert.True(last.Y + last.Height <= (await page.Locator("#text").BoundingBoxAsync())!.Y, "the newest message is hidden behind the composer");
    }

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task Links_in_messages_open_in_a_new_tab_and_only_web_addresses_become_links(int width, int height)
    {
        await RegisterAsync(App, await PersonaAsync(App, AdminPhone), "en");
        var page = await OpenAsync(width, height);
        await ActAsAsync(page, Admin);

        await SendAsync(page, "See https://example.org/a?b=1&c=2, not javascript:alert(1) nor <b>bold</b> or [x](javascript:alert(2)).");
        var mine = page.Locator(".msg.me", new() { HasText = "See " }).Last;
        var link = mine.Locator("a");
        await Assertions.Expect(link).ToHaveCountAsync(1);
        await Assertions.Expect(link).ToHaveAttributeAsync("href", "https://example.org/a?b=1&c=2");
        await Assertions.Expect(link).ToHaveAttributeAsync("target", "_blank");
        await Assertions.Expect(link).ToHaveAttributeAsync("rel", "noopener noreferrer");
        await Assertions.Expect(link).ToHaveTextAsync("https://example.org/a?b=1&c=2");
        await Assertions.Expect(mine).ToContainTextAsync("nor <b>bold</b> or [x](javascript:alert(2)).");
        await Assertions.Expect(mine.Locator("b")).ToHaveCountAsync(0);

        // A bot message with an address in it: the dashboard sign-in link, clickable.
        await SendAsync(page, "/dashboard");
        var signIn = page.Locator(".msg:not(.me) a[href*='/dashboard/signin?token=']");
        await Assertions.Expect(signIn).ToBeVisibleAsync();
        Assert.StartsWith(App.BaseAddress.ToString().TrimEnd('/'), await signIn.GetAttributeAsync("href"), StringComparison.Ordinal);
        // Markdown links (a lesson's media) too, and never to another scheme.
        Assert.Equal("<a href=\"https://example.org/v.mp4\" target=\"_blank\" rel=\"noopener noreferrer\">video</a> and [x](javascript:alert(1))",
            await page.EvaluateAsync<string>("() => markdown('[video](https://example.org/v.mp4) and [x](javascript:alert(1))')"));
    }

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task A_summarys_xlsx_and_csv_download_from_the_transcript(int width, int height)
    {
        var admin = await PersonaAsync(App, AdminPhone);
        await RegisterAsync(App, admin, "en");
        await admin.SayAsync("group-HN-01", "/summary");
        await SettledAsync(App);

        var page = await OpenAsync(width, height);
        await ActAsAsync(page, Admin);
        foreach (var (name, check) in new (string, Action<byte[]>)[]
                 {
                     ("HN-01-day-1.xlsx", bytes => Assert.Equal("HN-01 day 1", SpreadsheetReader.ReadXlsx(bytes).Name)),
                     ("HN-01-day-1.csv", bytes => Assert.Equal("Learner", SpreadsheetReader.ReadCsv(bytes)[0][0])),
                 })
        {
            var file = page.Locator(".msg .file", new() { HasText = name });
            await Assertions.Expect(file.Locator("a.open")).ToHaveTextAsync("📎 " + name);
            var download = await page.RunAndWaitForDownloadAsync(() => file.Locator("a.download").ClickAsync());
            Assert.Equal(name, download.SuggestedFilename);
            check(await File.ReadAllBytesAsync((await download.PathAsync())!));
        }
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, $"playground-files-{width}.png") });
    }

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task Roles_and_group_names_follow_the_pages_language(int width, int height)
    {
        var page = await OpenAsync(width, height);
        foreach (var (lang, role, group, learner) in new[]
                 {
                     ("vi", "quản trị viên", "Nhóm Hà Nội 1", "học viên"),
                     ("zh-Hans", "管理员", "河内 1 组", "学员"),
                     ("en", "admin", "Hanoi group 1", "learner"),
                 })
        {
            await page.Locator("#lang").SelectOptionAsync(lang);
            await Assertions.Expect(page.Locator("#persona option", new() { HasText = Admin })).ToHaveTextAsync($"{Admin} · {role}");
            await Assertions.Expect(page.Locator("#persona option", new() { HasText = "Lê Thị Hồng Nhung" })).ToHaveTextAsync($"Lê Thị Hồng Nhung · {learner} · HN-01");
            await Assertions.Expect(page.Locator("#chats button", new() { HasText = "HN-01" })).ToHaveTextAsync($"👥 HN-01 · {group}");
        }
    }
}
