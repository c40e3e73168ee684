using Academy.Scheduler;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Academy.Tests.Support.PlaygroundUser;
using static Academy.Tests.Support.PlaygroundSteps;

namespace Academy.Tests.Announcements;

/// <summary>Announcements at a local time, through the real scheduler: one goes at its time, a cancelled one never does.</summary>
public sealed class AnnouncementScheduleTests
{
    [Fact]
    public async Task A_scheduled_announcement_goes_at_its_local_time_and_a_cancelled_one_never_does()
    {
        // 08:59:30 in Ho Chi Minh City, the sample cohort's time zone: "09:00" is half a minute away.
        await using var app = new AcademyApp(new Dictionary<string, string?> { ["Scheduler:Enabled"] = "true" },
            time: new ShiftedTime(DateTimeOffset.Parse("2026-12-01T01:59:30Z")));
        var admin = new PlaygroundUser(app, await AnnouncementPlaygroundTests.PersonaAsync(app, "+84903100200"));
        await AnnouncementPlaygroundTests.RegisterAsync(app, admin, "Welcome,");
        var dm = admin.PrivateChat;

        var kept = await ScheduleAsync(app, admin, "Opening ceremony at 10:00.", badTimesFirst: true);
        var cancelled = await ScheduleAsync(app, admin, "This one is withdrawn.");
        await admin.SayAsync(dm, "/announcements");
        var list = await WaitForBotAsync(app, dm, m => Text(m).StartsWith("Announcements (newest first)", StringComparison.Ordinal));
        Assert.Contains($"an:{cancelled}:x", ButtonData(list.GetProperty("message")));
        Assert.Contains($"an:{kept}:x", ButtonData(list.GetProperty("message")));
        await admin.PressAsync(dm, $"an:{cancelled}:x");
        await WaitForBotAsync(app, dm, m => Text(m) == $"Announcement #{cancelled} is cancelled: it will not be sent.");
        // The job follows the row: it is removed within a round of the reporter.
        await Eventually.UntilAsync(async () => await app.Services.GetRequiredService<OneOffJobs>().DueAsync(
            "announcement", cancelled.ToString(System.Globalization.CultureInfo.InvariantCulture)) is null, "the cancelled job removed");

        await Eventually.UntilAsync(async () => (await AnnouncementPlaygroundTests.TextsAsync(app, "group-HN-01")).Contains("Opening ceremony at 10:00."),
            "the scheduled copy at 09:00", seconds: 60, dump: async () =>
                string.Join("; ", (await app.QueryAsync<string>("SELECT id || ' ' || status || ' send_at=' || COALESCE(send_at, 0) || ' job_at=' || COALESCE(job_at, 0) || ' sent_at=' || COALESCE(sent_at, 0) FROM announcements")))
                + " | triggers: " + string.Join(", ", await app.QueryAsync<string>("SELECT trigger_name || ' ' || trigger_state || ' next=' || COALESCE(next_fire_time, 0) FROM qrtz_triggers"))
                + " | now=" + app.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds());
        var sentAt = await app.ScalarAsync<long>("SELECT sent_at FROM announcements WHERE id = @kept", new { kept });
        Assert.True(sentAt >= DateTimeOffset.Parse("2026-12-01T02:00:00Z").ToUnixTimeMilliseconds(), "not before its time");
        await WaitForBotAsync(app, dm, m => Text(m).StartsWith($"📣 Announcement #{kept}", StringComparison.Ordinal));
        await Task.Delay(3000);
        Assert.Equal("cancelled", await app.ScalarAsync<string>("SELECT status FROM announcements WHERE id = @cancelled", new { cancelled }));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT COUNT(*) FROM announcement_copies WHERE announcement_id = @cancelled", new { cancelled }));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE idem_key LIKE @prefix", new { prefix = $"ann/{cancelled}/%" }));
        foreach (var group in new[] { "group-HN-01", "group-HCM-01", "group-SH-01" })
            Assert.DoesNotContain("This one is withdrawn.", await AnnouncementPlaygroundTests.TextsAsync(app, group));
    }

    private static async Task<long> ScheduleAsync(AcademyApp app, PlaygroundUser admin, string text, bool badTimesFirst = false)
    {
        var dm = admin.PrivateChat;
        // Each step waits for a reply newer than the step: the second announcement's dialogue must not
        // be satisfied by the first one's messages.
        var after = await LastIdAsync(app, dm);
        await admin.SayAsync(dm, "/announce");
        await WaitForBotAsync(app, dm, m => Text(m).StartsWith("New announcement #", StringComparison.Ordinal), after);
        var id = await app.ScalarAsync<long>("SELECT MAX(id) FROM announcements");
        await admin.SayAsync(dm, text);
        await WaitForBotAsync(app, dm, after: after, match: m => ButtonData(m).Contains($"an:{id}:all"));
        await admin.PressAsync(dm, $"an:{id}:all");
        await WaitForBotAsync(app, dm, after: after, match: m => ButtonData(m).Contains($"an:{id}:at"));
        await admin.PressAsync(dm, $"an:{id}:at");
        await WaitForBotAsync(app, dm, after: after, match: m => Text(m).StartsWith("Type the time in Asia/Ho_Chi_Minh (the time zone of Everyday Digital Safety — December 2026)", StringComparison.Ordinal));
        if (badTimesFirst)
        {
            await admin.SayAsync(dm, "25:99");
            await WaitForBotAsync(app, dm, after: after, match: m => Text(m).StartsWith("I could not read \"25:99\"", StringComparison.Ordinal));
            await admin.SayAsync(dm, "2026-11-30 09:00");
            await WaitForBotAsync(app, dm, after: after, match: m => Text(m) == "2026-11-30 09:00 (Asia/Ho_Chi_Minh) has already passed. Please give a time in the future.");
        }
        await admin.SayAsync(dm, "09:00");
        var preview = await WaitForBotAsync(app, dm, after: after, match: m => Text(m).StartsWith($"Preview of announcement #{id}", StringComparison.Ordinal));
        Assert.Contains("When: 2026-12-01 09:00 (Asia/Ho_Chi_Minh)", Text(preview.GetProperty("message")), StringComparison.Ordinal);
        await admin.PressAsync(dm, $"an:{id}:ok");
        await WaitForBotAsync(app, dm, after: after, match: m => Text(m).StartsWith($"Announcement #{id} is scheduled for 2026-12-01 09:00 (Asia/Ho_Chi_Minh)", StringComparison.Ordinal));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT COUNT(*) FROM announcement_copies WHERE announcement_id = @id", new { id }));
        return id;
    }
}
