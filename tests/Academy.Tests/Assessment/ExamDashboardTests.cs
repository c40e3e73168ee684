using System.Net;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Academy.Tests.Dashboard.DashboardSupport;
using Academy.Learning.Content;

namespace Academy.Tests.Assessment;

/// <summary>Exam figures on the dashboard pages and in the per-learner export, through real HTTP as a signed-in admin and liaison.</summary>
public sealed class ExamDashboardTests : IAsyncLifetime
{
    private readonly AcademyApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Overview_group_and_learner_pages_show_the_exam_figures_and_the_export_lists_every_learner()
    {
        var admin = await RegisterAsync(_app, Admin);
        long cohortId, hanoi, first, other;
        await using (var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            cohortId = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts");
            hanoi = await s.ExecuteScalarAsync<long>("SELECT id FROM study_groups WHERE code = 'HN-01'");
            first = await s.ExecuteScalarAsync<long>("SELECT learner_id FROM enrollments WHERE role = 'learner' AND group_id = @hanoi ORDER BY learner_id LIMIT 1", new { hanoi });
            other = await s.ExecuteScalarAsync<long>("SELECT learner_id FROM enrollments WHERE role = 'learner' AND group_id <> @hanoi ORDER BY learner_id LIMIT 1", new { hanoi });
            var pre = await ExamSeed.ExamAsync(s, cohortId, "pre-1", "pre");
            var post = await ExamSeed.ExamAsync(s, cohortId, "post-1", "post", passMark: 80);
            await ExamSeed.AttemptAsync(s, pre, cohortId, first, 1, 40);
            await ExamSeed.AttemptAsync(s, post, cohortId, first, 1, 90, ("pw-01", 1), ("pw-02", 0));
            await ExamSeed.AttemptAsync(s, post, cohortId, other, 1, 70, ("pw-01", 0), ("pw-02", 0));
            await s.CommitAsync();
        }
        var enrolled = await _app.ScalarAsync<long>("SELECT COUNT(*) FROM enrollments WHERE role = 'learner'");
        var inHanoi = await _app.ScalarAsync<long>("SELECT COUNT(*) FROM enrollments WHERE role = 'learner' AND group_id = @hanoi", new { hanoi });
        using var client = RawClient(_app);
        var cookie = await SignInAsync(client, await LinkAsync(_app, admin));

        var overview = await PageAsync(client, "/dashboard", cookie);
        Assert.DoesNotContain("No pre-test or post-test yet", overview, StringComparison.Ordinal);
        Assert.Contains("Pre-test 40 → post-test 90 (gain +50; took both: 1)", overview, StringComparison.Ordinal);
        Assert.Contains($"<td>Post-test (post-1)</td><td>2/{enrolled} ({Math.Round(200.0 / enrolled)}%)</td><td>80</td><td>50%</td><td>0 / 1 / 0 / 1 / 0</td>", overview, StringComparison.Ordinal);
        // The hardest questions by their text (in the viewer's language), not their codes.
        Assert.Contains("<td>Post-test (post-1)</td><td class=\"text\">What is the main risk of using the same password on many websites?</td><td>0%</td><td>2</td>",
            overview, StringComparison.Ordinal);
        Assert.DoesNotContain("<td>pw-02</td>", overview, StringComparison.Ordinal);

        var group = await PageAsync(client, $"/dashboard/groups/{hanoi}", cookie);
        Assert.Contains($"<td>Post-test (post-1)</td><td>1/{inHanoi} ({Math.Round(100.0 / inHanoi)}%)</td><td>90</td><td>100%</td><td>0 / 1 / 0 / 0 / 0</td>", group, StringComparison.Ordinal);

        var learner = await PageAsync(client, $"/dashboard/learners/{first}", cookie);
        Assert.Contains("<td>Post-test (post-1)</td><td>90</td><td>yes</td><td>1</td>", learner, StringComparison.Ordinal);
        Assert.Contains("gain +50", learner, StringComparison.Ordinal);

        var export = await DashboardSupportGetAsync(client, $"/dashboard/exports/exams/{cohortId}/xlsx", cookie);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var csv = SpreadsheetReader.ReadCsv(await (await DashboardSupportGetAsync(client, $"/dashboard/exports/exams/{cohortId}/csv", cookie)).Content.ReadAsByteArrayAsync());
        Assert.Equal(["Learner", "Group", "Pre-test", "Post-test", "Gain", "pre-1 · Score", "pre-1 · Passed", "post-1 · Score", "post-1 · Passed"], csv[0]);
        Assert.Equal(enrolled, csv.Count - 1);
        var name = await _app.ScalarAsync<string>("SELECT name FROM learners WHERE id = @first", new { first });
        Assert.Equal([name, "HN-01", "40", "90", "50", "40", "FALSE", "90", "TRUE"], csv.Single(r => r[0] == name));
        Assert.NotEmpty(SpreadsheetReader.ReadXlsx(await export.Content.ReadAsByteArrayAsync()).Rows);
    }

    private static Task<HttpResponseMessage> DashboardSupportGetAsync(HttpClient client, string path, string cookie) =>
        Academy.Tests.Dashboard.DashboardSupport.GetAsync(client, path, cookie);

    private static async Task<string> PageAsync(HttpClient client, string path, string cookie)
    {
        var response = await Academy.Tests.Dashboard.DashboardSupport.GetAsync(client, path, cookie);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
