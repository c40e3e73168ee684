namespace Academy.Learning.Exports;

/// <summary>
/// A table to file: a title (the sheet name), column headers and rows of cells (string, number,
/// DateTimeOffset/DateOnly, bool or null), already localised by the caller.
/// </summary>
public sealed record Table(string Title, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<object?>> Rows);

/// <summary>
/// Writes tables as the files liaisons and admins file away: CSV (UTF-8 with BOM, so Excel shows
/// Chinese and Vietnamese) and xlsx (DocumentFormat.OpenXml). Text that a spreadsheet would run as a
/// formula (starting with = + - @, tab or carriage return) is neutralised.
/// </summary>
public static class TableWriter
{
    public static byte[] ToCsv(Table table) => throw new NotImplementedException();

    public static byte[] ToXlsx(Table table) => throw new NotImplementedException();
}
