using Academy.Learning.Localization;

namespace Academy.Learning.Import;

/// <summary>How many things of one kind an import added, updated, retired or left unchanged.</summary>
/// <param name="What">A catalog key naming the kind (<c>import.what.lessons</c>).</param>
public sealed record ChangeCount(string What, int Added, int Updated, int Retired, int Unchanged)
{
    public bool Changed => Added + Updated + Retired > 0;
}

/// <summary>What importing one file changed.</summary>
public sealed record FileReport(string File, IReadOnlyList<ChangeCount> Changes, IReadOnlyList<(string Key, (string Name, object? Value)[] Args)> Notes)
{
    public bool Changed => Changes.Any(c => c.Changed);
}

/// <summary>The outcome of an import: either errors (and nothing imported) or what changed per file.</summary>
public sealed record ImportReport(IReadOnlyList<ImportError> Errors, IReadOnlyList<FileReport> Files)
{
    public bool Succeeded => Errors.Count == 0;

    /// <summary>The lines an admin reads: one per error, or per file what changed.</summary>
    public IEnumerable<string> Render(Localizer localizer)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        if (!Succeeded)
        {
            foreach (var error in Errors) yield return error.Render(localizer);
            yield return localizer.Get("import.failed", ("count", Errors.Count));
            yield break;
        }
        foreach (var file in Files)
        {
            if (!file.Changed)
            {
                yield return localizer.Get("import.no_changes", ("file", file.File));
            }
            else
            {
                yield return file.File + ":";
                foreach (var c in file.Changes)
                    yield return "  " + localizer.Get("import.change", ("what", localizer[c.What]), ("added", c.Added),
                        ("updated", c.Updated), ("retired", c.Retired), ("unchanged", c.Unchanged));
            }
            foreach (var (key, args) in file.Notes) yield return "  " + localizer.Get(key, args);
        }
    }
}
