using System.Text.RegularExpressions;
using Academy.Learning.Localization;
using Academy.Learning.Model;

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
            var expected = Placeholders(Catalog.Default.Get(Languages.English, key));
            foreach (var lang in Languages.All)
                Assert.True(expected.SetEquals(Placeholders(Catalog.Default.Get(lang, key))), $"{lang}:{key} placeholders differ");
        }
    }

    [Fact]
    public void Every_key_the_code_uses_is_in_the_catalogs()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Academy.sln"))) root = root.Parent!;
        var prefixes = Catalog.Default.Keys(Languages.English).Select(k => k[..k.IndexOf('.', StringComparison.Ordinal)]).ToHashSet();
        var used = Directory.EnumerateFiles(Path.Combine(root.FullName, "src"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => KeyLiteral().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Where(k => prefixes.Contains(k[..k.IndexOf('.', StringComparison.Ordinal)]))
            .ToHashSet();
        Assert.NotEmpty(used);
        Assert.Empty(used.Except(Catalog.Default.Keys(Languages.English)));
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

    private static HashSet<string> Placeholders(string message) =>
        PlaceholderPattern().Matches(message).Select(m => m.Value).ToHashSet();

    [GeneratedRegex(@"\{[a-z]+\}")]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"""([a-z]+(?:\.[a-z0-9_]+)+)""")]
    private static partial Regex KeyLiteral();
}
