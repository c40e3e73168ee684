using System.Text;

namespace Academy.Tests.Support;

/// <summary>The sample content shipped in content/, copied beside the test binaries.</summary>
public static class Samples
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "content");
    public static string Pack => Path.Combine(Folder, "digital-safety.yaml");
    public static string Cohort => Path.Combine(Folder, "cohort-sample.yaml");
    public static string Roster => Path.Combine(Folder, "roster-sample.csv");

    public static (string Name, byte[]? Bytes) File(string path) => (Path.GetFileName(path), System.IO.File.ReadAllBytes(path));

    public static (string Name, byte[]? Bytes) Text(string name, string text) => (name, Encoding.UTF8.GetBytes(text));

    public static IReadOnlyList<(string, byte[]?)> All => [File(Pack), File(Cohort), File(Roster)];
}
