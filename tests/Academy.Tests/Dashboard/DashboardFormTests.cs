using System.Net;
using System.Text.RegularExpressions;
using Academy.Tests.Support;
using static Academy.Tests.Dashboard.DashboardSupport;

namespace Academy.Tests.Dashboard;

/// <summary>
/// What other sites cannot make a signed-in (or signing-in) browser do: sign in with someone else's
/// link, or change the dashboard's language; and where the language switch may send the browser back to.
/// </summary>
public sealed partial class DashboardFormTests : IAsyncLifetime
{
    private readonly AcademyApp _app = new();
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _http = RawClient(_app);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_sign_in_posted_from_another_site_is_refused_and_the_link_stays_unused()
    {
        var link = await LinkAsync(_app, await RegisterAsync(_app, Admin));
        var token = System.Web.HttpUtility.ParseQueryString(link.Query)["token"]!;

        foreach (var headers in new[]
                 {
                     new[] { ("Sec-Fetch-Site", "cross-site") },
                     [("Sec-Fetch-Site", "same-site")],                // a sibling subdomain is another site's page too
                     [("Origin", "https://evil.example")],             // a browser without Sec-Fetch-*
                     [("Sec-Fetch-Site", "cross-site"), ("Origin", "null")],
                 })
        {
            var response = await PostFormAsync("/dashboard/signin", [("token", token)], cookie: null, headers);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.False(response.Headers.Contains("Set-Cookie"));
            Assert.Contains("sent from another website", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM dashboard_sessions"));

        // The person's own press of "Continue" on the sign-in page still works with that link.
        var own = await PostFormAsync("/dashboard/signin", [("token", token)], cookie: null,
            ("Sec-Fetch-Site", "same-origin"), ("Origin", _app.BaseAddress.GetLeftPart(UriPartial.Authority)));
        Assert.Equal(HttpStatusCode.Redirect, own.StatusCode);
        Assert.Contains(own.Headers.GetValues("Set-Cookie"), c => c.StartsWith("academy_dashboard=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_language_switch_is_a_form_of_this_site_and_a_link_to_it_changes_nothing()
    {
        var cookie = await SignInAsync(_http, await LinkAsync(_app, await RegisterAsync(_app, Admin)));
        var page = await (await GetAsync(_http, "/dashboard/exports", cookie)).Content.ReadAsStringAsync();
        Assert.Contains("<form class=\"langs\" method=\"post\" action=\"/dashboard/lang\">", page, StringComparison.Ordinal);
        Assert.Contains("<input type=\"hidden\" name=\"back\" value=\"/dashboard/exports\">", page, StringComparison.Ordinal);
        Assert.Contains("<button type=\"submit\" name=\"language\" value=\"vi\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("/dashboard/lang/", page, StringComparison.Ordinal);

        // Another site's form, and a link (a GET anyone can make a browser send): the language stays.
        var forged = await PostFormAsync("/dashboard/lang", [("language", "vi"), ("back", "/dashboard/exports")], cookie,
            ("Sec-Fetch-Site", "cross-site"), ("Origin", "https://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        var link = await GetAsync(_http, "/dashboard/lang/vi?back=/dashboard/exports", cookie);
        Assert.Equal(HttpStatusCode.Redirect, link.StatusCode);
        Assert.Equal("/dashboard/exports", link.Headers.Location!.OriginalString);
        Assert.Equal("en", await PageLanguageAsync(cookie));

        // The page's own form.
        var chosen = await PostFormAsync("/dashboard/lang", [("language", "vi"), ("back", "/dashboard/exports")], cookie, ("Sec-Fetch-Site", "same-origin"));
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.Equal("/dashboard/exports", chosen.Headers.Location!.OriginalString);
        Assert.Equal("vi", await PageLanguageAsync(cookie));
    }

    [Fact]
    public async Task A_bad_back_address_goes_to_the_dashboard_and_a_dashboard_one_is_kept()
    {
        var cookie = await SignInAsync(_http, await LinkAsync(_app, await RegisterAsync(_app, Admin)));
        // As they appear in a query string (percent-encoded); the form posts them decoded.
        string[] bad =
        [
            "/dashboard%0d%0aX:1",          // a header injection: 500 before
            "/dashboard/%C3%A9",            // not ASCII, which a Location header cannot carry: 500 before
            "https://evil.example/",
            "//evil.example/dashboard",
            "/dashboard//evil.example",
            "/dashboard%5Cevil",
            "/dashboardx",
            "/health",
            "/dashboard/../metrics",
            "/dashboard/%252e%252e/metrics", // %2e%2e once decoded, which a browser reads as ..
            "/dashboard/a%20b",
            "",
        ];
        foreach (var back in bad)
        {
            var viaLink = await GetAsync(_http, "/dashboard/lang/en?back=" + back, cookie);
            Assert.True(viaLink.StatusCode == HttpStatusCode.Redirect, $"{back}: {viaLink.StatusCode}");
            Assert.Equal("/dashboard", viaLink.Headers.Location!.OriginalString);

            var viaForm = await PostFormAsync("/dashboard/lang", [("language", "zh-Hans"), ("back", Uri.UnescapeDataString(back))], cookie,
                ("Sec-Fetch-Site", "same-origin"));
            Assert.True(viaForm.StatusCode == HttpStatusCode.Redirect, $"{back}: {viaForm.StatusCode}");
            Assert.Equal("/dashboard", viaForm.Headers.Location!.OriginalString);
        }
        Assert.Equal("zh-Hans", await PageLanguageAsync(cookie)); // the choice itself was made

        foreach (var back in new[] { "/dashboard", "/dashboard/groups/2", "/dashboard?cohort=1", "/dashboard/exports/cohort/1/csv" })
        {
            var response = await PostFormAsync("/dashboard/lang", [("language", "vi"), ("back", back)], cookie, ("Sec-Fetch-Site", "same-origin"));
            Assert.Equal(back, response.Headers.Location!.OriginalString);
        }
    }

    private async Task<string> PageLanguageAsync(string cookie)
    {
        var html = await (await GetAsync(_http, "/dashboard", cookie)).Content.ReadAsStringAsync();
        return HtmlLang().Match(html).Groups[1].Value;
    }

    private async Task<HttpResponseMessage> PostFormAsync(string path, (string Name, string Value)[] fields, string? cookie, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        return await _http.SendAsync(request);
    }

    [GeneratedRegex("<html lang=\"([^\"]+)\"")]
    private static partial Regex HtmlLang();
}
