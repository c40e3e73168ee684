using Academy.Learning.Localization;
using Academy.Tests.Support;
using static Academy.Tests.Support.PlaygroundSteps;

namespace Academy.Tests.Chat;

/// <summary>
/// The playground's sample cohort as a newcomer meets it on the day they first start the host, and
/// what /push does on a day the cohort's calendar has off.
/// </summary>
public sealed class PlaygroundSampleTests
{
    private static readonly Localizer En = Catalog.Default.For("en"), Vi = Catalog.Default.For("vi");
    private const string Group = "group-HN-01";

    private static AcademyApp StartedOn(string instant, bool startsToday = true) =>
        new(new Dictionary<string, string?> { ["Playground:SampleStartsToday"] = startsToday ? "true" : "false" },
            time: new ShiftedTime(DateTimeOffset.Parse(instant)));

    [Theory]
    [InlineData("2027-03-10T02:00:00Z", "2027-03-10")] // a Wednesday, 09:00 in Ho Chi Minh City
    [InlineData("2027-03-13T02:00:00Z", "2027-03-13")] // a Saturday: the sample counts weekends, so it starts that day
    [InlineData("2027-03-13T18:30:00Z", "2027-03-14")] // Saturday evening in UTC is Sunday 01:30 in the cohort's zone
    public async Task On_first_start_the_sample_cohort_starts_today_with_the_pre_test_day_1_and_check_in_open(string now, string start)
    {
        await using var app = StartedOn(now);
        Assert.Equal(start, await app.ScalarAsync<string>("SELECT start_date FROM cohorts WHERE code = 'sample-2026'"));

        var admin = await PersonaAsync(app, Dashboard.DashboardSupport.Admin);
        var learner = await PersonaAsync(app, LiaisonDay.Nhung);
        await RegisterAsync(app, admin, "en");
        await RegisterAsync(app, learner, "en");
        var preId = await app.ScalarAsync<long>("SELECT id FROM exams WHERE code = 'pre-test'");
        Assert.Contains(await BotMessagesAsync(app, learner.PrivateChat, 0), m => PlaygroundUser.ButtonData(m).Contains($"xs:{preId}"));

        await admin.SayAsync(Group, "/push");
        await SettledAsync(app);
        var shown = await BotMessagesAsync(app, Group, 0);
        Assert.Contains(shown, m => PlaygroundUser.Text(m).StartsWith("**Ngày 1:", StringComparison.Ordinal));
        var checkIn = Assert.Single(shown, m => PlaygroundUser.ButtonData(m).Any(d => d.StartsWith("ci:", StringComparison.Ordinal)));
        if (now.EndsWith("T18:30:00Z", StringComparison.Ordinal)) return; // 01:30: the check-in opens at 07:30

        var last = await LastIdAsync(app, Group);
        await learner.PressAsync(Group, PlaygroundUser.ButtonData(checkIn).Single());
        await SettledAsync(app);
        Assert.Contains(await BotMessagesAsync(app, Group, last), m => PlaygroundUser.Text(m) == En.Get("checkin.recorded", ("day", 1), ("streak", 1)) ||
                                                                        PlaygroundUser.Text(m) == Vi.Get("checkin.recorded", ("day", 1), ("streak", 1)));
    }

    [Fact]
    public async Task On_a_holiday_the_sample_starts_on_the_next_day_its_calendar_counts()
    {
        // 2026-12-08 is the sample cohort's holiday.
        await using var app = StartedOn("2026-12-08T02:00:00Z");
        Assert.Equal("2026-12-09", await app.ScalarAsync<string>("SELECT start_date FROM cohorts WHERE code = 'sample-2026'"));
    }

    [Fact]
    public async Task The_command_line_import_keeps_the_files_date()
    {
        await using var app = StartedOn("2027-03-10T02:00:00Z");
        var importer = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Academy.Learning.Import.ContentImporter>(app.Services);
        Assert.True((await importer.ImportFilesAsync([Samples.Cohort])).Succeeded);
        Assert.Equal("2026-12-01", await app.ScalarAsync<string>("SELECT start_date FROM cohorts WHERE code = 'sample-2026'"));
    }

    [Fact]
    public async Task Push_on_a_holiday_says_so_and_invites_no_check_in_the_button_would_refuse()
    {
        // Day 7 of the sample is 2026-12-07; 2026-12-08 is its holiday (09:00 local).
        await using var app = StartedOn("2026-12-08T02:00:00Z", startsToday: false);
        var admin = await PersonaAsync(app, Dashboard.DashboardSupport.Admin);
        var learner = await PersonaAsync(app, LiaisonDay.Nhung);
        await RegisterAsync(app, admin, "en");
        await RegisterAsync(app, learner, "en");

        await admin.SayAsync(Group, "/push");
        await SettledAsync(app);
        var shown = await BotMessagesAsync(app, Group, 0);
        Assert.Equal([Vi.Get("web.push.holiday", ("date", "2026-12-08"))], shown.Select(PlaygroundUser.Text)); // the group speaks Vietnamese
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT COUNT(*) FROM deliveries"));

        // A day named on a holiday: its lesson and quiz, no check-in prompt.
        var last = await LastIdAsync(app, Group);
        await admin.SayAsync(Group, "/push 7");
        await SettledAsync(app);
        shown = await BotMessagesAsync(app, Group, last);
        Assert.Contains(shown, m => PlaygroundUser.Text(m).StartsWith("**Ngày 7:", StringComparison.Ordinal));
        Assert.Contains(shown, m => PlaygroundUser.ButtonData(m).Any(d => d.StartsWith("q:", StringComparison.Ordinal)));
        Assert.DoesNotContain(shown, m => PlaygroundUser.ButtonData(m).Any(d => d.StartsWith("ci:", StringComparison.Ordinal)));
        Assert.Contains(shown, m => PlaygroundUser.Text(m) == Vi.Get("web.push.holiday_no_checkin", ("date", "2026-12-08"), ("day", 7)));

        // And the check-in button, pressed anyway, agrees: no programme day today.
        last = await LastIdAsync(app, Group);
        var cohortId = await app.ScalarAsync<long>("SELECT id FROM cohorts");
        await learner.PressAsync(Group, $"ci:{cohortId}");
        await SettledAsync(app);
        // (in the group's language or the presser's: which one a toast speaks is another question)
        Assert.Contains(await BotMessagesAsync(app, Group, last), m => PlaygroundUser.Text(m) == En["checkin.no_programme"] || PlaygroundUser.Text(m) == Vi["checkin.no_programme"]);
    }
}
