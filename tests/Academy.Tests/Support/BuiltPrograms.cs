namespace Academy.Tests.Support;

/// <summary>Where the solution's own programs are built, in the configuration the tests were built in.</summary>
public static class BuiltPrograms
{
    /// <summary>
    /// tests/Academy.Tests/bin/&lt;Configuration&gt;/net10.0/ → &lt;projectFolder&gt;/bin/&lt;Configuration&gt;/net10.0/&lt;dll&gt;.
    /// </summary>
    public static string Dll(string projectFolder, string dll)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testBin.Parent!.Name;
        var path = Path.Combine(RepositoryRoot, projectFolder, "bin", configuration, testBin.Name, dll);
        Assert.True(File.Exists(path), $"{path} is built with the solution");
        return path;
    }

    public static string BotHost => Dll(Path.Combine("src", "BotHost"), "Academy.BotHost.dll");

    public static string Bench => Dll(Path.Combine("bench", "Academy.Bench"), "Academy.Bench.dll");

    public static string RepositoryRoot
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(root.FullName, "Academy.sln"))) root = root.Parent!;
            return root.FullName;
        }
    }
}
