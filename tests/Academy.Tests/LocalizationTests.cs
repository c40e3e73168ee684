using System.Text.RegularExpressions;
using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests;

public partial class LocalizationTests
{
    [Fact]
    public void Every_catalog_has_every_key()
    {
        var english = Catalog.Default.Keys(Languages.English).ToHashSet();
        foreach (var lang in Languages.All)
        {
            var keys = Catalog.Default.Keys(lang).ToHashSet();
            Assert.Empty(english.Except(keys).Select(k => $"{lang} lacks {k}"));
            Assert.Empty(keys.Except(english).Select(k => $"{lang} has extra {k}"));
        }
    }

    [Fact]
    public void Translations_keep_the_placeholders_of_the_English_message()
    {
        foreach (var key in Catalog.Default.Keys(Languages.English))
        {
            var expected = Placeholders(Catalog.Default.Template(Languages.English, key));
            foreach (var lang in Languages.All)
                Assert.True(expected.SetEquals(Placeholders(Catalog.Default.Template(lang, key))), $"{lang}:{key} placeholders differ");
        }
    }

    [Fact]
    public void Every_key_the_code_uses_is_in_the_catalogs()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Academy.sln"))) root = root.Parent!;
        var prefixes = Catalog.Default.Keys(Languages.English).Select(k => k[..k.IndexOf('.', StringComparison.Ordinal)]).ToHashSet();
        // Protocol code (platform JSON paths such as "group.id") speaks to platforms, never to people.
        var used = Directory.EnumerateFiles(Path.Combine(root.FullName, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("Protocol", StringComparison.Ordinal) && !f.Contains("WeChatFamily", StringComparison.Ordinal))
            .SelectMany(f => KeyLiteral().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Where(k => prefixes.Contains(k[..k.IndexOf('.', StringComparison.Ordinal)]))
            .ToHashSet();
        Assert.NotEmpty(used);
        Assert.Empty(used.Except(Catalog.Default.Keys(Languages.English)));
    }

    [Fact]
    public void A_features_own_catalog_files_are_part_of_the_catalog()
    {
        // NAME.en.json looks like a culture's resource to MSBuild, which would put it in a satellite assembly out of the catalog's sight.
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Academy.sln"))) root = root.Parent!;
        var files = Directory.EnumerateFiles(Path.Combine(root.FullName, "src", "Learning"), "*.*.json", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var language = Path.GetFileNameWithoutExtension(file).Split('.')[^1];
            var keys = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file))!.Keys;
            Assert.All(keys, k => Assert.Contains(k, Catalog.Default.Keys(language)));
        }
    }

    [Theory]
    [InlineData("vi-VN", "vi")]
    [InlineData("zh-CN", "zh-Hans")]
    [InlineData("zh", "zh-Hans")]
    [InlineData("en-GB", "en")]
    [InlineData("fr", "en")]     // unsupported: English
    [InlineData(null, "en")]
    public void A_learners_language_chooses_the_catalog(string? preferred, string catalog)
    {
        var text = Catalog.Default.For(preferred);
        Assert.Equal(catalog, text.Language);
        Assert.Equal(Catalog.Default.Get(catalog, "quiz.true"), text["quiz.true"]);
    }

    [Fact]
    public void The_three_catalogs_really_differ()
    {
        Assert.Equal("True", Catalog.Default.Get("en", "quiz.true"));
        Assert.NotEqual("True", Catalog.Default.Get("zh-Hans", "quiz.true"));
        Assert.NotEqual("True", Catalog.Default.Get("vi", "quiz.true"));
    }

    [Theory]
    [InlineData("en", 0, "No chats yet")]
    [InlineData("en", 1, "1 group chat")]
    [InlineData("en", 2, "2 group chats")]
    [InlineData("en", 21, "21 group chats")]
    public void Plurals_follow_the_language(string lang, int count, string expected)
    {
        var catalog = Catalog.Load([("test.en.json", """{"x.chats": "{count, plural, =0 {No chats yet} one {# group chat} other {# group chats}}"}""")]);
        Assert.Equal(expected, catalog.Get(lang, "x.chats", ("count", count)));
    }

    [Fact]
    public void Chinese_and_Vietnamese_have_one_form_and_select_picks_a_case()
    {
        var catalog = Catalog.Load([
            ("a.en.json", """{"x.role": "You are {role, select, admin {an admin} liaison {a liaison} other {a learner}} of {count, plural, one {# group} other {# groups}}."}"""),
            ("a.vi.json", """{"x.role": "Bạn là {role, select, admin {quản trị viên} other {học viên}} của {count} nhóm."}"""),
            ("a.zh-Hans.json", """{"x.role": "您是{count, plural, other {# 个小组}}的{role, select, admin {管理员} other {学员}}。"}"""),
        ]);
        Assert.Equal("You are an admin of 1 group.", catalog.Get("en", "x.role", ("role", "admin"), ("count", 1)));
        Assert.Equal("You are a learner of 3 groups.", catalog.Get("en", "x.role", ("role", "learner"), ("count", 3)));
        Assert.Equal("Bạn là quản trị viên của 1 nhóm.", catalog.Get("vi", "x.role", ("role", "admin"), ("count", 1)));
        Assert.Equal("您是1 个小组的学员。", catalog.Get("zh-Hans", "x.role", ("role", "learner"), ("count", 1)));
    }

    [Fact]
    public void A_key_defined_in_two_files_or_a_broken_template_is_refused_by_name()
    {
        var twice = Assert.Throws<InvalidOperationException>(() => Catalog.Load([("a.en.json", """{"x.y": "1"}"""), ("b.en.json", """{"x.y": "2"}""")]));
        Assert.Contains("a.en.json", twice.Message, StringComparison.Ordinal);
        Assert.Contains("b.en.json", twice.Message, StringComparison.Ordinal);
        var broken = Assert.Throws<InvalidOperationException>(() => Catalog.Load([("a.en.json", """{"x.y": "{count, plural, one {# x}"}""")]));
        Assert.Contains("x.y", broken.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => Catalog.Load([("a.en.json", """{"x.y": "{n, plural, one {x}}"}""")])); // no 'other'
    }

    [Fact]
    public void A_missing_argument_shows_its_placeholder()
    {
        var catalog = Catalog.Load([("a.en.json", """{"x.y": "Hello {name}, {count, plural, one {# day} other {# days}}"}""")]);
        Assert.Equal("Hello {name}, 2 days", catalog.Get("en", "x.y", ("count", 2)));
    }

    private static HashSet<string> Placeholders(string message) =>
        PlaceholderPattern().Matches(message).Select(m => m.Groups[1].Value).ToHashSet();

    [GeneratedRegex(@"\{([a-z_]+)\s*[,}]")]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"""([a-z]+(?:\.[a-z0-9_]+)+)""")]
    private static partial Regex KeyLiteral();
}
