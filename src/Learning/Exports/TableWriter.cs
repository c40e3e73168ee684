using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Academy.Learning.Exports;

/// <summary>
/// A table to file: a title (the sheet name), column headers and rows of cells (string, number,
/// DateTimeOffset/DateOnly, bool or null), already localised by the caller.
/// </summary>
/// <remarks>
/// A <see cref="DateTimeOffset"/> is written as the wall-clock time it carries (convert it to the
/// reader's zone first); a <see cref="TimeOnly"/> is a time of day (e.g. a check-in time in a table
/// about one day).
/// </remarks>
public sealed record Table(string Title, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<object?>> Rows);

/// <summary>
/// Writes tables as the files liaisons and admins file away: CSV (UTF-8 with BOM, so Excel shows
/// Chinese and Vietnamese) and xlsx (DocumentFormat.OpenXml). In CSV, text that a spreadsheet would run
/// as a formula (starting with = + - @, tab or carriage return) is neutralised with a leading apostrophe,
/// the only defence a CSV has; in xlsx text is an inline-string cell, which no spreadsheet evaluates, so
/// it is written exactly as it was given.
/// </summary>
public static class TableWriter
{
    private const string DateFormat = "yyyy-MM-dd", DateTimeFormat = "yyyy-MM-dd HH:mm", TimeFormat = "HH:mm";

    /// <summary>RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma, quote or line break.</summary>
    public static byte[] ToCsv(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var sb = new StringBuilder();
        AppendCsvLine(sb, table.Headers.Select(h => Field(h)));
        foreach (var row in table.Rows) AppendCsvLine(sb, row.Select(CsvText));
        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
        return [.. encoding.GetPreamble(), .. encoding.GetBytes(sb.ToString())];
    }

    public static byte[] ToXlsx(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            workbookPart.Workbook = new Workbook();
            var styles = workbookPart.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = Stylesheet();
            var sheetPart = workbookPart.AddNewPart<WorksheetPart>();

            var data = new SheetData();
            data.Append(Row(1, table.Headers.Select(h => (object?)h), header: true));
            for (int i = 0; i < table.Rows.Count; i++) data.Append(Row((uint)i + 2, table.Rows[i], header: false));

            var worksheet = new Worksheet();
            // The header stays in view while scrolling a long group on a phone or a laptop.
            worksheet.Append(new SheetViews(new SheetView(
                new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen })
            { WorkbookViewId = 0 }));
            if (ColumnWidths(table) is { Count: > 0 } widths)
                worksheet.Append(new Columns(widths.Select((w, i) => new Column { Min = (uint)i + 1, Max = (uint)i + 1, Width = w, CustomWidth = true })));
            worksheet.Append(data);
            sheetPart.Worksheet = worksheet;

            workbookPart.Workbook.Append(new Sheets(new Sheet { Id = workbookPart.GetIdOfPart(sheetPart), SheetId = 1, Name = SheetName(table.Title) }));
            workbookPart.Workbook.Save();
        }
        return stream.ToArray();
    }

    /// <summary>
    /// Excel's rules for a sheet name: 1–31 characters, none of <c>[ ] : * ? / \</c>, no apostrophe at
    /// either end, and not the reserved "History".
    /// </summary>
    public static string SheetName(string? title)
    {
        var chars = (title ?? "").Select(c => "[]:*?/\\".Contains(c) || char.IsControl(c) ? '-' : c).ToArray();
        var name = new string(chars).Trim().Trim('\'').Trim();
        if (name.Length > 31) name = name[..31].TrimEnd('\'').TrimEnd();
        if (name.Length == 0 || string.Equals(name, "History", StringComparison.OrdinalIgnoreCase)) name = "Sheet1";
        return name;
    }

    /// <summary>OWASP's advice on CSV injection: text a spreadsheet would evaluate gets a leading apostrophe.</summary>
    public static string Neutralise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
    }

    private static string CsvText(object? value) => value switch
    {
        null => "",
        string s => Field(s),
        bool b => b ? "TRUE" : "FALSE",
        DateTimeOffset d => d.ToString(DateTimeFormat, CultureInfo.InvariantCulture),
        DateTime d => d.ToString(DateTimeFormat, CultureInfo.InvariantCulture),
        DateOnly d => d.ToString(DateFormat, CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString(TimeFormat, CultureInfo.InvariantCulture),
        _ when Number(value) is { } n => Quote(n.ToString("R", CultureInfo.InvariantCulture)),
        _ => Field(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    private static string Field(string text) => Quote(Neutralise(Clean(text)));

    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

    private static void AppendCsvLine(StringBuilder sb, IEnumerable<string> fields) => sb.AppendJoin(',', fields).Append("\r\n");

    private static double? Number(object value) => value switch
    {
        byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal
            when Convert.ToDouble(value, CultureInfo.InvariantCulture) is var d && double.IsFinite(d) => d,
        _ => null,
    };

    // XML 1.0 cannot carry most control characters: a stray one in a name must not break the file.
    private static string Clean(string text) =>
        text.Any(c => char.IsControl(c) && c is not '\t' and not '\n' and not '\r')
            ? new string(text.Where(c => !char.IsControl(c) || c is '\t' or '\n' or '\r').ToArray())
            : text;

    // Style indices, in the order Stylesheet() declares the cell formats.
    private const uint HeaderStyle = 1, DateStyle = 2, DateTimeStyle = 3, TimeStyle = 4;

    private static Row Row(uint index, IEnumerable<object?> values, bool header)
    {
        var row = new Row { RowIndex = index };
        var column = 0;
        foreach (var value in values)
        {
            var cell = Cell(value);
            cell.CellReference = ColumnName(column++) + index.ToString(CultureInfo.InvariantCulture);
            if (header) cell.StyleIndex = HeaderStyle;
            row.Append(cell);
        }
        return row;
    }

    private static Cell Cell(object? value)
    {
        switch (value)
        {
            case null: return new Cell();
            case bool b: return new Cell { DataType = CellValues.Boolean, CellValue = new CellValue(b ? "1" : "0") };
            case DateTimeOffset d: return DateCell(d.DateTime.ToOADate(), DateTimeStyle);
            case DateTime d: return DateCell(d.ToOADate(), DateTimeStyle);
            case DateOnly d: return DateCell(d.ToDateTime(TimeOnly.MinValue).ToOADate(), DateStyle);
            case TimeOnly t: return DateCell(t.ToTimeSpan().TotalDays, TimeStyle);
        }
        if (Number(value) is { } n) return new Cell { DataType = CellValues.Number, CellValue = new CellValue(n.ToString("R", CultureInfo.InvariantCulture)) };
        var text = value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        return new Cell
        {
            DataType = CellValues.InlineString,
            InlineString = new InlineString(new Text(Clean(text)) { Space = SpaceProcessingModeValues.Preserve }),
        };
    }

    private static Cell DateCell(double serial, uint style) =>
        new() { CellValue = new CellValue(serial.ToString("R", CultureInfo.InvariantCulture)), StyleIndex = style };

    private static string ColumnName(int index)
    {
        var name = "";
        for (index++; index > 0; index = (index - 1) / 26) name = (char)('A' + (index - 1) % 26) + name;
        return name;
    }

    // Width in characters of the widest cell as shown (wide CJK characters count double), within 8–60.
    private static List<double> ColumnWidths(Table table)
    {
        var count = Math.Max(table.Headers.Count, table.Rows.Count == 0 ? 0 : table.Rows.Max(r => r.Count));
        var widths = new List<double>(count);
        for (int c = 0; c < count; c++)
        {
            var widest = c < table.Headers.Count ? DisplayWidth(table.Headers[c]) : 0;
            foreach (var row in table.Rows)
                if (c < row.Count && row[c] is { } v) widest = Math.Max(widest, DisplayWidth(Shown(v)));
            widths.Add(Math.Clamp(widest + 2, 8, 60));
        }
        return widths;
    }

    private static string Shown(object value) => value switch
    {
        string s => s,
        DateTimeOffset or DateTime => DateTimeFormat,
        DateOnly => DateFormat,
        TimeOnly => TimeFormat,
        _ => CsvText(value),
    };

    private static int DisplayWidth(string text) =>
        text.Split('\n').Max(line => line.Sum(c => c >= 0x1100 && (c <= 0x115F || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
                                                                 (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFF60)) ? 2 : 1));

    private static Stylesheet Stylesheet() => new(
        new NumberingFormats(
            new NumberingFormat { NumberFormatId = 164, FormatCode = "yyyy-mm-dd" },
            new NumberingFormat { NumberFormatId = 165, FormatCode = "yyyy-mm-dd hh:mm" },
            new NumberingFormat { NumberFormatId = 166, FormatCode = "hh:mm" }) { Count = 3 },
        new Fonts(new Font(), new Font(new Bold())) { Count = 2 },
        // Excel requires the first two fills to be these two.
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border()) { Count = 1 },
        new CellStyleFormats(new CellFormat()) { Count = 1 },
        new CellFormats(
            new CellFormat(),
            new CellFormat { FontId = 1, ApplyFont = true },
            new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 165, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 166, ApplyNumberFormat = true }) { Count = 5 });
}
