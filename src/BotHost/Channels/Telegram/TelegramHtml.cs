using System.Text;

namespace Academy.BotHost.Channels.Telegram;

/// <summary>
/// Telegram's HTML parse mode: escaping, the Markdown subset Academy writes, and splitting long
/// HTML into messages. Telegram's length limits count the text after parsing (tags and entities
/// don't count), in UTF-16 code units.
/// </summary>
public static class TelegramHtml
{
    public const int MaxTextLength = 4096;
    public const int MaxCaptionLength = 1024;

    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);

    private static string EscapeAttribute(string text) => Escape(text).Replace("\"", "&quot;", StringComparison.Ordinal);

    /// <summary>
    /// **bold**, *italic* or _italic_, `code`, [text](https://…), "# " heading lines (bold) and "- " list
    /// lines (•). Spans never cross a line, so every line's tags are balanced on their own; anything
    /// that is not well-formed Markdown stays literal text. Backslash escapes a marker. Code is shown
    /// exactly as written: no marker inside it is read, and a backtick inside is written with a longer
    /// fence (``a ` b``).
    /// </summary>
    public static string FromMarkdown(string markdown)
    {
        var html = new StringBuilder(markdown.Length + 32);
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0) html.Append('\n');
            var line = lines[i];
            var heading = HeadingText(line);
            if (heading is not null) html.Append("<b>").Append(Inline(heading, nested: true)).Append("</b>");
            else if (line.StartsWith("- ", StringComparison.Ordinal)) html.Append("• ").Append(Inline(line[2..]));
            else html.Append(Inline(line));
        }
        return html.ToString();
    }

    private static string? HeadingText(string line)
    {
        var level = 0;
        while (level < line.Length && level < 6 && line[level] == '#') level++;
        return level > 0 && level < line.Length && line[level] == ' ' ? line[(level + 1)..].Trim() : null;
    }

    // Telegram lets no entity contain code, nor code be part of bold, italic or a link: inside those
    // (nested) a code span is its plain text, without its backticks.
    private static string Inline(string text, bool nested = false)
    {
        var html = new StringBuilder(text.Length + 16);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length && text[i + 1] is '*' or '_' or '[' or ']' or '\\' or '#' or '-' or '`')
            {
                html.Append(Escape(text[i + 1].ToString()));
                i += 2;
                continue;
            }
            if (c == '`')
            {
                var fence = Run(text, i, '`');
                if (TryCode(text, i, fence, out var code, out var codeEnd))
                {
                    if (nested) html.Append(Escape(code));
                    else html.Append("<code>").Append(Escape(code)).Append("</code>");
                    i = codeEnd;
                }
                else
                {
                    // No closing fence of the same length: the backticks are text (all of them, so a
                    // shorter fence inside this run cannot open a span of its own).
                    html.Append(text, i, fence);
                    i += fence;
                }
                continue;
            }
            if (c == '*' && At(text, i + 1) == '*' && TryClose(text, i + 2, "**", out var boldEnd))
            {
                html.Append("<b>").Append(Inline(text[(i + 2)..boldEnd], nested: true)).Append("</b>");
                i = boldEnd + 2;
                continue;
            }
            if (c is '*' or '_' && OpensEmphasis(text, i) && TryCloseEmphasis(text, i, out var italicEnd))
            {
                html.Append("<i>").Append(Inline(text[(i + 1)..italicEnd], nested: true)).Append("</i>");
                i = italicEnd + 1;
                continue;
            }
            if (c == '[' && TryLink(text, i, out var label, out var url, out var linkEnd))
            {
                html.Append("<a href=\"").Append(EscapeAttribute(url)).Append("\">").Append(Inline(label, nested: true)).Append("</a>");
                i = linkEnd;
                continue;
            }
            html.Append(c switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", _ => c.ToString() });
            i++;
        }
        return html.ToString();
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    private static int Run(string text, int from, char c)
    {
        var end = from;
        while (end < text.Length && text[end] == c) end++;
        return end - from;
    }

    // A code span closes at the next run of exactly as many backticks as opened it; one space just
    // inside each fence is padding (so a span can start or end with a backtick), as in CommonMark.
    private static bool TryCode(string text, int open, int fence, out string code, out int end)
    {
        code = "";
        end = 0;
        for (var i = open + fence; i < text.Length;)
        {
            if (text[i] != '`')
            {
                i++;
                continue;
            }
            var run = Run(text, i, '`');
            if (run == fence)
            {
                code = text[(open + fence)..i];
                if (code.Length >= 2 && code[0] == ' ' && code[^1] == ' ' && code.Trim().Length > 0) code = code[1..^1];
                end = i + run;
                return code.Trim().Length > 0;
            }
            i += run;
        }
        return false;
    }

    private static bool TryClose(string text, int from, string marker, out int end)
    {
        end = text.IndexOf(marker, from, StringComparison.Ordinal);
        return end > from && !char.IsWhiteSpace(text[from]) && !char.IsWhiteSpace(text[end - 1]);
    }

    // Emphasis only at word edges, so snake_case names and 2*3*4 stay as written.
    private static bool OpensEmphasis(string text, int i) =>
        (i == 0 || !char.IsLetterOrDigit(text[i - 1])) && i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1]) && text[i + 1] != text[i];

    private static bool TryCloseEmphasis(string text, int open, out int end)
    {
        var marker = text[open];
        for (end = open + 2; end < text.Length; end++)
        {
            if (text[end] != marker || char.IsWhiteSpace(text[end - 1])) continue;
            if (end + 1 < text.Length && (char.IsLetterOrDigit(text[end + 1]) || text[end + 1] == marker)) continue;
            return true;
        }
        return false;
    }

    private static bool TryLink(string text, int open, out string label, out string url, out int end)
    {
        label = url = "";
        end = 0;
        var close = text.IndexOf("](", open + 1, StringComparison.Ordinal);
        if (close <= open + 1) return false;
        var urlEnd = text.IndexOf(')', close + 2);
        if (urlEnd < 0) return false;
        url = text[(close + 2)..urlEnd];
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || url.Any(char.IsWhiteSpace))
            return false;
        label = text[(open + 1)..close];
        end = urlEnd + 1;
        return true;
    }

    /// <summary>The text a reader sees: tags dropped, entities counted as one character.</summary>
    public static int VisibleLength(string html) => Tokenize(html).Sum(t => t.Visible);

    /// <summary>
    /// Splits HTML into parts of at most <paramref name="limit"/> visible characters, preferring a
    /// paragraph break, then a line break, then a space, and never cutting a tag, an entity or a
    /// surrogate pair. Tags open at a cut are closed at the end of the part and reopened at the
    /// start of the next, so each part parses on its own. The separator stays at the end of the
    /// earlier part (Telegram trims it), so the parts concatenate to the original.
    /// </summary>
    public static IReadOnlyList<string> Split(string html, int limit = MaxTextLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 16);
        var tokens = Tokenize(html);
        var parts = new List<string>();
        var open = new List<Token>(); // tags open at the start of the current part
        var start = 0;
        while (start < tokens.Count)
        {
            var (end, openAtEnd) = FindCut(tokens, start, open, limit);
            var part = new StringBuilder();
            foreach (var tag in open) part.Append(tag.Text);
            for (var t = start; t < end; t++) part.Append(tokens[t].Text);
            for (var t = openAtEnd.Count - 1; t >= 0; t--) part.Append("</").Append(TagName(openAtEnd[t].Text)).Append('>');
            var text = part.ToString();
            if (tokens.Skip(start).Take(end - start).Any(t => t.Visible > 0 && !IsWhiteSpace(t.Text)))
                parts.Add(text);
            open = openAtEnd;
            start = end;
        }
        return parts;
    }

    private static (int End, List<Token> Open) FindCut(List<Token> tokens, int start, List<Token> openAtStart, int limit)
    {
        var open = new List<Token>(openAtStart);
        var visible = 0;
        // The best cut of each kind so far: token index after the separator, and the tags open there.
        (int End, int Visible, List<Token> Open)? paragraph = null, line = null, space = null;
        var t = start;
        for (; t < tokens.Count; t++)
        {
            var token = tokens[t];
            if (visible + token.Visible > limit) break;
            visible += token.Visible;
            if (token.Kind == TokenKind.Open) open.Add(token);
            else if (token.Kind == TokenKind.Close && open.Count > 0) open.RemoveAt(open.Count - 1);
            if (token.Text == "\n" && t > start && tokens[t - 1].Text == "\n") paragraph = (t + 1, visible, [.. open]);
            else if (token.Text == "\n") line = (t + 1, visible, [.. open]);
            else if (token.Text == " ") space = (t + 1, visible, [.. open]);
        }
        if (t == tokens.Count) return (t, open);
        // The nicest boundary wins unless it leaves the part less than half full.
        foreach (var cut in new[] { paragraph, line, space })
            if (cut is { } c && c.Visible >= limit / 2) return (c.End, c.Open);
        foreach (var cut in new[] { line, space })
            if (cut is { } c) return (c.End, c.Open);
        return (Math.Max(t, start + 1), open);
    }

    private static bool IsWhiteSpace(string text) => text.All(char.IsWhiteSpace);

    private static string TagName(string tag)
    {
        var name = tag.AsSpan(1);
        var stop = name.IndexOfAny(' ', '>', '/');
        return (stop < 0 ? name : name[..stop]).ToString();
    }

    private enum TokenKind { Char, Entity, Open, Close }

    private readonly record struct Token(TokenKind Kind, string Text)
    {
        public int Visible => Kind switch { TokenKind.Char => Text.Length, TokenKind.Entity => 1, _ => 0 };
    }

    private static List<Token> Tokenize(string html)
    {
        var tokens = new List<Token>(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '<' && html.IndexOf('>', i) is var close and > 0)
            {
                var tag = html[i..(close + 1)];
                tokens.Add(new Token(tag.StartsWith("</", StringComparison.Ordinal) ? TokenKind.Close : TokenKind.Open, tag));
                i = close + 1;
            }
            else if (c == '&' && html.IndexOf(';', i) is var semi and > 0 && semi - i <= 10)
            {
                tokens.Add(new Token(TokenKind.Entity, html[i..(semi + 1)]));
                i = semi + 1;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < html.Length)
            {
                tokens.Add(new Token(TokenKind.Char, html.Substring(i, 2)));
                i += 2;
            }
            else
            {
                tokens.Add(new Token(TokenKind.Char, c.ToString()));
                i++;
            }
        }
        return tokens;
    }
}
