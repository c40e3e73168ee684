using System.Text.RegularExpressions;
using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests;

/// <summary>
/// The catalogs read as sentences for every value: a count of one takes the singular, nothing is left
/// to the reader ("(s)"), none reads as none, and a role is named with its article in words, never by its code.
/// </summary>
public partial class LocalizationTests
{
    // Words that follow a number without being a noun it counts ("1 of", "1 is", "1 has"), or are a plural
    // that stays plural after one ("1 more"); every other word ending in s after "1" is a noun left in the plural.
    private static readonly HashSet<string> NotCountedNouns = new(StringComparer.Ordinal) { "is", "has", "was", "as", "its", "this" };

    private static readonly string[] Roles = ["admin", "liaison", "learner"];

    [Fact]
    public void Every_catalog_file_beside_the_code_is_in_the_catalog()
    {
        // MSBuild takes NAME.en.json for a culture resource and moves it to a satellite assembly unless told not to.
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Academy.sln"))) root = root.Parent!;
        var learning = Path.Combine(root.FullName, "src", "Learning");
        var files = Directory.EnumerateFiles(learning, "*.json", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToList();
        Assert.Contains(files, f => Path.GetFileName(f).Count(c => c == '.') == 2); // a NAME.LANG.json among them
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var lang = name[(name.LastIndexOf('.') + 1)..];
            var keys = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file))!.Keys;
            Assert.Empty(keys.Except(Catalog.Default.Keys(lang)).Select(k => $"{Path.GetFileName(file)}: {k}"));
        }
    }

    [Fact]
    public void No_message_leaves_the_plural_to_the_reader()
    {
        foreach (var lang in Languages.All)
            foreach (var key in Catalog.Default.Keys(lang))
                Assert.False(Regex.IsMatch(Catalog.Default.Template(lang, key), @"(?<!http)\((s|es)\)"), $"{lang}:{key} writes a plural as (s): {Catalog.Default.Template(lang, key)}");
    }

    [Fact]
    public void A_count_of_one_reads_in_the_singular_in_every_English_message()
    {
        var wrong = new List<string>();
        // A placeholder holds a count when some message counts with it ({name, plural, …}); the others
        // (a file, a name, an e-mail) get a word, so "1 already exists" about a file named 1 is not read as a count.
        var counts = Catalog.Default.Keys(Languages.English)
            .SelectMany(k => PluralArgument().Matches(Catalog.Default.Template(Languages.English, k)).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var key in Catalog.Default.Keys(Languages.English))
        {
            var text = Catalog.Default.Get(Languages.English, key, Placeholders(Catalog.Default.Template(Languages.English, key))
                .Select(n => (n, counts.Contains(n) ? (object?)1 : "Word")).ToArray());
            // "1 chats", "1 group chats", "of 1 learners": a noun in the plural within two words after a lone 1.
            foreach (Match m in OneThenWords().Matches(text))
                if (m.Groups[1].Value.Split(' ').Any(w => w.EndsWith('s') && !NotCountedNouns.Contains(w)))
                    wrong.Add($"{key}: “{m.Value}” in “{text}”");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    public static TheoryData<string, string, (string, object?)[], string> NothingYet => new()
    {
        { "en", "me.progress", [("name", "Lan"), ("day", 1), ("read", 0), ("required", 12), ("delivered", 1), ("answered", 0), ("accuracy", 0),
            ("checkins", 0), ("streak", 0), ("best", 0), ("minutes", 0), ("points", 0)],
          "Lan, day 1 of your programme:\n• Required lessons studied: 0/12 (1 delivered)\n• Quiz: no answers yet\n• Check-ins: none yet\n• Credit minutes: 0 · Points: 0" },
        { "vi", "me.progress", [("name", "Lan"), ("day", 0), ("read", 0), ("required", 12), ("delivered", 0), ("answered", 0), ("accuracy", 0),
            ("checkins", 0), ("streak", 0), ("best", 0), ("minutes", 0), ("points", 0)],
          "Lan, chương trình của bạn chưa bắt đầu:\n• Bài bắt buộc đã học: 0/12 (đã gửi 0 bài)\n• Câu đố: chưa có câu trả lời nào\n• Điểm danh: chưa có lần nào\n• Số phút học: 0 · Điểm: 0" },
        { "en", "survey.results_header", [("title", "Course evaluation"), ("count", 0), ("kind", "anonymous")], "Course evaluation: no responses yet, anonymous" },
        { "zh-Hans", "survey.results_written", [("count", 0)], "  暂无书面回答。" },
        { "en", "dashboard.overview.accuracy_detail", [("correct", 0), ("answers", 0)], "No quiz answers yet" },
        { "en", "dashboard.overview.day", [("day", 0), ("days", 12)], "The programme has not started yet (12 days planned)" },
        { "en", "dashboard.overview.participation_detail", [("active", 0), ("enrolled", 0), ("registered", 0)], "No learners enrolled yet" },
        { "en", "announce.list.item", [("id", 3), ("status", "Scheduled"), ("when", "2026-12-02 09:00 (Asia/Ho_Chi_Minh)"), ("excerpt", "Exam on Friday"),
            ("sent", 0), ("copies", 0), ("failed", 0), ("read", 0), ("learners", 0)], "#3 · Scheduled · 2026-12-02 09:00 (Asia/Ho_Chi_Minh)\nExam on Friday" },
        { "en", "announce.report.read", [("read", 0), ("learners", 0)], "Read: no learner is in the audience" },
        { "en", "announce.size.groups", [("chats", 1), ("groups", 1), ("learners", 7), ("missing", 0)], "1 group chat: 1 group with 7 learners" },
        { "en", "nudge.toast", [("count", 0), ("unreachable", 4)], "Nobody new was nudged; 4 cannot be reached." },
        { "en", "nudge.toast", [("count", 1), ("unreachable", 0)], "Nudged 1 learner." },
        { "en", "digest.weekly.summary", [("rate", "50%"), ("checked", 1), ("expected", 2), ("groups", 1), ("accuracy", "none")],
          "Check-in rate 50% (1 of 2 expected check-ins) across 1 group; no quiz answers" },
    };

    [Theory]
    [MemberData(nameof(NothingYet))]
    public void None_reads_as_none_instead_of_zeros_and_dashes(string lang, string key, (string, object?)[] args, string expected) =>
        Assert.Equal(expected, Catalog.Default.Get(lang, key, args));

    [Fact]
    public void A_number_sign_before_a_placeholder_stays_a_number_sign_inside_a_plural()
    {
        // In a plural branch "#" is the count: "Announcement #{id}" there would print "Announcement 312" for #12 with 3 copies.
        foreach (var lang in Languages.All)
            foreach (var key in Catalog.Default.Keys(lang))
            {
                var template = Catalog.Default.Template(lang, key);
                var numbered = Regex.Matches(template, @"#\{(\w+)\}").Select(m => m.Groups[1].Value).ToHashSet();
                if (numbered.Count == 0) continue;
                var text = Catalog.Default.Get(lang, key, Placeholders(template).Select(n => (n, (object?)(numbered.Contains(n) ? 12345 : 3))).ToArray());
                Assert.True(text.Contains("#12345", StringComparison.Ordinal), $"{lang}:{key}: “{text}”");
            }
    }

    [Fact]
    public void A_role_is_named_in_words_with_its_article_never_by_its_code()
    {
        var withRole = Catalog.Default.Keys(Languages.English).Where(k => Placeholders(Catalog.Default.Template(Languages.English, k)).Contains("role")).ToList();
        Assert.NotEmpty(withRole);
        foreach (var key in withRole)
            foreach (var role in Roles)
                foreach (var lang in Languages.All)
                {
                    var template = Catalog.Default.Template(lang, key);
                    var text = Catalog.Default.Get(lang, key, [.. Placeholders(template).Where(n => n != "role").Select(n => (n, (object?)"X")), ("role", role)]);
                    if (lang == Languages.English)
                    {
                        Assert.DoesNotMatch(@"\ba [aeiouAEIOU]", text);
                        Assert.DoesNotMatch(@"\ban [^aeiouAEIOU\s]", text);
                        Assert.Contains(role, text, StringComparison.Ordinal); // the role in words: "an admin", "a liaison"
                    }
                    else Assert.DoesNotContain(role, text, StringComparison.Ordinal); // 管理员, quản trị viên: never the code
                }
    }

    [Theory]
    [InlineData("en", "You are an admin. You can use:", "admin")]
    [InlineData("en", "You are a liaison. You can use:", "liaison")]
    [InlineData("en", "You are a learner. You can use:", "learner")]
    [InlineData("zh-Hans", "您的身份是管理员。可以使用：", "admin")]
    [InlineData("vi", "Bạn là liên lạc viên. Bạn có thể dùng:", "liaison")]
    public void Help_names_the_role_with_its_article(string lang, string expected, string role) =>
        Assert.Equal(expected, Catalog.Default.Get(lang, "help.header", ("role", role)));

    [Theory]
    [InlineData("en", 1, "1 group chat: 1 group with 1 learner")]
    [InlineData("en", 2, "2 group chats: 2 groups with 2 learners (2 groups have no chat)")]
    [InlineData("zh-Hans", 2, "2 个群聊：2 个小组，共 2 名学员（其中 2 个小组没有群聊）")]
    [InlineData("vi", 1, "1 nhóm chat: 1 nhóm với 1 học viên (1 nhóm chưa có nhóm chat)")]
    public void An_announcements_size_agrees_with_its_counts(string lang, int n, string expected) =>
        Assert.Equal(expected, Catalog.Default.Get(lang, "announce.size.groups", ("chats", n), ("groups", n), ("learners", n), ("missing", n == 1 && lang == "en" ? 0 : n)));

    [GeneratedRegex(@"(?<![\d.,/:-])\b1 ((?:[a-z][A-Za-z-]* ){0,1}[a-z][A-Za-z-]*)")]
    private static partial Regex OneThenWords();

    [GeneratedRegex(@"\{([a-z_]+)\s*,\s*plural\s*,")]
    private static partial Regex PluralArgument();
}
