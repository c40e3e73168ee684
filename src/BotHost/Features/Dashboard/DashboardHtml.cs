using System.Globalization;
using System.Text;
using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Dashboard;

/// <summary>
/// Builds the dashboard's HTML. Every value goes through <see cref="E"/>; the only raw markup is
/// this class's own and the SVG charts (which escape their own texts).
/// </summary>
public sealed class DashboardHtml(Localizer text)
{
    private readonly StringBuilder _sb = new();

    public Localizer Text => text;

    // The five characters that matter in text and quoted attributes; Chinese and Vietnamese stay readable in the source.
    public static string E(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var sb = new StringBuilder(value.Length + 16);
        foreach (var c in value)
            sb.Append(c switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", '"' => "&quot;", '\'' => "&#39;", _ => c.ToString() });
        return sb.ToString();
    }

    public DashboardHtml Raw(string html) { _sb.Append(html); return this; }

    public DashboardHtml Tag(string tag, string? content, string? cls = null, string? id = null)
    {
        _sb.Append('<').Append(tag);
        if (cls is not null) _sb.Append(" class=\"").Append(E(cls)).Append('"');
        if (id is not null) _sb.Append(" id=\"").Append(E(id)).Append('"');
        _sb.Append('>').Append(E(content)).Append("</").Append(tag).Append('>');
        return this;
    }

    public DashboardHtml Link(string href, string content, string? cls = null)
    {
        _sb.Append("<a href=\"").Append(E(href)).Append('"');
        if (cls is not null) _sb.Append(" class=\"").Append(E(cls)).Append('"');
        _sb.Append('>').Append(E(content)).Append("</a>");
        return this;
    }

    /// <summary>A headline figure: a big value with its label (and a detail line).</summary>
    public DashboardHtml Figure(string id, string label, string value, string? detail = null)
    {
        _sb.Append("<div class=\"figure\" id=\"").Append(E(id)).Append("\"><div class=\"value\">").Append(E(value))
           .Append("</div><div class=\"label\">").Append(E(label)).Append("</div>");
        if (detail is not null) _sb.Append("<div class=\"detail\">").Append(E(detail)).Append("</div>");
        _sb.Append("</div>");
        return this;
    }

    /// <summary>
    /// A cell of free text (an announcement, a question) that wraps instead of widening the table, shown
    /// up to <paramref name="Shown"/> characters with the whole text one click away.
    /// </summary>
    public sealed record LongText(string Text, int Shown = 140);

    /// <summary>A table; a cell is text, a (text, href) link, or <see cref="LongText"/>. Wide tables scroll sideways on a phone.</summary>
    public DashboardHtml Table(string id, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object?>> rows, string? empty = null)
    {
        var list = rows.ToList();
        if (list.Count == 0 && empty is not null) return Tag("p", empty, "empty", id);
        _sb.Append("<div class=\"scroll\"><table id=\"").Append(E(id)).Append("\"><thead><tr>");
        foreach (var h in headers) _sb.Append("<th scope=\"col\">").Append(E(h)).Append("</th>");
        _sb.Append("</tr></thead><tbody>");
        foreach (var row in list)
        {
            _sb.Append("<tr>");
            foreach (var cell in row)
            {
                if (cell is LongText text)
                {
                    _sb.Append("<td class=\"text\">");
                    if (text.Text.Length <= text.Shown) _sb.Append(E(text.Text));
                    else _sb.Append("<details><summary>").Append(E(Cut(text.Text, text.Shown - 1))).Append("…</summary><div class=\"full\" aria-label=\"")
                            .Append(E(Text["web.dashboard.ann_full_text"])).Append("\">").Append(E(text.Text)).Append("</div></details>");
                    _sb.Append("</td>");
                    continue;
                }
                _sb.Append("<td>");
                if (cell is (string label, string href)) Link(href, label);
                else _sb.Append(E(Convert.ToString(cell, CultureInfo.InvariantCulture)));
                _sb.Append("</td>");
            }
            _sb.Append("</tr>");
        }
        _sb.Append("</tbody></table></div>");
        return this;
    }

    // At most length UTF-16 units, never half a surrogate pair.
    private static string Cut(string text, int length) =>
        text[..(char.IsHighSurrogate(text[length - 1]) ? length - 1 : length)].TrimEnd();

    public string Percent(double? share) => share is { } v ? Math.Round(v * 100).ToString(CultureInfo.InvariantCulture) + "%" : text["dashboard.none"];

    /// <summary>A signed-in viewer's page: the navigation shows what they may open (surveys: admins).</summary>
    public static string Page(DashboardViewer viewer, string title, string path, string main)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        return Page(viewer.Text, title, path, main, signedIn: true, surveys: viewer.IsAdmin);
    }

    /// <summary>The whole page around <paramref name="main"/>: header with navigation, language switch and sign-out.</summary>
    public static string Page(Localizer text, string title, string path, string main, bool signedIn = true, bool surveys = false)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"").Append(E(text.Language)).Append("\"><head><meta charset=\"utf-8\">")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
          .Append("<meta name=\"referrer\" content=\"no-referrer\">")
          .Append("<title>").Append(E(title)).Append(" · ").Append(E(text["dashboard.title"])).Append("</title>")
          .Append("<link rel=\"stylesheet\" href=\"/dashboard/assets/site.css\"></head><body><header><div class=\"brand\">")
          .Append(E(text["dashboard.title"])).Append("</div>");
        if (signedIn)
        {
            sb.Append("<nav>");
            (string Href, string Key)[] links = [("/dashboard", "dashboard.nav.overview"), ("/dashboard/announcements", "dashboard.nav.announcements"), ("/dashboard/exports", "dashboard.nav.exports")];
            if (surveys) links = [.. links, ("/dashboard/surveys", "web.dashboard.nav.surveys")];
            foreach (var (href, key) in links)
                sb.Append("<a href=\"").Append(href).Append('"').Append(path.Split('?')[0] == href ? " aria-current=\"page\"" : "").Append('>').Append(E(text[key])).Append("</a>");
            // A form, not links: choosing a language changes the session, and only this site's own pages may do that.
            sb.Append("</nav><div class=\"tools\"><form class=\"langs\" method=\"post\" action=\"/dashboard/lang\">")
              .Append("<input type=\"hidden\" name=\"back\" value=\"").Append(E(path)).Append("\">");
            foreach (var lang in Languages.All)
                sb.Append("<button type=\"submit\" name=\"language\" value=\"").Append(E(lang)).Append('"')
                  .Append(lang == text.Language ? " aria-current=\"true\"" : "").Append(" lang=\"").Append(E(lang)).Append("\">")
                  .Append(E(text["dashboard.language." + lang])).Append("</button>");
            sb.Append("</form><form method=\"post\" action=\"/dashboard/signout\"><button type=\"submit\" id=\"signout\">")
              .Append(E(text["dashboard.signout"])).Append("</button></form></div>");
        }
        sb.Append("</header><main><h1 id=\"page-title\">").Append(E(title)).Append("</h1>").Append(main).Append("</main></body></html>");
        return sb.ToString();
    }

    public override string ToString() => _sb.ToString();
}
