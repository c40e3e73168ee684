using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Model;

/// <summary>The languages Academy speaks: English, Simplified Chinese and Vietnamese.</summary>
public static class Languages
{
    public const string English = "en";
    public const string SimplifiedChinese = "zh-Hans";
    public const string Vietnamese = "vi";

    /// <summary>Every supported language tag, English (the fallback) first.</summary>
    public static readonly IReadOnlyList<string> All = [English, SimplifiedChinese, Vietnamese];

    /// <summary>
    /// Maps what people and platforms send (<c>zh</c>, <c>zh-CN</c>, <c>ZH-hans</c>, <c>vi-VN</c>, <c>en-GB</c>)
    /// to a supported tag, or null when the language is not supported.
    /// </summary>
    public static string? Normalize(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag)) return null;
        var t = tag.Trim().Replace('_', '-').ToLowerInvariant();
        if (t == "en" || t.StartsWith("en-", StringComparison.Ordinal)) return English;
        if (t == "vi" || t.StartsWith("vi-", StringComparison.Ordinal)) return Vietnamese;
        // Traditional Chinese is not offered; Simplified is the closest catalog.
        if (t == "zh" || t.StartsWith("zh-", StringComparison.Ordinal)) return SimplifiedChinese;
        return null;
    }
}
