using System.Globalization;
using System.Text.RegularExpressions;
using Academy.Learning.Model;
using YamlDotNet.RepresentationModel;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Import;

/// <summary>
/// A YAML mapping read field by field. Every problem is recorded with its line and field path and
/// reading carries on, so one run reports every error of a file.
/// </summary>
internal sealed partial class YamlFields
{
    private readonly YamlMappingNode _node;
    private readonly ErrorSink _errors;

    public YamlFields(YamlMappingNode node, string path, ErrorSink errors)
    {
        _node = node;
        Path = path;
        _errors = errors;
    }

    public string Path { get; set; }
    public int Line => LineOf(_node);
    public ErrorSink Errors => _errors;

    public static int LineOf(YamlNode node) => (int)node.Start.Line;

    public string FieldPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public void Error(YamlNode? at, string key, string messageKey, params (string, object?)[] args) =>
        _errors.Add(at is null ? Line : LineOf(at), FieldPath(key), messageKey, args);

    /// <summary>Reports every key not in <paramref name="allowed"/>: usually a typo.</summary>
    public void AllowOnly(params string[] allowed)
    {
        foreach (var key in _node.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "?";
            if (!allowed.Contains(name))
                _errors.Add(LineOf(key), FieldPath(name), "import.error.unknown_field", ("allowed", string.Join(", ", allowed)));
        }
    }

    public YamlNode? Node(string key)
    {
        if (!_node.Children.TryGetValue(new YamlScalarNode(key), out var value)) return null;
        return value is YamlScalarNode { Value: null or "" } s && s.Style == YamlDotNet.Core.ScalarStyle.Plain ? null : value;
    }

    public bool Has(string key) => Node(key) is not null;

    /// <summary>The key itself (its line is where a person looks for the field).</summary>
    public YamlNode? KeyNode(string key) =>
        _node.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: { } v } && v == key);

    public string? String(string key, bool required = true)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required) Error(null, key, "import.error.required");
            return null;
        }
        if (node is not YamlScalarNode scalar)
        {
            Error(node, key, "import.error.expected_scalar");
            return null;
        }
        var value = scalar.Value?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            if (required) Error(node, key, "import.error.required");
            return null;
        }
        return value;
    }

    /// <summary>A code: lower-case letters, digits, '-', '_' (and '.' when <paramref name="allowDot"/>).</summary>
    public string? Code(string key, bool allowDot = false, bool upperAllowed = false)
    {
        var value = String(key);
        if (value is null) return null;
        var ok = upperAllowed ? UpperCodePattern().IsMatch(value) : allowDot ? DottedCodePattern().IsMatch(value) : CodePattern().IsMatch(value);
        if (!ok) { Error(Node(key), key, "import.error.bad_code", ("value", value)); return null; }
        return value;
    }

    public int? Int(string key, int min, int max, int? defaultValue)
    {
        var text = String(key, required: defaultValue is null);
        if (text is null) return defaultValue;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        Error(Node(key), key, "import.error.expected_integer", ("value", text), ("min", min), ("max", max));
        return null;
    }

    public bool? Bool(string key, bool defaultValue)
    {
        var text = String(key, required: false);
        if (text is null) return defaultValue;
        if (bool.TryParse(text, out var b)) return b;
        Error(Node(key), key, "import.error.expected_boolean", ("value", text));
        return null;
    }

    public TEnum? Enum<TEnum>(string key, TEnum? defaultValue, params (string Name, TEnum Value)[] names) where TEnum : struct
    {
        var text = String(key, required: defaultValue is null);
        if (text is null) return defaultValue;
        foreach (var (name, value) in names)
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase)) return value;
        Error(Node(key), key, "import.error.bad_enum", ("value", text), ("allowed", string.Join(", ", names.Select(n => n.Name))));
        return null;
    }

    public string? Language(string key, string? defaultValue)
    {
        var text = String(key, required: false);
        if (text is null) return defaultValue;
        var lang = Languages.Normalize(text);
        if (lang is null) Error(Node(key), key, "import.error.unknown_language", ("value", text));
        return lang;
    }

    public DateOnly? Date(string key, bool required = true)
    {
        var text = String(key, required);
        if (text is null) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        Error(Node(key), key, "import.error.bad_date", ("value", text));
        return null;
    }

    public TimeOnly? Time(string key)
    {
        var text = String(key);
        if (text is null) return null;
        if (TimeOnly.TryParseExact(text, ["HH:mm", "H:mm", "HH:mm:ss", "H:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) return t;
        Error(Node(key), key, "import.error.bad_time", ("value", text));
        return null;
    }

    /// <summary>Text: a plain string (English) or a mapping of languages that includes <c>en</c>.</summary>
    public LocalizedText? Text(string key, bool required = true, int maxLength = 20_000)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required) Error(null, key, "import.error.required");
            return null;
        }
        return ReadText(node, key, maxLength);
    }

    public LocalizedText? ReadText(YamlNode node, string key, int maxLength = 20_000)
    {
        var values = new Dictionary<string, string>();
        bool ok = true;
        switch (node)
        {
            case YamlScalarNode scalar when !string.IsNullOrWhiteSpace(scalar.Value):
                values[Languages.English] = scalar.Value.Trim();
                break;
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                {
                    var name = (k as YamlScalarNode)?.Value ?? "?";
                    var lang = Languages.Normalize(name);
                    if (lang is null)
                    {
                        _errors.Add(LineOf(k), $"{FieldPath(key)}.{name}", "import.error.unknown_language", ("value", name));
                        ok = false;
                        continue;
                    }
                    if (v is not YamlScalarNode { Value: { } text } || string.IsNullOrWhiteSpace(text))
                    {
                        _errors.Add(LineOf(v), $"{FieldPath(key)}.{name}", "import.error.required");
                        ok = false;
                        continue;
                    }
                    values[lang] = text.Trim();
                }
                if (!values.ContainsKey(Languages.English) && ok)
                {
                    Error(node, key, "import.error.missing_english");
                    return null;
                }
                break;
            default:
                Error(node, key, "import.error.expected_text");
                return null;
        }
        if (!ok) return null;
        foreach (var (lang, text) in values)
            if (text.Length > maxLength)
            {
                _errors.Add(LineOf(node), $"{FieldPath(key)}.{lang}", "import.error.too_long", ("max", maxLength));
                ok = false;
            }
        return ok ? new LocalizedText(values) : null;
    }

    /// <summary>A sequence of mappings; each item is returned with its path <c>key[n]</c> (1-based).</summary>
    public List<YamlFields> Maps(string key, bool required = true)
    {
        var items = new List<YamlFields>();
        var node = Node(key);
        if (node is null)
        {
            if (required) Error(null, key, "import.error.required");
            return items;
        }
        if (node is not YamlSequenceNode seq)
        {
            Error(node, key, "import.error.expected_list");
            return items;
        }
        if (seq.Children.Count == 0 && required) Error(node, key, "import.error.required");
        int i = 0;
        foreach (var child in seq.Children)
        {
            i++;
            if (child is YamlMappingNode map) items.Add(new YamlFields(map, $"{FieldPath(key)}[{i}]", _errors));
            else _errors.Add(LineOf(child), $"{FieldPath(key)}[{i}]", "import.error.expected_mapping");
        }
        return items;
    }

    /// <summary>A list of scalars (a single scalar is read as a list of one).</summary>
    public List<(string Value, YamlNode Node)>? Scalars(string key, bool required = true)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required) Error(null, key, "import.error.required");
            return null;
        }
        if (node is YamlScalarNode single) return [(single.Value?.Trim() ?? "", single)];
        if (node is not YamlSequenceNode seq)
        {
            Error(node, key, "import.error.expected_list");
            return null;
        }
        var list = new List<(string, YamlNode)>();
        foreach (var child in seq.Children)
        {
            if (child is YamlScalarNode { Value: { } v } && !string.IsNullOrWhiteSpace(v)) list.Add((v.Trim(), child));
            else _errors.Add(LineOf(child), FieldPath(key), "import.error.expected_scalar");
        }
        return list;
    }

    /// <summary>A list of texts (each a string or a mapping of languages).</summary>
    public List<LocalizedText>? Texts(string key, int maxLength)
    {
        var node = Node(key);
        if (node is null) return null;
        if (node is not YamlSequenceNode seq)
        {
            Error(node, key, "import.error.expected_list");
            return null;
        }
        var list = new List<LocalizedText>();
        bool ok = true;
        int i = 0;
        foreach (var child in seq.Children)
        {
            i++;
            var text = ReadText(child, $"{key}[{i}]", maxLength);
            if (text is null) ok = false; else list.Add(text);
        }
        return ok ? list : null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,63}$")]
    private static partial Regex DottedCodePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex UpperCodePattern();
}
