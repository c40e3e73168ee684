using System.Net;
using Academy.Learning.Localization;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Academy.Tests.Dashboard.DashboardSupport;
using Academy.Learning.Content;

namespace Academy.Tests.Dashboard;

/// <summary>What the dashboard's pages say, through real HTTP as a signed-in admin and liaison: true statements, the cohort's times, every page reachable.</summary>
public sealed class DashboardContentTests : IAsyncLifetime
{
    private static readonly Localizer En = Catalog.Default.For("en");

    // 09:00 on day 1 in Ho Chi Minh City.
    private readonly AcademyApp _app = new(time: new ShiftedTime(DateTimeOffset.Parse("2026-12-01T02:00:00Z")));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Before_anyone_finishes_an_exam_the_pages_say_so_and_list_the_courses_two_exams()
    {
        var admin = await RegisterAsync(_app, Admin);
        using var client = RawClient(_app);
        var cookie = await SignInAsync(client, await LinkAsync(_app, admin));

        var overview = await PageAsync(client, "/dashboard", cookie);
        Assert.Contains($"<p class=\"empty\" id=\"prepost\">{En.Get("web.dashboard.exams_no_attempts", ("count", 2))}</p>", overview, StringComparison.Ordinal);
        Assert.Contains("The course has 2 exams, and nobody here has finished one yet.", overview, StringComparison.Ordinal);
        Assert.DoesNotContain("has no exams", overview, StringComparison.Ordinal);
        Assert.Contains("<td>Pre-test</td><td>0/", overview, StringComparison.Ordinal); // the title, never the code
        Assert.Contains("<td>Post-test</td><td>0/", overview, StringComparison.Ordinal);

        var learner = await _app.ScalarAsync<long>("SELECT id FROM learners WHERE phone = @p", new { p = LearnerHanoi });
        var record = await PageAsync(client, $"/dashboard/learners/{learner}", cookie);
        Assert.Contains($"id=\"prepost\">{En["web.dashboard.learner_no_attempts"]}</p>", record, StringComparison.Ordinal);
        Assert.DoesNotContain("has no exams", record, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Survey_results_are_in_an_admins_navigation_and_not_in_a_liaisons()
    {
        var admin = await RegisterAsync(_app, Admin);
        var liaison = await RegisterAsync(_app, LiaisonHanoi);
        using var client = RawClient(_app);
        var adminCookie = await SignInAsync(client, await LinkAsync(_app, admin));
        var liaisonCookie = await SignInAsync(client, await LinkAsync(_app, liaison));

        foreach (var path in new[] { "/dashboard", "/dashboard/announcements", "/dashboard/exports", "/dashboard/surveys" })
            Assert.Contains("<a href=\"/dashboard/surveys\"", await PageAsync(client, path, adminCookie), StringComparison.Ordinal);
        Assert.Contains("<a href=\"/dashboard/surveys\" aria-current=\"page\">Surveys</a>", await PageAsync(client, "/dashboard/surveys", adminCookie), StringComparison.Ordinal);
        Assert.DoesNotContain("/dashboard/surveys", await PageAsync(client, "/dashboard", liaisonCookie), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Times_are_in_the_cohorts_time_zone_and_the_zone_is_named()
    {
        var admin = await RegisterAsync(_app, Admin);
        var learner = await RegisterAsync(_app, LearnerHanoi);
        long groupId, learnerId;
        await using (var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            groupId = await s.ExecuteScalarAsync<long>("SELECT id FROM study_groups WHERE code = 'HN-01'");
            learnerId = await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = @p", new { p = LearnerHanoi });
            var adminId = await s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = @p", new { p = Admin });
            // Sent at 02:00 UTC: 09:00 in Ho Chi Minh City, where the cohort is.
            var at = DateTimeOffset.Parse("2026-12-01T02:00:00Z").ToUnixTimeMilliseconds();
            var id = await s.ExecuteScalarAsync<long>(
                "INSERT INTO announcements (created_by, created_at, text, status) VALUES (@adminId, @at, 'Nghỉ học chiều nay', 'draft') RETURNING id",
                new { adminId, at });
            Assert.True(await Academy.Learning.Announcements.AnnouncementService.SetAudienceAsync(s, id,
                new Academy.Learning.Announcements.Audience(Academy.Learning.Announcements.AudienceKind.Groups, GroupIds: [groupId])));
            await s.ExecuteAsync("UPDATE announcements SET status = 'sent', sent_at = @at WHERE id = @id", new { id, at });
            await s.CommitAsync();
        }
        using var client = RawClient(_app);
        var cookie = await SignInAsync(client, await LinkAsync(_app, admin));

        var announcements = await PageAsync(client, "/dashboard/announcements", cookie);
        Assert.Contains("<td>2026-12-01 09:00 (Asia/Ho_Chi_Minh)</td><td class=\"text\">Nghỉ học chiều nay</td>", announcements, StringComparison.Ordinal);
        Assert.DoesNotContain("UTC", announcements, StringComparison.Ordinal);

        var note = $"<p class=\"zone\" id=\"zone\">{Academy.BotHost.Features.Dashboard.DashboardHtml.E(En.Get("web.dashboard.zone_note", ("zone", "Asia/Ho_Chi_Minh")))}</p>";
        Assert.Contains(note, await PageAsync(client, $"/dashboard/groups/{groupId}", cookie), StringComparison.Ordinal);
        Assert.Contains(note, await PageAsync(client, $"/dashboard/learners/{learnerId}", cookie), StringComparison.Ordinal);
        Assert.NotNull(learner);
    }

    private static async Task<string> PageAsync(HttpClient client, string path, string cookie)
    {
        var response = await GetAsync(client, path, cookie);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
