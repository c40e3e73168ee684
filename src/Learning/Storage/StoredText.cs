using Academy.Learning.Model;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Storage;

/// <summary>Reads localised text columns (cohort and group names, course titles) in one language.</summary>
public static class StoredText
{
    public static string In(string storedJson, string? language) => StoredJson.Deserialize<LocalizedText>(storedJson).In(language);
}
