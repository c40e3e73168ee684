using System.Reflection;
using System.Text.RegularExpressions;

namespace Academy.Tests;

public partial class ArchitectureTests
{
    private static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Academy.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Academy.sln not found above the test binaries.");
        }
    }

    [Fact]
    public void Learning_references_no_channel_web_or_scheduler_assembly()
    {
        var learning = typeof(Academy.Learning.Model.Course).Assembly;
        var seen = new HashSet<string>();
        var pending = new Stack<AssemblyName>(learning.GetReferencedAssemblies());
        // Walk Learning's references (and theirs, within the product) to catch an indirect leak.
        while (pending.TryPop(out var name))
        {
            if (!seen.Add(name.Name!)) continue;
            Assert.DoesNotMatch(ForbiddenAssembly(), name.Name!);
            if (name.Name!.StartsWith("Academy.", StringComparison.Ordinal))
                foreach (var r in Assembly.Load(name).GetReferencedAssemblies()) pending.Push(r);
        }
        Assert.Contains("Dapper", seen); // the walk did see Learning's real references
    }

    [Fact]
    public void Learning_sources_and_project_mention_no_channel_web_or_scheduler_type()
    {
        var learning = Path.Combine(RepoRoot, "src", "Learning");
        var offenders = Directory.EnumerateFiles(learning, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => ForbiddenSource().IsMatch(File.ReadAllText(f)))
            .ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void Product_code_never_reads_the_clock_directly()
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(RepoRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => DirectClock().IsMatch(File.ReadAllText(f)))
            .ToList();
        Assert.Empty(offenders);
    }

    [GeneratedRegex(@"^(Telegram|Microsoft\.AspNetCore|Quartz|Microsoft\.Bot)", RegexOptions.IgnoreCase)]
    private static partial Regex ForbiddenAssembly();

    [GeneratedRegex(@"(using\s+(Telegram|Microsoft\.AspNetCore|Quartz)|Include=""(Telegram|Microsoft\.AspNetCore|Quartz))")]
    private static partial Regex ForbiddenSource();

    [GeneratedRegex(@"DateTime(Offset)?\.(Now|UtcNow|Today)\b")]
    private static partial Regex DirectClock();
}
