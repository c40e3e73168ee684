using System.Globalization;
using System.Text;
using Academy.Learning.Import;
using Academy.Learning.Localization;
using Academy.Tests.Support;
using Xunit.Abstractions;

namespace Academy.Tests.Storage;

/// <summary>
/// Malformed files never end the import with an exception: every parser failure is <c>file:line:
/// message</c> and nothing is imported. Every error of a run is listed at once — references included —
/// and two people are never given one e-mail.
/// </summary>
public class ImportRobustnessTests(ITestOutputHelper output) : StoreTestBase
{
    private static readonly Localizer En = Catalog.Default.For("en");

    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());

    [Fact]
    public async Task A_scanner_exception_from_YamlDotNet_becomes_the_line_and_a_message()
    {
        // The issue's file: YamlDotNet's scanner throws InvalidOperationException on it.
        var report = await Importer.ImportAsync([Samples.Text("b.yaml", "course:\n  code: x\n  title: {en: x\n  topics: [\n")]);
        Assert.Equal(
            ["b.yaml:4: the YAML cannot be read from here on (an unclosed bracket, brace or quote?)", "1 error found; nothing was imported."],
            report.Render(En).ToList());
        Assert.Equal(0, await CountAsync("courses"));
    }

    /// <summary>Hand-picked malformed YAML: tabs, unclosed quotes and brackets, anchors and aliases, tags, odd keys.</summary>
    public static TheoryData<string> NastyYaml => new()
    {
        "course:\n  code: x\n  title: {en: x\n  topics: [\n",
        "course: [\n",
        "course: {\n",
        "course: {en: x\n",
        "{",
        "[",
        "\"",
        "'",
        "&",
        "*",
        "!",
        "|",
        ">",
        "? ",
        ":",
        "- -",
        "",
        "   ",
        "course:\n\tcode: x\n",
        "course:\n  code:\tx\n  title:\t\t{en: \"x\n",
        "course:\n  title: \"unclosed\n  code: x\n",
        "course:\n  title: 'unclosed\n  code: x\n",
        "course:\n  title: \"bad escape \\q\"\n",
        "course: &a\n  code: x\n  title: *a\n",
        "course:\n  code: &c x\n  title: *c\n",
        "course:\n  <<: {code: x}\n",
        "course:\n  code: x\n  code: y\n",
        "course:\n  ? [a, b]\n  : c\n",
        "course:\n  ? {a: b}\n  : c\n",
        "course:\n  ~: x\n",
        "course:\n  : x\n",
        "course: !!binary aGVsbG8=\n",
        "course:\n  code: !custom x\n  title: !!int nope\n",
        "%YAML 9.9\n---\ncourse: {}\n",
        "%TAG ! tag:example.com,2000:\n---\ncourse: !x {}\n",
        "---\ncourse: {}\n---\ncohort: {}\n",
        "--- |\n  text\n",
        "...\n",
        "course:\n  lessons:\n    - day: 1\n      body: |\n  bad indent\n",
        "course:\n  lessons:\n    - day: 1\n      body: |-2\n       x\n",
        "course:\n  topics:\n    - code: [x]\n      title: {en: [a, b]}\n",
        "course:\n  questions:\n    - {id: q, options: {a: b}, answer: {x: y}}\n",
        "course:\n  exams: [1, 2, {code: [x]}]\n  surveys: {a: b}\n  completion: [x]\n  credit: 7\n",
        "cohort:\n  groups: [ {code: A, name: {en: ~}} ]\n  schedule: [x]\n  holidays: {a: b}\n",
        "cohort:\n  schedule: {lesson: [1], checkin_open: {}, weekly_digest: [monday]}\n",
        "cohort:\n  start: 2026-02-30\n  timezone: [x]\n",
        new string('[', 200) + new string(']', 200),
        new string('{', 5000),
        "course:\n" + string.Concat(Enumerable.Range(0, 100).Select(i => new string(' ', 2 * i + 2) + "a:\n")),
        "course:\n  code: \"\\uD800\"\n",
        "course:\n  code: x\r\n  title: y\r",
        "\uFEFFcourse:\n  code: x\n",
        "course: x\ncohort: y\n",
        "cohort: x\n",
    };

    [Theory]
    [MemberData(nameof(NastyYaml))]
    public async Task Malformed_yaml_is_reported_never_thrown_and_nothing_is_imported(string text)
    {
        var report = await Importer.ImportAsync([Samples.Text("nasty.yaml", text)]);
        AssertReported(report, "nasty.yaml");
        Assert.Equal(0, await CountAsync("courses") + await CountAsync("cohorts"));
    }

    /// <summary>The sample pack and cohort cut off at many points, and mutated at seeded random places.</summary>
    [Fact]
    public async Task Truncated_and_mutated_packs_cohorts_and_rosters_never_crash_the_import()
    {
        var seed = Environment.GetEnvironmentVariable("ACADEMY_FUZZ_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (rerun with ACADEMY_FUZZ_SEED={seed})");
        var random = new Random(seed);
        var pack = await File.ReadAllTextAsync(Samples.Pack);
        var cohort = await File.ReadAllTextAsync(Samples.Cohort);
        var roster = await File.ReadAllTextAsync(Samples.Roster);
        var cases = new List<(string Name, string Text)>();
        // Cut anywhere in the head of the pack (every few characters), and at spread points through the rest.
        for (int i = 0; i < 1500; i += 7) cases.Add(("pack.yaml", pack[..i]));
        for (int i = 0; i < 60; i++) cases.Add(("pack.yaml", pack[..random.Next(1500, pack.Length)]));
        for (int i = 0; i < cohort.Length; i += 3) cases.Add(("cohort.yaml", cohort[..i]));
        for (int i = 0; i < roster.Length; i += 5) cases.Add(("roster.csv", roster[..i]));
        string[] yamlBits = ["\t", "\"", "'", "{", "}", "[", "]", "&a ", "*a", "*a ", ": ", ":", "\n", "- ", "!!binary ", "!x ", "? ", "|", ">", "\\", "#", "%", "@", "`", ",", "---\n", "...\n", "<<: ", "~", "  ", "\r"];
        string[] csvBits = ["\"", "\"\"", ",", "\n", "\r", "\t", "\"\n\"", "=cmd", "\uFEFF"];
        for (int i = 0; i < 300; i++) cases.Add(("cohort.yaml", Mutate(cohort, yamlBits, random)));
        var head = pack[..4000];
        for (int i = 0; i < 150; i++) cases.Add(("pack.yaml", Mutate(head, yamlBits, random)));
        for (int i = 0; i < 300; i++) cases.Add(("roster.csv", Mutate(roster, csvBits, random)));

        var failed = 0;
        foreach (var (name, text) in cases)
        {
            ImportReport report;
            try
            {
                report = await Importer.ImportAsync([Samples.Text(name, text)]);
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}: {name} threw {ex.GetType().Name}: {ex.Message}\n--- input ---\n{text}");
                throw;
            }
            if (report.Succeeded) continue;
            failed++;
            AssertReported(report, name);
        }
        output.WriteLine($"{cases.Count} inputs, {failed} refused with errors");
        Assert.True(failed > cases.Count / 2, "most of these inputs are broken and say so");
    }

    [Fact]
    public async Task Broken_csv_quotes_are_errors_with_their_line()
    {
        await ImportSamplesAsync();
        var learners = await CountAsync("learners");
        var report = await Importer.ImportAsync([Samples.Text("q.csv", "cohort,group,name,phone\nsample-2026,HN-01,\"Lan,+84912000001\nsample-2026,HN-01,Binh,+84912000002\n")]);
        Assert.Equal(["q.csv:2: a quoted field is never closed", "1 error found; nothing was imported."], report.Render(En).ToList());
        report = await Importer.ImportAsync([Samples.Text("q.csv", "cohort,group,name,phone\nsample-2026,HN-01,Lan\"x\"y,+84912000001\n\"sample-2026\"x,HN-01,Binh,+84912000002\n")]);
        Assert.False(report.Succeeded);
        AssertReported(report, "q.csv");
        Assert.Equal(learners, await CountAsync("learners"));
    }

    /// <summary>
    /// A row with a field error is still checked for its cohort and group, a cohort whose other fields are
    /// broken still lends its groups to the roster's check, and a header with an unknown column still has
    /// its rows checked: fixing the errors one run shows must not reveal others in the next.
    /// </summary>
    [Fact]
    public async Task Field_errors_and_unknown_cohorts_or_groups_are_all_listed_in_one_run()
    {
        await ImportSamplesAsync();
        var cohort = (await File.ReadAllTextAsync(Samples.Cohort))
            .Replace("code: sample-2026", "code: spring-2027", StringComparison.Ordinal)
            .Replace("Asia/Ho_Chi_Minh", "Asia/Atlantis", StringComparison.Ordinal);
        const string roster = """
            cohort,group,name,phone,role,email
            nope,HN-01,Bad phone and cohort,12345,learner,
            sample-2026,ZZ-09,Bad role and group,+84 912 000 002,captain,
            spring-2027,HN-01,Fine in the broken cohort,+84 912 000 003,learner,
            spring-2027,XX-01,Wrong group of the broken cohort,+84 912 000 004,learner,bad-email
            """;
        var report = await Importer.ImportAsync([Samples.Text("cohort.yaml", cohort), Samples.Text("r.csv", roster)]);
        Assert.Equal(
            [
                "cohort.yaml:10: timezone: 'Asia/Atlantis' is not an IANA time zone (for example Asia/Ho_Chi_Minh or Asia/Shanghai)",
                "r.csv:2: phone: '12345' is not an international phone number (for example +84 912 345 678)",
                "r.csv:3: role: 'captain' is not one of: learner, liaison, admin",
                "r.csv:5: email: 'bad-email' is not an e-mail address",
                "r.csv:2: cohort: unknown cohort 'nope'; import the cohort first or in the same command",
                "r.csv:3: group: 'ZZ-09' is not a group of cohort sample-2026",
                "r.csv:5: group: 'XX-01' is not a group of cohort spring-2027",
                "7 errors found; nothing was imported.",
            ],
            report.Render(En).ToList());

        // An unknown column in the header: the rows are still read and their errors listed.
        report = await Importer.ImportAsync([Samples.Text("h.csv", "cohort,group,name,phone,emial\nnope,HN-01,A,+84912000009,a@x\nsample-2026,HN-01,B,999,b@x\n")]);
        Assert.Equal(
            [
                "h.csv:1: emial: unknown column (allowed: cohort, group, name, phone, role, language, email)",
                "h.csv:3: phone: '999' is not an international phone number (for example +84 912 345 678)",
                "h.csv:2: cohort: unknown cohort 'nope'; import the cohort first or in the same command",
                "3 errors found; nothing was imported.",
            ],
            report.Render(En).ToList());
    }

    [Fact]
    public async Task Two_people_with_one_email_are_refused_naming_both_lines()
    {
        await ImportSamplesAsync();
        var learners = await CountAsync("learners");
        const string roster = """
            cohort,group,name,phone,email
            sample-2026,HN-01,Lan,+84 912 000 001,Lan.Tran@Example.org
            sample-2026,HN-01,Binh,+84 912 000 002,binh@example.org
            sample-2026,HCM-01,Lan's colleague,+84 912 000 003,lan.tran@example.org
            """;
        var report = await Importer.ImportAsync([Samples.Text("r.csv", roster)]);
        Assert.Equal(
            [
                "r.csv:4: email: e-mail lan.tran@example.org is already on line 2; each person needs an e-mail of their own",
                "1 error found; nothing was imported.",
            ],
            report.Render(En).ToList());

        // Across two files of one command, and against someone already stored who is not in this import.
        report = await Importer.ImportAsync(
        [
            Samples.Text("a.csv", "cohort,group,name,phone,email\nsample-2026,HN-01,Lan,+84 912 000 001,lan@example.org\n"),
            Samples.Text("b.csv", "cohort,group,name,phone,email\nsample-2026,SH-01,Wei,+86 139 0000 0001,LAN@example.org\nsample-2026,SH-01,Li,+86 139 0000 0002,hung.tran@example.org\n"),
        ]);
        Assert.Equal(
            [
                "b.csv:2: email: e-mail lan@example.org is also given to another person in a.csv:2",
                "b.csv:3: email: e-mail hung.tran@example.org already belongs to Trần Văn Hùng, who is not in this roster; each person needs an e-mail of their own",
                "2 errors found; nothing was imported.",
            ],
            report.Render(En).ToList());
        Assert.Equal(learners, await CountAsync("learners"));

        // The same person in two cohorts' files keeps one e-mail; a person listed again may take an e-mail
        // someone else in the same import gives up.
        var sample = await File.ReadAllTextAsync(Samples.Roster);
        var swapped = sample.Replace("hung.tran@example.org", "hung@example.org", StringComparison.Ordinal)
            + "sample-2026,HN-01,Newcomer,+84 912 000 010,learner,vi,hung.tran@example.org\n";
        report = await Importer.ImportAsync([Samples.Text("roster.csv", swapped)]);
        Assert.True(report.Succeeded, string.Join('\n', report.Render(En)));
    }

    [Fact]
    public async Task The_same_phone_twice_in_one_cohort_is_refused_within_a_file_and_across_files()
    {
        await ImportSamplesAsync();
        var report = await Importer.ImportAsync(
        [
            Samples.Text("a.csv", "cohort,group,name,phone\nsample-2026,HN-01,Lan,+84 912 000 001\nsample-2026,HCM-01,Lan again,+84-912-000-001\n"),
            Samples.Text("b.csv", "cohort,group,name,phone\nsample-2026,SH-01,Lan too,+84912000001\n"),
        ]);
        Assert.Equal(
            [
                "a.csv:3: phone: phone +84912000001 is already on line 2",
                "b.csv:2: phone: phone +84912000001 is also enrolled in this cohort by a.csv:2",
                "2 errors found; nothing was imported.",
            ],
            report.Render(En).ToList());
    }

    private static string Mutate(string text, string[] bits, Random random)
    {
        var sb = new StringBuilder(text);
        for (int n = random.Next(1, 4); n > 0; n--)
        {
            var at = random.Next(0, sb.Length + 1);
            switch (random.Next(3))
            {
                case 0: sb.Insert(at, bits[random.Next(bits.Length)]); break;
                case 1: if (at < sb.Length) sb.Remove(at, Math.Min(random.Next(1, 8), sb.Length - at)); break;
                default: sb.Length = at; break;
            }
        }
        return sb.ToString();
    }

    // Every error names its file (and a line when it has one), and renders through the catalog.
    private static void AssertReported(ImportReport report, string name)
    {
        Assert.False(report.Succeeded);
        foreach (var error in report.Errors)
        {
            Assert.Equal(name, error.File);
            Assert.True(error.Line >= 0, error.Render(En));
            Assert.StartsWith(error.Line > 0 ? $"{name}:{error.Line}: " : $"{name}: ", error.Render(En), StringComparison.Ordinal);
        }
        Assert.EndsWith("nothing was imported.", report.Render(En).Last(), StringComparison.Ordinal);
    }
}
