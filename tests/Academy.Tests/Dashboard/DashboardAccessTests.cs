using System.Net;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Academy.Tests.Dashboard.DashboardSupport;
using static Academy.Tests.Support.PlaygroundUser;
using Academy.Learning.Content;

namespace Academy.Tests.Dashboard;

/// <summary>
/// Signing in to the dashboard through the real endpoints: the link the bot sends, its one use and
/// expiry, the session cookie, sign-out, and what a liaison may not see.
/// </summary>
public sealed class DashboardAccessTests : IAsyncLifetime
{
    // 09:00 on 2026-12-01 in Ho Chi Minh City: day 1 of the sample cohort.
    private readonly JumpingTime _time = new(DateTimeOffset.Parse("2026-12-01T02:00:00Z"));
    private readonly AcademyApp _app;
    private readonly HttpClient _http;

    public DashboardAccessTests()
    {
        _app = new AcademyApp(new Dictionary<string, string?> { ["Dashboard:LinkLifetime"] = "00:05:00" }, time: _time);
        _http = RawClient(_app);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("/dashboard")]
    [InlineData("/dashboard/groups/1")]
    [InlineData("/dashboard/learners/3")]
    [InlineData("/dashboard/announcements")]
    [InlineData("/dashboard/exports/cohort/1/csv")]
    [InlineData("/dashboard/no-such-page")]
    public async Task Without_a_session_every_page_answers_401_and_says_how_to_get_a_link(string path)
    {
        var response = await GetAsync(_http, path, cookie: null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("send /dashboard to the Academy bot", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        // A made-up session cookie is no session either; the page speaks the browser's language.
        using var forged = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        forged.Headers.Add("Cookie", "academy_dashboard=" + new string('A', 43));
        forged.Headers.Add("Accept-Language", "vi-VN,vi;q=0.9");
        var vi = await _http.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Unauthorized, vi.StatusCode);
        Assert.Contains("hãy gửi /dashboard", await vi.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_liaison_gets_a_link_that_opens_one_session_once_and_signs_out()
    {
        var liaison = await RegisterAsync(_app, LiaisonHanoi);
        var link = await LinkAsync(_app, liaison);
        Assert.Equal(_app.BaseAddress.GetLeftPart(UriPartial.Authority), link.GetLeftPart(UriPartial.Authority));

        // Only a hash is stored: the token in the link is nowhere in the database.
        var token = System.Web.HttpUtility.ParseQueryString(link.Query)["token"]!;
        Assert.Equal(43, token.Length);
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM dashboard_links WHERE token_hash = @token", new { token }));
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM dashboard_links"));

        // Opening the link (as a chat app's preview robot would) does not use it up; pressing Continue does.
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(link)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(link)).StatusCode);
        var signIn = await PressContinueAsync(_http, link);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/dashboard", signIn.Headers.Location!.OriginalString);
        var setCookie = signIn.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        // The session's lifetime (12 h) as Max-Age, so a browser whose clock is off keeps it just as long.
        Assert.Contains("max-age=43200", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase); // plain http on loopback
        var cookie = setCookie.Split(';')[0];

        var overview = await GetAsync(_http, "/dashboard", cookie);
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        Assert.Contains("Programme day 1 of 12", await overview.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The same link again: refused, and no second session.
        var reused = await PressContinueAsync(_http, link);
        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
        Assert.False(reused.Headers.Contains("Set-Cookie"));
        Assert.Contains("expired or has already been used", await reused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.GetAsync(link)).StatusCode);
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM dashboard_sessions"));

        // Sign-out ends the session on the server, not only in this browser.
        using var signOut = new HttpRequestMessage(HttpMethod.Post, new Uri("/dashboard/signout", UriKind.Relative));
        signOut.Headers.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(signOut)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(_http, "/dashboard", cookie)).StatusCode);
    }

    [Fact]
    public async Task A_sign_out_posted_from_another_site_is_refused_and_the_session_stays()
    {
        var cookie = await SignInAsync(_http, await LinkAsync(_app, await RegisterAsync(_app, Admin)));
        using var forged = new HttpRequestMessage(HttpMethod.Post, new Uri("/dashboard/signout", UriKind.Relative));
        forged.Headers.Add("Cookie", cookie);
        forged.Headers.Add("Sec-Fetch-Site", "cross-site");
        forged.Headers.Add("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await _http.SendAsync(forged)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(_http, "/dashboard", cookie)).StatusCode);
    }

    [Fact]
    public async Task An_expired_link_is_refused_and_a_session_ends_at_its_expiry()
    {
        var admin = await RegisterAsync(_app, Admin);
        var stale = await LinkAsync(_app, admin);
        _time.Jump(TimeSpan.FromMinutes(6)); // Dashboard:LinkLifetime is 5 minutes here
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.GetAsync(stale)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PressContinueAsync(_http, stale)).StatusCode);
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM dashboard_sessions"));

        var cookie = await SignInAsync(_http, await LinkAsync(_app, admin));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(_http, "/dashboard", cookie)).StatusCode);
        _time.Jump(TimeSpan.FromHours(12) + TimeSpan.FromMinutes(1)); // Dashboard:SessionLifetime default
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(_http, "/dashboard", cookie)).StatusCode);
    }

    [Fact]
    public async Task A_learner_asking_for_the_dashboard_gets_the_polite_refusal_and_no_link()
    {
        var learner = await RegisterAsync(_app, LearnerHanoi);
        await learner.SayAsync(learner.PrivateChat, "/dashboard");
        var refusal = await WaitForBotAsync(_app, learner.PrivateChat, m => Text(m).StartsWith("Sorry, that needs the liaison role", StringComparison.Ordinal));
        Assert.DoesNotContain("token=", Text(refusal.GetProperty("message")), StringComparison.Ordinal);
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM dashboard_links"));
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'refused' AND detail = '/dashboard'"));
    }

    [Fact]
    public async Task A_liaison_sees_only_their_own_group_on_every_page_and_export()
    {
        var liaison = await RegisterAsync(_app, LiaisonHanoi);
        var cookie = await SignInAsync(_http, await LinkAsync(_app, liaison));
        long Group(string code) => _app.ScalarAsync<long>("SELECT id FROM study_groups WHERE code = @code", new { code }).GetAwaiter().GetResult();
        var hanoi = Group("HN-01");
        var shanghai = Group("SH-01");
        var cohort = await _app.ScalarAsync<long>("SELECT id FROM cohorts");
        var shanghaiLearner = await _app.ScalarAsync<long>("SELECT id FROM learners WHERE phone = @p", new { p = LearnerShanghai });
        var hanoiLearner = await _app.ScalarAsync<long>("SELECT id FROM learners WHERE phone = @p", new { p = LearnerHanoi });

        var overview = await (await GetAsync(_http, "/dashboard", cookie)).Content.ReadAsStringAsync();
        Assert.Contains("HN-01", overview, StringComparison.Ordinal);
        Assert.DoesNotContain("SH-01", overview, StringComparison.Ordinal);
        Assert.DoesNotContain("HCM-01", overview, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(_http, $"/dashboard/groups/{hanoi}", cookie)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(_http, $"/dashboard/learners/{hanoiLearner}", cookie)).StatusCode);
        foreach (var path in new[]
                 {
                     $"/dashboard/groups/{shanghai}", $"/dashboard/learners/{shanghaiLearner}", $"/dashboard/exports/group/{shanghai}/csv",
                     $"/dashboard/exports/group/{shanghai}/xlsx", $"/dashboard/groups/999999", $"/dashboard/exports/cohort/{cohort + 1000}/csv",
                 })
            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(_http, path, cookie)).StatusCode);
        var exports = await (await GetAsync(_http, "/dashboard/exports", cookie)).Content.ReadAsStringAsync();
        Assert.Contains($"/dashboard/exports/group/{hanoi}/csv", exports, StringComparison.Ordinal);
        Assert.DoesNotContain($"/dashboard/exports/group/{shanghai}/", exports, StringComparison.Ordinal);

        // The cohort file holds the liaison's group only (needs TableWriter from the liaison tools).
        var csv = await GetAsync(_http, $"/dashboard/exports/cohort/{cohort}/csv", cookie);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var text = System.Text.Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync());
        Assert.Contains("HN-01", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SH-01", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_xlsx_exports_open_and_match_the_data()
    {
        var admin = await RegisterAsync(_app, Admin);
        var cookie = await SignInAsync(_http, await LinkAsync(_app, admin));
        var cohort = await _app.ScalarAsync<long>("SELECT id FROM cohorts");
        var hanoi = await _app.ScalarAsync<long>("SELECT id FROM study_groups WHERE code = 'HN-01'");
        // Two Hanoi learners check in on day 1.
        var checkedIn = (await _app.QueryAsync<long>(
            "SELECT learner_id FROM enrollments WHERE group_id = @hanoi AND role = 'learner' ORDER BY id LIMIT 2", new { hanoi })).ToList();
        await using (var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            foreach (var learner in checkedIn)
                await s.ExecuteAsync(
                    "INSERT INTO checkins (cohort_id, learner_id, day, local_date, checked_in_at) VALUES (@cohort, @learner, 1, '2026-12-01', @at)",
                    new { cohort, learner, at = _time.GetUtcNow().ToUnixTimeMilliseconds() });
            await s.CommitAsync();
        }

        // The group file: one row per learner of the group, the check-ins where they happened.
        var group = await GetAsync(_http, $"/dashboard/exports/group/{hanoi}/xlsx", cookie);
        Assert.Equal(HttpStatusCode.OK, group.StatusCode);
        var sheet = SpreadsheetReader.ReadXlsx(await group.Content.ReadAsByteArrayAsync());
        var names = (await _app.QueryAsync<(long Id, string Name)>(
            "SELECT l.id, l.name FROM enrollments e JOIN learners l ON l.id = e.learner_id WHERE e.group_id = @hanoi AND e.role = 'learner'", new { hanoi })).ToList();
        Assert.Equal(names.Count + 1, sheet.Rows.Count);
        Assert.Equal(names.Select(n => n.Name).Order(StringComparer.Ordinal), sheet.Rows.Skip(1).Select(r => r[0].Value).Order(StringComparer.Ordinal));
        foreach (var row in sheet.Rows.Skip(1))
        {
            var id = names.Single(n => n.Name == row[0].Value).Id;
            Assert.Equal(checkedIn.Contains(id) ? 1 : 0, SpreadsheetReader.Number(row[3])); // check-ins
        }

        // The cohort file: one row per group, Hanoi with its two check-ins.
        var all = await GetAsync(_http, $"/dashboard/exports/cohort/{cohort}/xlsx", cookie);
        var groups = SpreadsheetReader.ReadXlsx(await all.Content.ReadAsByteArrayAsync());
        Assert.Equal(["HCM-01", "HN-01", "SH-01"], groups.Rows.Skip(1).Select(r => r[0].Value).Order(StringComparer.Ordinal));
        Assert.Equal(2, SpreadsheetReader.Number(groups.Rows.Skip(1).Single(r => r[0].Value == "HN-01")[6]));
        Assert.All(groups.Rows.Skip(1).Where(r => r[0].Value != "HN-01"), r => Assert.Equal(0, SpreadsheetReader.Number(r[6])));
    }
}
