using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Localization;

/// <summary>
/// The message catalogs (en, zh-Hans, vi) shipped inside this assembly. Every user-facing string
/// goes through here. Placeholders are named (<c>{file}</c>); counts and choices use the ICU
/// message-format subset <c>{count, plural, one {# chat} other {# chats}}</c> (with <c>=0 {…}</c>
/// exact cases and <c>#</c> for the number) and <c>{role, select, admin {an admin} other {a learner}}</c>,
/// so no sentence reads "1 chats" or "a admin".
/// </summary>
/// <remarks>
/// A catalog is the union of every embedded file named <c>NAME.LANG.json</c> (a feature keeps its
/// own messages beside its code) and the shared <c>LANG.json</c>; a key defined in two files of one
/// language is an error at load, naming both.
/// </remarks>
public sealed class Catalog
{
    private const string ResourcePrefix = "Academy.Localization.";
    private readonly FrozenDictionary<string, FrozenDictionary<string, string>> _catalogs;

    private Catalog(FrozenDictionary<string, FrozenDictionary<string, string>> catalogs) => _catalogs = catalogs;

    /// <summary>The catalogs embedded in this assembly.</summary>
    public static Catalog Default { get; } = Load(EmbeddedFiles());

    /// <summary>The keys of a language's catalog.</summary>
    public IReadOnlyCollection<string> Keys(string language) => _catalogs[language].Keys;

    /// <summary>The raw template of <paramref name="key"/> in <paramref name="language"/>, before formatting.</summary>
    public string Template(string language, string key) => _catalogs[language][key];

    /// <summary>
    /// The message <paramref name="key"/> in <paramref name="language"/> (falling back to English),
    /// with <c>{name}</c> placeholders, plurals and selections filled from <paramref name="args"/>.
    /// </summary>
    public string Get(string? language, string key, params (string Name, object? Value)[] args)
    {
        var lang = Languages.Normalize(language) ?? Languages.English;
        if (!_catalogs[lang].TryGetValue(key, out var template) &&
            !_catalogs[Languages.English].TryGetValue(key, out template))
            throw new KeyNotFoundException($"Message key '{key}' is in no catalog.");
        return MessageFormat.Format(template, lang, args);
    }

    /// <summary>A view of the catalog in one language.</summary>
    public Localizer For(string? language) => new(this, Languages.Normalize(language) ?? Languages.English);

    /// <summary>
    /// Builds catalogs from (file name, JSON) pairs; a file is <c>LANG.json</c> or <c>NAME.LANG.json</c>.
    /// Throws naming the files when a key is defined twice for one language or a template does not parse.
    /// </summary>
    public static Catalog Load(IEnumerable<(string FileName, string Json)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var entries = Languages.All.ToDictionary(l => l, _ => new Dictionary<string, (string Text, string File)>(StringComparer.Ordinal));
        foreach (var (file, json) in files)
        {
            var lang = LanguageOf(file) ?? throw new InvalidOperationException($"Catalog file {file}: its name must end in .en.json, .zh-Hans.json or .vi.json.");
            var messages = JsonSerializer.Deserialize<Dictionary<string, string>>(json)
                ?? throw new InvalidOperationException($"Catalog file {file} is empty.");
            foreach (var (key, text) in messages)
            {
                if (entries[lang].TryGetValue(key, out var earlier))
                    throw new InvalidOperationException($"Message key '{key}' is defined twice for {lang}: in {earlier.File} and in {file}.");
                try { MessageFormat.Validate(text); }
                catch (FormatException ex) { throw new InvalidOperationException($"Catalog file {file}: '{key}': {ex.Message}", ex); }
                entries[lang][key] = (text, file);
            }
        }
        return new Catalog(entries.ToFrozenDictionary(
            e => e.Key, e => e.Value.ToFrozenDictionary(m => m.Key, m => m.Value.Text, StringComparer.Ordinal), StringComparer.Ordinal));
    }

    private static string? LanguageOf(string fileName)
    {
        var name = fileName.EndsWith(".json", StringComparison.Ordinal) ? fileName[..^".json".Length] : fileName;
        var dot = name.LastIndexOf('.');
        return Languages.All.FirstOrDefault(l => string.Equals(dot < 0 ? name : name[(dot + 1)..], l, StringComparison.Ordinal));
    }

    private static IEnumerable<(string, string)> EmbeddedFiles()
    {
        var asm = typeof(Catalog).Assembly;
        foreach (var resource in asm.GetManifestResourceNames().Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = asm.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            yield return (resource[ResourcePrefix.Length..], reader.ReadToEnd());
        }
    }
}

/// <summary>The catalog in one language.</summary>
public sealed class Localizer(Catalog catalog, string language)
{
    public string Language { get; } = language;

    public string this[string key] => catalog.Get(Language, key);

    public string Get(string key, params (string Name, object? Value)[] args) => catalog.Get(Language, key, args);
}

/// <summary>
/// The ICU message-format subset the catalogs use: <c>{name}</c>; <c>{name, plural, =0 {…} one {…} other {…}}</c>
/// with <c>#</c> for the number inside a branch; <c>{name, select, key {…} other {…}}</c>. Branches nest.
/// An argument not given leaves its placeholder as written, so a missing value shows rather than vanishes.
/// </summary>
public static class MessageFormat
{
    /// <summary>Formats <paramref name="template"/> for <paramref name="language"/>'s plural rules.</summary>
    public static string Format(string template, string language, IReadOnlyList<(string Name, object? Value)> args)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (template.IndexOf('{', StringComparison.Ordinal) < 0) return template;
        var sb = new StringBuilder(template.Length + 16);
        Append(sb, template, 0, template.Length, language, args, pound: null);
        return sb.ToString();
    }

    /// <summary>Throws <see cref="FormatException"/> when braces or a plural/select block are malformed.</summary>
    public static void Validate(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        Append(new StringBuilder(), template, 0, template.Length, Languages.English, [], pound: null);
    }

    /// <summary>The plural category of <paramref name="n"/>: English has one/other; Chinese and Vietnamese only other.</summary>
    public static string PluralCategory(string language, decimal n) =>
        language == Languages.English && n == 1 ? "one" : "other";

    private static void Append(StringBuilder sb, string t, int start, int end, string lang, IReadOnlyList<(string Name, object? Value)> args, string? pound)
    {
        int i = start;
        while (i < end)
        {
            char c = t[i];
            if (c == '#' && pound is not null) { sb.Append(pound); i++; continue; }
            if (c == '}') throw new FormatException($"an unmatched '}}' at position {i}");
            if (c != '{') { sb.Append(c); i++; continue; }
            int close = Matching(t, i, end);
            var inner = t.AsSpan(i + 1, close - i - 1);
            int comma = inner.IndexOf(',');
            if (comma < 0)
            {
                var name = inner.Trim().ToString();
                if (!IsName(name)) throw new FormatException($"'{{{name}}}' is not a placeholder name");
                if (TryArg(args, name, out var value)) sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                else sb.Append('{').Append(name).Append('}');
            }
            else
            {
                FormatChoice(sb, t, i + 1, close, comma, lang, args);
            }
            i = close + 1;
        }
    }

    private static void FormatChoice(StringBuilder sb, string t, int innerStart, int innerEnd, int comma, string lang, IReadOnlyList<(string Name, object? Value)> args)
    {
        var name = t[innerStart..(innerStart + comma)].Trim();
        int second = t.IndexOf(',', innerStart + comma + 1);
        if (second < 0 || second > innerEnd) throw new FormatException($"'{{{name}, …}}' needs a type (plural or select) and its cases");
        var type = t[(innerStart + comma + 1)..second].Trim();
        if (type is not ("plural" or "select")) throw new FormatException($"'{type}' is not plural or select");
        var cases = Cases(t, second + 1, innerEnd);
        if (!cases.ContainsKey("other")) throw new FormatException($"'{{{name}, {type}}}' has no 'other' case");
        var known = TryArg(args, name, out var value);
        string? chosen = null;
        string? pound = null;
        if (known && type == "plural" && ToNumber(value) is { } n)
        {
            pound = Convert.ToString(value, CultureInfo.InvariantCulture);
            chosen = cases.ContainsKey("=" + n.ToString(CultureInfo.InvariantCulture)) ? "=" + n.ToString(CultureInfo.InvariantCulture) : PluralCategory(lang, n);
        }
        else if (known && type == "select")
        {
            chosen = Convert.ToString(value, CultureInfo.InvariantCulture);
        }
        if (chosen is null || !cases.ContainsKey(chosen)) chosen = "other";
        var (from, to) = cases[chosen];
        foreach (var (_, (s, e)) in cases) if (s != from) Append(new StringBuilder(), t, s, e, lang, args, pound: pound ?? "0"); // validate every branch
        Append(sb, t, from, to, lang, args, pound);
    }

    // The "key {text}" pairs of a plural or select block, as ranges of the branch texts.
    private static Dictionary<string, (int, int)> Cases(string t, int start, int end)
    {
        var cases = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        int i = start;
        while (true)
        {
            while (i < end && char.IsWhiteSpace(t[i])) i++;
            if (i >= end) break;
            int keyStart = i;
            while (i < end && !char.IsWhiteSpace(t[i]) && t[i] != '{') i++;
            var key = t[keyStart..i];
            while (i < end && char.IsWhiteSpace(t[i])) i++;
            if (key.Length == 0 || i >= end || t[i] != '{') throw new FormatException($"a case '{key}' without its {{text}}");
            int close = Matching(t, i, end);
            if (!cases.TryAdd(key, (i + 1, close))) throw new FormatException($"the case '{key}' is given twice");
            i = close + 1;
        }
        return cases;
    }

    private static int Matching(string t, int open, int end)
    {
        int depth = 0;
        for (int i = open; i < end; i++)
        {
            if (t[i] == '{') depth++;
            else if (t[i] == '}' && --depth == 0) return i;
        }
        throw new FormatException($"the '{{' at position {open} is never closed");
    }

    private static bool IsName(string name) => name.Length > 0 && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');

    private static bool TryArg(IReadOnlyList<(string Name, object? Value)> args, string name, out object? value)
    {
        foreach (var (n, v) in args)
            if (n == name) { value = v; return true; }
        value = null;
        return false;
    }

    private static decimal? ToNumber(object? value) => value switch
    {
        int v => v, long v => v, short v => v, byte v => v, uint v => v, ulong v => v, decimal v => v,
        double v when !double.IsNaN(v) && !double.IsInfinity(v) => (decimal)v,
        float v when !float.IsNaN(v) && !float.IsInfinity(v) => (decimal)v,
        string s when decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };
}
