using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Academy.Learning.Model;

namespace Academy.Learning.Localization;

/// <summary>
/// The message catalogs (en, zh-Hans, vi) shipped inside this assembly. Every user-facing string
/// goes through here; placeholders are named: <c>{file}</c>, <c>{count}</c>.
/// </summary>
public sealed class Catalog
{
    private readonly FrozenDictionary<string, FrozenDictionary<string, string>> _catalogs;

    private Catalog(FrozenDictionary<string, FrozenDictionary<string, string>> catalogs) => _catalogs = catalogs;

    /// <summary>The catalogs embedded in this assembly.</summary>
    public static Catalog Default { get; } = LoadEmbedded();

    /// <summary>The keys of a language's catalog.</summary>
    public IReadOnlyCollection<string> Keys(string language) => _catalogs[language].Keys;

    /// <summary>
    /// The message <paramref name="key"/> in <paramref name="language"/> (falling back to English),
    /// with <c>{name}</c> placeholders replaced from <paramref name="args"/>.
    /// </summary>
    public string Get(string? language, string key, params (string Name, object? Value)[] args)
    {
        var lang = Languages.Normalize(language) ?? Languages.English;
        if (!_catalogs[lang].TryGetValue(key, out var template) &&
            !_catalogs[Languages.English].TryGetValue(key, out template))
            throw new KeyNotFoundException($"Message key '{key}' is in no catalog.");
        return Format(template, args);
    }

    /// <summary>A view of the catalog in one language.</summary>
    public Localizer For(string? language) => new(this, Languages.Normalize(language) ?? Languages.English);

    private static string Format(string template, (string Name, object? Value)[] args)
    {
        if (args.Length == 0) return template;
        var result = template;
        foreach (var (name, value) in args)
            result = result.Replace("{" + name + "}", Convert.ToString(value, CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return result;
    }

    private static Catalog LoadEmbedded()
    {
        var asm = typeof(Catalog).Assembly;
        var catalogs = new Dictionary<string, FrozenDictionary<string, string>>();
        foreach (var lang in Languages.All)
        {
            using var stream = asm.GetManifestResourceStream($"Academy.Localization.{lang}.json")
                ?? throw new InvalidOperationException($"Catalog {lang}.json is not embedded.");
            var entries = JsonSerializer.Deserialize<Dictionary<string, string>>(stream)
                ?? throw new InvalidOperationException($"Catalog {lang}.json is empty.");
            catalogs[lang] = entries.ToFrozenDictionary(StringComparer.Ordinal);
        }
        return new Catalog(catalogs.ToFrozenDictionary(StringComparer.Ordinal));
    }
}

/// <summary>The catalog in one language.</summary>
public sealed class Localizer(Catalog catalog, string language)
{
    public string Language { get; } = language;

    public string this[string key] => catalog.Get(Language, key);

    public string Get(string key, params (string Name, object? Value)[] args) => catalog.Get(Language, key, args);
}
