using System.Text;
using Academy.Learning.Localization;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Academy.Learning.Content;

namespace Academy.Tests.Storage;

/// <summary>Bad input: every error reported with file, line and field, and nothing imported.</summary>
public class ImportValidationTests : StoreTestBase
{
    private static readonly Localizer En = Catalog.Default.For("en");

    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());

    private const string BrokenPack = """
        course:
          code: broken
          title: Broken pack
          topics:
            - code: basics
              title: Basics
          lessons:
            - day: 1
              title: One
              topics: [basics]
              body: Text
            - day: 3
              title: Three
              topics: [nonsense]
              credit_minute: 10
              body: Text
          questions:
            - id: q1
              topic: basics
              type: single
              text: Which?
              options: [A, B, C, D]
              answer: e
            - id: q2
              topic: basics
              type: multiple
              text: Which ones?
              options: [A, B]
            - id: q1
              topic: basics
              type: true_false
              text: Sure?
              answer: maybe
            - id: q4
              topic: basics
              type: fill
              text: Fill ____
            - id: q5
              topic: basics
              type: single
              text: Pick one
              options: [A, B, C]
              answer: [a, b]
        """;

    [Fact]
    public async Task A_broken_pack_yields_one_line_per_error_with_line_and_field()
    {
        var report = await Importer.ImportAsync([Samples.Text("broken.yaml", BrokenPack)]);
        Assert.False(report.Succeeded);
        var lines = report.Render(En).ToList();
        string[] expected =
        [
            "broken.yaml:15: lessons[day 3].credit_minute: unknown field (allowed here: day, title, required, credit_minutes, topics, discussion, body, media)",
            "broken.yaml:14: lessons[day 3].topics: unknown topic 'nonsense'; declare it under topics",
            "broken.yaml:7: lessons: there is no lesson for day 2; lesson days must run 1, 2, 3 … without gaps",
            "broken.yaml:23: questions[q1].answer: 'e' is not an option of this question (options: a, b, c, d)",
            "broken.yaml:24: questions[q2].answer: no correct answer is given",
            "broken.yaml:29: questions[q1].id: 'q1' is already used on line 18",
            "broken.yaml:33: questions[q1].answer: 'maybe' is not true or false",
            "broken.yaml:34: questions[q4].accept: no correct answer is given",
            "broken.yaml:43: questions[q5].answer: a single-choice question has exactly one correct answer",
            "9 errors found; nothing was imported.",
        ];
        Assert.Equal(expected, lines);
        Assert.Equal(0, await CountAsync("courses"));
    }

    [Fact]
    public async Task Yaml_syntax_errors_name_the_line()
    {
        var report = await Importer.ImportAsync([Samples.Text("bad.yaml", "course:\n  code: x\n  title: [unclosed\n")]);
        var line = Assert.Single(report.Errors);
        Assert.Equal("import.error.yaml_syntax", line.MessageKey);
        Assert.True(line.Line >= 3, line.Render(En));
    }

    [Fact]
    public async Task Wrong_encodings_are_refused_with_the_line()
    {
        // "Nguyễn" in Windows-1258 is not UTF-8; so is GBK Chinese.
        var gbk = Encoding.UTF8.GetBytes("cohort,group,name,phone\nsample-2026,HN-01,Ok,+84912345678\n")
            .Concat(new byte[] { 0x73, 0x2C, 0x48, 0x2C, 0xC0, 0xEE, 0xCB, 0xC4, 0x2C, 0x2B, 0x38, 0x36, 0x0A }).ToArray();
        var utf16 = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("cohort,group,name,phone\n")).ToArray();
        var report = await Importer.ImportAsync([("gbk.csv", gbk), ("utf16.csv", utf16)]);
        Assert.Equal(
            [
                "gbk.csv:3: this line is not valid UTF-8 (was the file saved as GBK, Big5 or Windows-1258?); save the file as UTF-8",
                "utf16.csv:1: the file is saved as UTF-16; save it as UTF-8",
                "2 errors found; nothing was imported.",
            ],
            report.Render(En).ToList());
    }

    [Fact]
    public async Task Roster_errors_are_all_reported_with_line_and_column()
    {
        await ImportSamplesAsync();
        var counts = await CountAsync("learners");
        const string roster = """
            cohort,group,name,phone,role,language
            sample-2026,HN-01,Lan,+84 912 000 001,learner,vi
            sample-2026,HN-01,Lan again,+84-912-000-001,learner,vi
            sample-2026,ZZ-09,Nobody,+84 912 000 002,learner,
            nope,HN-01,Lost,+84 912 000 003,learner,
            sample-2026,HN-01,No phone,0912000004,learner,
            sample-2026,HN-01,Boss,+84 912 000 005,captain,
            sample-2026,,Needs group,+84 912 000 006,liaison,
            sample-2026,HN-01,Lang,+84 912 000 007,learner,fr
            sample-2026,HN-01,Short row
            """;
        var report = await Importer.ImportAsync([Samples.Text("r.csv", roster)]);
        Assert.Equal(
            [
                "r.csv:3: phone: phone +84912000001 is already on line 2",
                "r.csv:6: phone: '0912000004' is not an international phone number (for example +84 912 345 678)",
                "r.csv:7: role: 'captain' is not one of: learner, liaison, admin",
                "r.csv:8: group: is required for a liaison",
                "r.csv:9: language: 'fr' is not a supported language (en, zh-Hans, vi)",
                "r.csv:10: has 3 fields but the header has 6",
                "r.csv:4: group: 'ZZ-09' is not a group of cohort sample-2026",
                "r.csv:5: cohort: unknown cohort 'nope'; import the cohort first or in the same command",
                "8 errors found; nothing was imported.",
            ],
            report.Render(En).ToList());
        Assert.Equal(counts, await CountAsync("learners"));
    }

    [Fact]
    public async Task A_cohort_must_name_a_known_course_and_a_real_time_zone()
    {
        var cohort = File.ReadAllText(Samples.Cohort)
            .Replace("course: digital-safety", "course: no-such-course", StringComparison.Ordinal)
            .Replace("Asia/Ho_Chi_Minh", "Asia/Atlantis", StringComparison.Ordinal)
            .Replace("checkin_close: \"21:00\"", "checkin_close: \"07:00\"", StringComparison.Ordinal);
        var report = await Importer.ImportAsync([Samples.Text("cohort.yaml", cohort)]);
        var lines = report.Render(En).ToList();
        Assert.Contains(lines, l => l.StartsWith("cohort.yaml:10: timezone: 'Asia/Atlantis' is not an IANA time zone", StringComparison.Ordinal));
        Assert.Contains("cohort.yaml:15: schedule.checkin_close: must be later than checkin_open", lines);
        Assert.Contains("cohort.yaml: course: unknown course 'no-such-course'; import its pack first or in the same command", lines);
        Assert.Equal(4, lines.Count); // three errors, found in one run, and the closing line
        Assert.Equal(0, await CountAsync("cohorts"));
    }

    [Fact]
    public async Task The_reminder_digest_and_weekly_digest_times_are_checked()
    {
        var cohort = File.ReadAllText(Samples.Cohort)
            .Replace("reminder: \"19:00\"", "reminder: \"22:00\"", StringComparison.Ordinal)
            .Replace("digest: \"21:15\"", "digest: \"20:00\"", StringComparison.Ordinal)
            .Replace("weekly_digest: monday 09:00", "weekly_digest: someday 09:00", StringComparison.Ordinal);
        var report = await Importer.ImportAsync([Samples.Text("cohort.yaml", cohort)]);
        var lines = report.Render(En).ToList();
        Assert.Contains("cohort.yaml:17: schedule.reminder: must be after checkin_open and before checkin_close", lines);
        Assert.Contains("cohort.yaml:18: schedule.digest: must be at or after checkin_close", lines);
        Assert.Contains("cohort.yaml:19: schedule.weekly_digest: 'someday 09:00' is not a weekday and a time, for example \"monday 09:00\"", lines);
        Assert.Equal(0, await CountAsync("cohorts"));

        // Seconds are allowed; omitted times take their defaults.
        var plain = File.ReadAllText(Samples.Cohort)
            .Replace("    reminder: \"19:00\"\n", "", StringComparison.Ordinal)
            .Replace("    digest: \"21:15\"\n", "", StringComparison.Ordinal)
            .Replace("    weekly_digest: monday 09:00\n", "", StringComparison.Ordinal)
            .Replace("quiz: \"12:00\"", "quiz: \"12:00:30\"", StringComparison.Ordinal);
        Assert.True((await Importer.ImportAsync([Samples.File(Samples.Pack), Samples.Text("cohort.yaml", plain)])).Succeeded);
        await using var s = await Db.BeginReadAsync();
        var stored = (await CohortStore.GetByCodeAsync(s, "sample-2026"))!.Cohort.Schedule;
        Assert.Equal(new TimeOnly(12, 0, 30), stored.Quiz);
        Assert.Equal(new TimeOnly(19, 0), stored.Reminder);
        Assert.Equal(new TimeOnly(21, 0), stored.Digest);
        Assert.Equal((DayOfWeek.Monday, new TimeOnly(9, 0)), (stored.WeeklyDigestDay, stored.WeeklyDigestTime));
    }

    [Fact]
    public async Task Missing_and_unsupported_files_are_named()
    {
        var report = await Importer.ImportFilesAsync(["/nonexistent/pack.yaml", Samples.Pack.Replace(".yaml", ".txt", StringComparison.Ordinal)]);
        var lines = report.Render(En).ToList();
        Assert.Equal("/nonexistent/pack.yaml: file not found", lines[0]);
        Assert.EndsWith("digital-safety.txt: file not found", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_can_be_read_in_Chinese_and_Vietnamese()
    {
        var report = await Importer.ImportAsync([Samples.Text("r.csv", "cohort,group,name,phone\nx,HN-01,A,12345\n")]);
        var zh = report.Render(Catalog.Default.For("zh-Hans")).First();
        var vi = report.Render(Catalog.Default.For("vi")).First();
        Assert.StartsWith("r.csv:2: phone: ", zh, StringComparison.Ordinal);
        Assert.StartsWith("r.csv:2: phone: ", vi, StringComparison.Ordinal);
        Assert.Contains("12345", zh, StringComparison.Ordinal);
        Assert.NotEqual(zh, vi);
        Assert.NotEqual(report.Render(En).First(), zh);
    }
}

/// <summary>Bad surveys, credit rules and completion rules: one line per error, nothing imported.</summary>
public class SurveyImportValidationTests : StoreTestBase
{
    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());

    private const string BrokenSurveys = """
        course:
          code: broken
          title: Broken pack
          topics:
            - code: basics
              title: Basics
          lessons:
            - day: 1
              title: One
              topics: [basics]
              body: Text
          questions:
            - id: q1
              topic: basics
              type: true_false
              text: Sure?
              answer: true
          credit:
            answer: {minutes: 2, daily_cap: lots}
            lesson: {minutes: 5}
          completion:
            lessons: 3
            survey: evalution
          surveys:
            - code: evaluation
              title: Evaluation
              opens: last_day
              exam: post
              items:
                - code: rating
                  type: choice
                  text: How was it?
                  options: [Good]
                - code: why
                  type: text
                  text: Why?
                  min_length: 100
                  max_length: 50
        """;

    [Fact]
    public async Task A_pack_with_broken_surveys_and_rules_reports_each_error_and_imports_nothing()
    {
        var report = await Importer.ImportAsync([Samples.Text("broken.yaml", BrokenSurveys)]);
        Assert.False(report.Succeeded);
        string[] expected =
        [
            "broken.yaml:28: surveys[evaluation].exam: is used only with opens: after_exam",
            "broken.yaml:33: surveys[evaluation].items[rating].options: has 1 option; a question needs 2 to 10",
            "broken.yaml:37: surveys[evaluation].items[why].min_length: is more than max_length (50)",
            "broken.yaml:20: credit.lesson.minutes: unknown field (allowed here: daily_cap)",
            "broken.yaml:19: credit.answer.daily_cap: 'lots' is not a whole number from 0 to 1440",
            "broken.yaml:22: completion.lessons: '3' is not 'all' or a number of required lessons from 0 to 1",
            "broken.yaml:23: completion.survey: unknown survey 'evalution'; declare it under surveys",
            "7 errors found; nothing was imported.",
        ];
        Assert.Equal(expected, report.Render(Catalog.Default.For("en")).ToList());
        Assert.Equal(0, await CountAsync("courses"));
        Assert.Equal(0, await CountAsync("surveys"));
    }

    private const string MisnamedExams = """
        course:
          code: misnamed
          title: Misnamed exams
          topics:
            - code: basics
              title: Basics
          lessons:
            - day: 1
              title: One
              topics: [basics]
              body: Text
          questions:
            - id: q1
              topic: basics
              type: true_false
              text: Sure?
              answer: true
          exams:
            - code: post-test
              kind: post
              title: Post-test
              time_limit_minutes: 10
              pass_mark: 60
              draw:
                - { topics: [basics], count: 1 }
            - code: warm-up
              kind: practice
              title: Warm-up
              time_limit_minutes: 10
              pass_mark: 60
              draw:
                - { topics: [basics], count: 1 }
          completion:
            post_test: [post-tset, warm-up]
          surveys:
            - code: evaluation
              title: Evaluation
              opens: after_exam
              exam: posttest
              items:
                - code: rating
                  type: choice
                  text: How was it?
                  options: [Good, Bad]
        """;

    [Fact]
    public async Task A_completion_rule_or_survey_naming_an_exam_the_pack_lacks_or_a_practice_test_is_refused_and_nothing_imported()
    {
        var report = await Importer.ImportAsync([Samples.Text("misnamed.yaml", MisnamedExams)]);
        Assert.False(report.Succeeded);
        string[] expected =
        [
            "misnamed.yaml:39: surveys[evaluation].exam: unknown exam 'posttest'; declare it under exams",
            "misnamed.yaml:34: completion.post_test: unknown exam 'post-tset'; declare it under exams",
            "misnamed.yaml:34: completion.post_test: 'warm-up' is a practice test, which never counts toward completion",
            "3 errors found; nothing was imported.",
        ];
        Assert.Equal(expected, report.Render(Catalog.Default.For("en")).ToList());
        Assert.Equal(0, await CountAsync("courses"));
        Assert.Equal(0, await CountAsync("exams"));

        // Spelt right, the same pack imports.
        var fixedPack = MisnamedExams.Replace("[post-tset, warm-up]", "post-test", StringComparison.Ordinal).Replace("exam: posttest", "exam: post-test", StringComparison.Ordinal);
        Assert.True((await Importer.ImportAsync([Samples.Text("misnamed.yaml", fixedPack)])).Succeeded);
    }
}
