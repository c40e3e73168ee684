using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Academy.Tests.Support;

/// <summary>Reads back the files the exports write: an xlsx through DocumentFormat.OpenXml, a CSV by RFC 4180.</summary>
public static class SpreadsheetReader
{
    /// <summary>A cell as the test compares it: its type, its raw value, its style's number format code (or null), and whether it holds a formula.</summary>
    public sealed record XCell(string Reference, string Type, string Value, string? Format, bool Bold, bool Formula = false);

    public sealed record XSheet(string Name, IReadOnlyList<IReadOnlyList<XCell>> Rows, IReadOnlyList<double> Widths, bool HeaderFrozen);

    public static XSheet ReadXlsx(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        using var document = SpreadsheetDocument.Open(stream, false);
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<Sheet>().Single();
        var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
        var styles = workbook.WorkbookStylesPart!.Stylesheet;
        var formats = styles.CellFormats!.Elements<CellFormat>().ToList();
        var fonts = styles.Fonts!.Elements<Font>().ToList();
        var codes = styles.NumberingFormats?.Elements<NumberingFormat>().ToDictionary(n => n.NumberFormatId!.Value, n => n.FormatCode!.Value!) ?? [];
        var rows = part.Worksheet.GetFirstChild<SheetData>()!.Elements<Row>().Select(r => (IReadOnlyList<XCell>)r.Elements<Cell>().Select(c =>
        {
            var format = c.StyleIndex is { } si ? formats[(int)si.Value] : null;
            var code = format?.NumberFormatId is { } id && codes.TryGetValue(id.Value, out var f) ? f : null;
            var bold = format?.FontId is { } fid && fonts[(int)fid.Value].Bold is not null;
            var type = c.DataType?.Value.ToString() ?? (c.CellValue is null ? "Empty" : "Number");
            var value = c.InlineString?.InnerText ?? c.CellValue?.Text ?? "";
            return new XCell(c.CellReference!.Value!, type, value, code, bold, c.CellFormula is not null);
        }).ToList()).ToList();
        var widths = part.Worksheet.GetFirstChild<Columns>()?.Elements<Column>().Select(c => c.Width!.Value).ToList() ?? [];
        var frozen = part.Worksheet.GetFirstChild<SheetViews>()?.Descendants<Pane>().Any(p => p.State?.Value == PaneStateValues.Frozen && p.VerticalSplit?.Value == 1) ?? false;
        return new XSheet(sheet.Name!.Value!, rows, widths, frozen);
    }

    public static double Number(XCell cell) => double.Parse(cell.Value, CultureInfo.InvariantCulture);

    /// <summary>Parses RFC 4180 CSV after checking the UTF-8 BOM.</summary>
    public static List<List<string>> ReadCsv(byte[] bytes)
    {
        Assert.True(bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF, "CSV must start with a UTF-8 BOM");
        var text = new UTF8Encoding(false, true).GetString(bytes, 3, bytes.Length - 3);
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"' && field.Length == 0) quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add(row); row = []; i++; }
            else
            {
                Assert.True(c != '"' && c != '\n' && c != '\r', $"unquoted special character at {i}");
                field.Append(c);
            }
        }
        Assert.True(field.Length == 0 && row.Count == 0 && !quoted, "CSV must end with CRLF");
        return rows;
    }
}
