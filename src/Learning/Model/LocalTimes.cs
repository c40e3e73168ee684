using System.Globalization;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Model;

/// <summary>How local times of day are written in files and in the store: HH:mm, or HH:mm:ss when seconds matter.</summary>
public static class LocalTimes
{
    public static string Format(TimeOnly time) =>
        time.ToString(time.Second == 0 ? "HH:mm" : "HH:mm:ss", CultureInfo.InvariantCulture);

    public static TimeOnly Parse(string text) =>
        TimeOnly.ParseExact(text, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture);
}
