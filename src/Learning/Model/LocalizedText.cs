using System.Text.Json;
using System.Text.Json.Serialization;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Model;

/// <summary>
/// Content text in one or more languages. English is always present and is the fallback for a
/// language the author did not translate.
/// </summary>
[JsonConverter(typeof(LocalizedTextJsonConverter))]
public sealed class LocalizedText : IEquatable<LocalizedText>
{
    private readonly SortedDictionary<string, string> _values;

    public LocalizedText(IEnumerable<KeyValuePair<string, string>> values)
    {
        _values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (lang, text) in values) _values[lang] = text;
        if (!_values.ContainsKey(Languages.English))
            throw new ArgumentException("English text is required.", nameof(values));
    }

    /// <summary>Text given only in English.</summary>
    public static LocalizedText Of(string english) => new([new(Languages.English, english)]);

    public string English => _values[Languages.English];

    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>The text in <paramref name="language"/>, falling back to English.</summary>
    public string In(string? language) =>
        language is not null && _values.TryGetValue(language, out var text) ? text : English;

    public bool Equals(LocalizedText? other) =>
        other is not null && _values.Count == other._values.Count &&
        _values.All(kv => other._values.TryGetValue(kv.Key, out var v) && v == kv.Value);

    public override bool Equals(object? obj) => Equals(obj as LocalizedText);

    public override int GetHashCode() => English.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => English;
}

internal sealed class LocalizedTextJsonConverter : JsonConverter<LocalizedText>
{
    public override LocalizedText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return LocalizedText.Of(reader.GetString()!);
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(ref reader, options)
                     ?? throw new JsonException("Localized text expected.");
        return new LocalizedText(values);
    }

    public override void Write(Utf8JsonWriter writer, LocalizedText value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (lang, text) in value.Values) writer.WriteString(lang, text);
        writer.WriteEndObject();
    }
}
