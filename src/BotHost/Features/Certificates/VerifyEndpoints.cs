using System.Globalization;
using System.Text;
using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.BotHost.Features.Dashboard;
using Academy.Learning.Content;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Certificates;

/// <summary>
/// The public verification pages: <c>/verify</c> (a form), <c>/verify/{code}</c> (the certificate's
/// facts, or 404 "not found") and <c>/verify/{code}/certificate.pdf</c>. No sign-in: the code is the
/// secret. With 75 random bits per code, guessing one by brute force at any rate a host can serve
/// is hopeless, so there is no rate limit; a mistyped code fails its check symbol before any
/// database read. The language is <c>?lang=</c>, else the browser's Accept-Language.
/// </summary>
public static class VerifyEndpoints
{
    public static WebApplication MapAcademyVerify(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(SecurityHeaders);
        app.MapGet("/verify", Form);
        app.MapGet("/verify/{code}", PageAsync);
        app.MapGet("/verify/{code}/certificate.pdf", PdfAsync);
        return app;
    }

    private static IResult Form(HttpContext http, string? code)
    {
        var text = Language(http);
        // The form submits by GET; a typed code goes to its canonical page (or to the not-found page).
        if (!string.IsNullOrWhiteSpace(code))
            return CertificateCode.Normalize(code) is { } canonical
                ? Results.Redirect($"/verify/{canonical}{LangQuery(http)}")
                : NotFound(http, text, code);
        return Html(Page(text, text["verify.title"], http, FormHtml(text, null)));
    }

    private static async Task<IResult> PageAsync(HttpContext http, string code, AcademyDatabase database)
    {
        var text = Language(http);
        Certificate? certificate;
        await using (var s = await database.BeginReadAsync(http.RequestAborted))
            certificate = await Academy.Learning.Credit.Certificates.FindAsync(s, code);
        if (certificate is null) return NotFound(http, text, code);

        var main = new StringBuilder();
        main.Append(certificate.Revoked
            ? $"<p class=\"status revoked\" id=\"status\">✗ {E(text.Get("verify.revoked", ("date", Date(certificate.RevokedOn!.Value))))}</p>"
            : $"<p class=\"status valid\" id=\"status\">✓ {E(text["verify.valid"])}</p>");
        main.Append("<div class=\"scroll\"><table id=\"facts\"><tbody>");
        foreach (var (key, value) in new[]
                 {
                     ("verify.name", Academy.Learning.Credit.Certificates.PrintedName(certificate.Name)),
                     ("verify.course", certificate.CourseTitle.In(text.Language)),
                     ("verify.dates", text.Get("certificate.art.dates", ("start", Date(certificate.Start)), ("finish", Date(certificate.Finish)))),
                     ("verify.hours", Academy.Learning.Credit.Certificates.Hours(certificate.CreditMinutes)),
                     ("verify.issued", Date(certificate.IssuedOn)),
                     ("verify.code", certificate.Code),
                 })
            main.Append("<tr><th scope=\"row\">").Append(E(text[key])).Append("</th><td>").Append(E(value)).Append("</td></tr>");
        main.Append("</tbody></table></div>");
        if (!certificate.Revoked)
            main.Append("<p><a id=\"pdf\" href=\"/verify/").Append(E(certificate.Code)).Append("/certificate.pdf\">").Append(E(text["verify.download"])).Append("</a></p>");
        return Html(Page(text, text["verify.title"], http, main.ToString()));
    }

    private static async Task<IResult> PdfAsync(HttpContext http, string code, AcademyDatabase database, CertificateRenderer renderer)
    {
        Certificate? certificate;
        await using (var s = await database.BeginReadAsync(http.RequestAborted))
            certificate = await Academy.Learning.Credit.Certificates.FindAsync(s, code);
        if (certificate is null || certificate.Revoked) return NotFound(http, Language(http), code);
        var pdf = await renderer.RenderAsync(certificate, "pdf", http.RequestAborted);
        return pdf is null
            ? Results.File(renderer.Svg(certificate), "image/svg+xml", $"certificate-{certificate.Code}.svg")
            : Results.File(pdf, "application/pdf", $"certificate-{certificate.Code}.pdf");
    }

    private static IResult NotFound(HttpContext http, Localizer text, string? typed)
    {
        var main = $"<p class=\"status revoked\" id=\"status\">{E(text.Get("verify.not_found_detail", ("code", typed?.Trim() ?? "")))}</p>" + FormHtml(text, typed);
        return Html(Page(text, text["verify.not_found"], http, main), StatusCodes.Status404NotFound);
    }

    private static string FormHtml(Localizer text, string? typed) =>
        $"<form method=\"get\" action=\"/verify\"><p>{E(text["verify.form_intro"])}</p><label for=\"code\">{E(text["verify.code_label"])}</label> " +
        $"<input id=\"code\" name=\"code\" autocomplete=\"off\" spellcheck=\"false\" maxlength=\"40\" value=\"{E(typed)}\">" +
        $"<input type=\"hidden\" name=\"lang\" value=\"{E(text.Language)}\"> <button type=\"submit\" id=\"verify\">{E(text["verify.submit"])}</button></form>";

    private static string Page(Localizer text, string title, HttpContext http, string main)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"").Append(E(text.Language)).Append("\"><head><meta charset=\"utf-8\">")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
          .Append("<meta name=\"referrer\" content=\"no-referrer\"><meta name=\"robots\" content=\"noindex\">")
          .Append("<title>").Append(E(title)).Append("</title><link rel=\"stylesheet\" href=\"/dashboard/assets/site.css\"></head><body><header><div class=\"brand\">")
          .Append(E(text["verify.brand"])).Append("</div><div class=\"tools\"><span class=\"langs\">");
        foreach (var lang in Languages.All)
            sb.Append("<a href=\"").Append(E(http.Request.Path + "?lang=" + lang)).Append('"').Append(lang == text.Language ? " aria-current=\"true\"" : "")
              .Append(" lang=\"").Append(E(lang)).Append("\">").Append(E(text["dashboard.language." + lang])).Append("</a>");
        sb.Append("</span></div></header><main><h1 id=\"page-title\">").Append(E(title)).Append("</h1>").Append(main).Append("</main></body></html>");
        return sb.ToString();
    }

    private static Localizer Language(HttpContext http)
    {
        var catalog = http.RequestServices.GetRequiredService<Catalog>();
        if (Languages.Normalize(http.Request.Query["lang"].ToString()) is { } chosen) return catalog.For(chosen);
        return DashboardEndpoints.BrowserLanguage(http);
    }

    private static string LangQuery(HttpContext http) =>
        Languages.Normalize(http.Request.Query["lang"].ToString()) is { } lang ? "?lang=" + lang : "";

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string E(string? value) => DashboardHtml.E(value);

    private static IResult Html(string html, int status = StatusCodes.Status200OK) => DashboardEndpoints.Html(html, status);

    private static async Task SecurityHeaders(HttpContext http, Func<Task> next)
    {
        if (http.Request.Path.StartsWithSegments("/verify"))
        {
            var h = http.Response.Headers;
            h.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h.CacheControl = "no-store";
        }
        await next();
    }
}
