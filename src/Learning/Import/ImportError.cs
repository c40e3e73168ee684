using Academy.Learning.Localization;

namespace Academy.Learning.Import;

/// <summary>One problem found in an import file: where it is, which field, and a catalog message.</summary>
/// <param name="Line">1-based line in the file; 0 when the problem concerns the whole file.</param>
/// <param name="Field">The field path, e.g. <c>questions[pw-07].answer</c> or the CSV column name.</param>
/// <param name="MessageKey">A key of the localisation catalogs (<c>import.error.*</c>).</param>
public sealed record ImportError(string File, int Line, string Field, string MessageKey, (string Name, object? Value)[] Args)
{
    /// <summary><c>file:line: field: message</c> in the localizer's language.</summary>
    public string Render(Localizer localizer)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        var where = Line > 0 ? $"{File}:{Line}" : File;
        var message = localizer.Get(MessageKey, Args);
        return string.IsNullOrEmpty(Field) ? $"{where}: {message}" : $"{where}: {Field}: {message}";
    }
}

/// <summary>Collects the errors of one file.</summary>
internal sealed class ErrorSink(string file)
{
    public string File { get; } = file;
    public List<ImportError> Errors { get; } = [];

    public void Add(int line, string field, string key, params (string, object?)[] args) =>
        Errors.Add(new ImportError(File, line, field, key, args));
}
