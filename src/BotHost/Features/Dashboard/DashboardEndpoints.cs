using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Primitives;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Dashboard;

/// <summary>
/// The web dashboard at <c>/dashboard</c>: sign-in by the one-time link the bot sends, then
/// server-rendered pages scoped to what the viewer may see. Without a session every page answers
/// 401 with a page that says how to get a link.
/// </summary>
public static class DashboardEndpoints
{
    public const string CookieName = "academy_dashboard";
    private const string ViewerKey = "Academy-DashboardViewer";

    public static IServiceCollection AddAcademyDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(DashboardOptions.Section).Get<DashboardOptions>() ?? new DashboardOptions();
        var errors = options.Validate();
        if (errors.Count > 0) throw new InvalidOperationException(string.Join(" ", errors));
        services.AddSingleton(options);
        services.AddSingleton<DashboardAccess>();
        services.AddSingleton<DashboardLinks>();
        services.TryAddSingleton<Hosting.PublicOrigin>();
        return services;
    }

    public static WebApplication MapAcademyDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(SecurityHeaders);
        app.MapGet("/dashboard/assets/site.css", () => Results.Text(DashboardStyle.Css, "text/css; charset=utf-8"));
        app.MapGet("/dashboard/signin", SignInPageAsync);
        app.MapPost("/dashboard/signin", SignInAsync).DisableAntiforgery();

        var pages = app.MapGroup("/dashboard").AddEndpointFilter(RequireViewerAsync);
        pages.MapGet("", DashboardPages.OverviewAsync);
        pages.MapGet("/groups/{id:long}", DashboardPages.GroupAsync);
        pages.MapGet("/learners/{id:long}", DashboardPages.LearnerAsync);
        pages.MapGet("/announcements", DashboardPages.AnnouncementsAsync);
        pages.MapGet("/exports", DashboardPages.ExportsAsync);
        pages.MapGet("/exports/cohort/{id:long}/{format}", DashboardExports.CohortAsync);
        pages.MapGet("/exports/group/{id:long}/{format}", DashboardExports.GroupAsync);
        pages.MapGet("/surveys", DashboardSurveys.PageAsync);
        pages.MapGet("/surveys/{cohortId:long}/{surveyId:long}/{format}", DashboardSurveys.ExportAsync);
        pages.MapGet("/exports/exams/{id:long}/{format}", DashboardPages.ExamExportAsync);
        pages.MapPost("/lang", SetLanguageAsync).DisableAntiforgery();
        // The links of pages from before the switch became a form: back to the page, nothing changed.
        pages.MapGet("/lang/{language}", (string? back) => Results.Redirect(LocalBack(back)));
        pages.MapPost("/signout", SignOutAsync).DisableAntiforgery();
        pages.MapGet("/{**rest}", (HttpContext http) => NotFound(Viewer(http)));
        return app;
    }

    /// <summary>The signed-in viewer of this request (set by the filter).</summary>
    public static DashboardViewer Viewer(HttpContext http) => (DashboardViewer)http.Items[ViewerKey]!;

    public static IResult Html(string html, int status = StatusCodes.Status200OK) =>
        Results.Content(html, "text/html; charset=utf-8", null, status);

    public static IResult NotFound(DashboardViewer viewer) =>
        Html(DashboardHtml.Page(viewer, viewer.Text["dashboard.not_found"], "/dashboard",
            "<p>" + DashboardHtml.E(viewer.Text["dashboard.not_found_detail"]) + "</p>"), StatusCodes.Status404NotFound);

    // No script runs anywhere in the dashboard; styles come from one file; nothing may frame it; and
    // the sign-in URL (which carries a token) never leaves in a Referer.
    private static async Task SecurityHeaders(HttpContext http, Func<Task> next)
    {
        if (http.Request.Path.StartsWithSegments("/dashboard"))
        {
            var h = http.Response.Headers;
            h.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "no-referrer";
            h.CacheControl = "no-store";
        }
        await next();
    }

    private static async ValueTask<object?> RequireViewerAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var access = services.GetRequiredService<DashboardAccess>();
        var session = await access.FindSessionAsync(http.Request.Cookies[CookieName], http.RequestAborted);
        if (session is null) return SignedOut(http, StatusCodes.Status401Unauthorized, "dashboard.signed_out");
        // A form posted from another site never acts here (SameSite=Lax keeps the cookie off most, this the rest).
        // Origin is "null" for our own forms under Referrer-Policy: no-referrer, so Sec-Fetch-Site decides where sent.
        if (HttpMethods.IsPost(http.Request.Method) && IsCrossSite(http.Request))
            return SignedOut(http, StatusCodes.Status403Forbidden, "dashboard.signed_out");
        DashboardViewer? viewer;
        await using (var s = await services.GetRequiredService<AcademyDatabase>().BeginReadAsync(http.RequestAborted))
            viewer = await DashboardViewer.LoadAsync(s, session, services.GetRequiredService<Catalog>(), services.GetRequiredService<LearnerDirectory>());
        if (viewer is null) return SignedOut(http, StatusCodes.Status403Forbidden, "dashboard.no_role");
        http.Items[ViewerKey] = viewer;
        return await next(context);
    }

    private static bool IsCrossSite(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0) return site is not ("same-origin" or "none");
        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0 && origin != "null" &&
               !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }

    internal static Localizer BrowserLanguage(HttpContext http)
    {
        var catalog = http.RequestServices.GetRequiredService<Catalog>();
        var header = http.Request.Headers.AcceptLanguage.ToString();
        var first = header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.Split(';')[0]).Select(Languages.Normalize).FirstOrDefault(l => l is not null);
        return catalog.For(first);
    }

    private static IResult SignedOut(HttpContext http, int status, string messageKey)
    {
        var text = BrowserLanguage(http);
        var main = "<p id=\"message\">" + DashboardHtml.E(text[messageKey]) + "</p><p>" + DashboardHtml.E(text["dashboard.how_to_sign_in"]) + "</p>";
        return Html(DashboardHtml.Page(text, text["dashboard.signin.title"], "/dashboard", main, signedIn: false), status);
    }

    // Opening the link shows a button; only pressing it uses the link up. Chat apps fetch links for
    // previews, and a GET that signed in would spend the one-time link on the preview robot.
    private static async Task<IResult> SignInPageAsync(HttpContext http, DashboardAccess access, string? token)
    {
        if (!await access.IsLinkValidAsync(token, http.RequestAborted))
            return SignedOut(http, StatusCodes.Status401Unauthorized, "dashboard.link_invalid");
        var text = BrowserLanguage(http);
        var main = "<p>" + DashboardHtml.E(text["dashboard.signin.intro"]) + "</p><form method=\"post\" action=\"/dashboard/signin\">" +
                   "<input type=\"hidden\" name=\"token\" value=\"" + DashboardHtml.E(token) + "\">" +
                   "<button type=\"submit\" id=\"continue\">" + DashboardHtml.E(text["dashboard.signin.continue"]) + "</button></form>";
        return Html(DashboardHtml.Page(text, text["dashboard.signin.title"], "/dashboard", main, signedIn: false));
    }

    private static async Task<IResult> SignInAsync(HttpContext http, DashboardAccess access, DashboardOptions options)
    {
        // Another site's form would sign this browser in as whoever's link that site holds (login CSRF).
        if (IsCrossSite(http.Request)) return SignedOut(http, StatusCodes.Status403Forbidden, "dashboard.cross_site");
        StringValues token = default;
        if (http.Request.HasFormContentType) token = (await http.Request.ReadFormAsync(http.RequestAborted))["token"];
        var session = await access.RedeemAsync(token.ToString(), http.RequestAborted);
        if (session is not { } opened) return SignedOut(http, StatusCodes.Status401Unauthorized, "dashboard.link_invalid");
        http.Response.Cookies.Append(CookieName, opened.Token, new CookieOptions
        {
            HttpOnly = true,
            // Lax, not Strict: the first visit arrives from a chat app, and Strict would drop the cookie there.
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            Path = "/dashboard",
            // Max-Age, not Expires: the browser counts it from now on its own clock, so a server and a
            // browser whose clocks disagree (a phone set hours off) still keep the cookie for the session's
            // lifetime. The server enforces the session's end itself.
            MaxAge = options.SessionLifetime,
        });
        return Results.Redirect("/dashboard", permanent: false, preserveMethod: false);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, DashboardAccess access)
    {
        await access.EndAsync(Viewer(http).Session, http.RequestAborted);
        http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/dashboard" });
        var text = Viewer(http).Text;
        return Html(DashboardHtml.Page(text, text["dashboard.signed_out_title"], "/dashboard",
            "<p id=\"message\">" + DashboardHtml.E(text["dashboard.signed_out_done"]) + "</p>", signedIn: false));
    }

    private static async Task<IResult> SetLanguageAsync(HttpContext http, DashboardAccess access)
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        var language = form?["language"].ToString();
        var back = LocalBack(form?["back"].ToString());
        if (Languages.Normalize(language) is not { } lang || !Languages.All.Contains(language)) return NotFound(Viewer(http));
        await access.SetLanguageAsync(Viewer(http).Session, lang, http.RequestAborted);
        return Results.Redirect(back);
    }

    /// <summary>
    /// Where "back" may lead: a path of the dashboard itself, in plain URL characters; anything else
    /// (another site, a path elsewhere, a line break or a character a header cannot carry) → /dashboard.
    /// </summary>
    internal static string LocalBack(string? back)
    {
        const string home = "/dashboard";
        if (string.IsNullOrEmpty(back) || back.Length > 2048) return home;
        if (!(back == home || back.StartsWith(home + "/", StringComparison.Ordinal) || back.StartsWith(home + "?", StringComparison.Ordinal))) return home;
        if (back.Any(c => c is <= ' ' or > '~' or '\\')) return home;
        if (back.Contains("//", StringComparison.Ordinal) || back.Contains("/.", StringComparison.Ordinal) ||
            back.Contains("%2e", StringComparison.OrdinalIgnoreCase)) return home;
        return back;
    }
}
