using System.Text;
using Academy.Learning.Exports;
using Academy.Tests.Support;

namespace Academy.Tests.Exports;

public sealed class TableWriterTests
{
    private const string Attack = "=cmd|' /C calc'!A0";

    private static readonly Table Sample = new("HN-01: day 3 [draft]?",
        ["Learner", "Checked in", "Date", "Time", "Score", "Ratio", "Present", "Notes"],
        [
            ["Lê Thị Hồng Nhung", new DateTimeOffset(2026, 12, 3, 7, 41, 0, TimeSpan.FromHours(7)), new DateOnly(2026, 12, 3), new TimeOnly(7, 41), 3, 0.75, true, "said \"hi\", then left\nearly"],
            [Attack, null, null, null, -2, 1.5m, false, "+1 plus"],
            ["王芳", null, null, null, 0L, 0.0, null, "@home\tnow"],
            ["-minus", null, null, null, null, null, null, "\rcr"],
        ]);

    [Fact]
    public void Csv_is_utf8_with_bom_quoted_by_rfc_4180_and_neutralises_formulas()
    {
        var bytes = TableWriter.ToCsv(Sample);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var rows = SpreadsheetReader.ReadCsv(bytes);
        Assert.Equal(Sample.Headers, rows[0]);
        Assert.Equal(["Lê Thị Hồng Nhung", "2026-12-03 07:41", "2026-12-03", "07:41", "3", "0.75", "TRUE", "said \"hi\", then left\nearly"], rows[1]);
        Assert.Equal(["'" + Attack, "", "", "", "-2", "1.5", "FALSE", "'+1 plus"], rows[2]);
        Assert.Equal(["王芳", "", "", "", "0", "0", "", "'@home\tnow"], rows[3]);
        Assert.Equal(["'-minus", "", "", "", "", "", "", "'\rcr"], rows[4]);
        Assert.Equal(5, rows.Count);
        // Quoting only where RFC 4180 needs it: a plain field stays bare.
        Assert.StartsWith("Learner,Checked in,", Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3), StringComparison.Ordinal);
    }

    [Fact]
    public void Xlsx_has_typed_cells_a_bold_header_widths_a_safe_sheet_name_and_no_formulas()
    {
        var sheet = SpreadsheetReader.ReadXlsx(TableWriter.ToXlsx(Sample));
        Assert.Equal("HN-01- day 3 -draft--", sheet.Name);
        Assert.True(sheet.HeaderFrozen);
        Assert.All(sheet.Rows[0], c => Assert.True(c.Bold && c.Type == "InlineString"));
        Assert.Equal(Sample.Headers, sheet.Rows[0].Select(c => c.Value));

        var first = sheet.Rows[1];
        Assert.Equal(("InlineString", "Lê Thị Hồng Nhung"), (first[0].Type, first[0].Value));
        Assert.Equal("yyyy-mm-dd hh:mm", first[1].Format);
        Assert.Equal(new DateTime(2026, 12, 3, 7, 41, 0), DateTime.FromOADate(SpreadsheetReader.Number(first[1])), TimeSpan.FromSeconds(1));
        Assert.Equal("yyyy-mm-dd", first[2].Format);
        Assert.Equal(new DateTime(2026, 12, 3), DateTime.FromOADate(SpreadsheetReader.Number(first[2])));
        Assert.Equal("hh:mm", first[3].Format);
        Assert.Equal(7 * 60 + 41, TimeSpan.FromDays(SpreadsheetReader.Number(first[3])).TotalMinutes, 3);
        Assert.Equal(("Number", 3.0), (first[4].Type, SpreadsheetReader.Number(first[4])));
        Assert.Equal(0.75, SpreadsheetReader.Number(first[5]));
        Assert.Equal(("Boolean", "1"), (first[6].Type, first[6].Value));
        Assert.Equal("said \"hi\", then left\nearly", first[7].Value);

        // Formula-looking text is an inline string (never evaluated), shown exactly as typed: no apostrophe.
        var attack = sheet.Rows[2];
        Assert.Equal(("InlineString", Attack), (attack[0].Type, attack[0].Value));
        Assert.Equal(-2.0, SpreadsheetReader.Number(attack[4])); // a negative number is a number, not a formula
        Assert.Equal(1.5, SpreadsheetReader.Number(attack[5]));
        Assert.Equal(("InlineString", "+1 plus"), (attack[7].Type, attack[7].Value));
        Assert.Equal(("InlineString", "@home\tnow"), (sheet.Rows[3][7].Type, sheet.Rows[3][7].Value));
        Assert.Equal(("InlineString", "-minus"), (sheet.Rows[4][0].Type, sheet.Rows[4][0].Value));
        Assert.Equal("cr", sheet.Rows[4][7].Value.TrimStart('\r', '\n')); // XML reads a stored CR back as LF
        Assert.All(sheet.Rows.SelectMany(r => r), c => Assert.False(c.Formula, $"{c.Reference} holds a formula"));

        Assert.Equal(8, sheet.Widths.Count);
        Assert.True(sheet.Widths[0] >= "Lê Thị Hồng Nhung".Length && sheet.Widths[0] <= 60);
        Assert.All(sheet.Widths, w => Assert.InRange(w, 8, 60));
    }

    [Theory]
    [InlineData("", "Sheet1")]
    [InlineData("History", "Sheet1")]
    [InlineData("'quoted'", "quoted")]
    [InlineData("a/b\\c:d*e?f[g]h", "a-b-c-d-e-f-g-h")]
    [InlineData("Nhóm Hà Nội 1 — ngày 12 của chương trình", "Nhóm Hà Nội 1 — ngày 12 của chư")]
    public void Sheet_names_follow_excels_rules(string title, string expected) => Assert.Equal(expected, TableWriter.SheetName(title));

    [Fact]
    public void An_empty_table_and_control_characters_still_make_valid_files()
    {
        var table = new Table("t", ["A"], [["bell\u0007 here"]]);
        Assert.Equal("bell here", SpreadsheetReader.ReadXlsx(TableWriter.ToXlsx(table)).Rows[1][0].Value);
        Assert.Equal([["A"], ["bell here"]], SpreadsheetReader.ReadCsv(TableWriter.ToCsv(table)));
        var empty = SpreadsheetReader.ReadXlsx(TableWriter.ToXlsx(new Table("t", [], [])));
        Assert.Single(empty.Rows);
        Assert.Equal([0xEF, 0xBB, 0xBF, (byte)'\r', (byte)'\n'], TableWriter.ToCsv(new Table("t", [], [])));
    }
}
