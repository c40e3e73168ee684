using Academy.Learning.Daily;
using Academy.Tests.Support;

namespace Academy.Tests.Scheduler;

/// <summary>Cohorts become Quartz triggers: read back from the store, in UTC, across DST changes and edits.</summary>
public sealed class ProgrammePlannerTests : IAsyncLifetime
{
    private readonly SqliteTestStore _store = new();
    // Before every programme below: nothing is stale, nothing has fired (the scheduler is not started).
    private readonly FakeTime _time = new(DateTimeOffset.Parse("2027-03-01T00:00:00Z"));
    private SchedulerHarness _h = null!;

    public async Task InitializeAsync() => _h = await SchedulerHarness.CreateAsync(_store.Options, _time);

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        await _store.DisposeAsync();
    }

    private static DateTimeOffset Utc(string s) => DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Triggers_fire_at_the_cohorts_local_times_across_DST_changes()
    {
        // Day 2 is the day before the change, day 3 the change (a Sunday), day 4 the day after.
        await _h.ImportAsync(SchedulerSamples.Pack(),
            SchedulerSamples.Cohort("berlin-spring", "Europe/Berlin", "2027-03-26", lesson: "02:30"),
            SchedulerSamples.Cohort("berlin-autumn", "Europe/Berlin", "2027-10-29", lesson: "02:30"),
            SchedulerSamples.Cohort("ny-spring", "America/New_York", "2027-03-12", lesson: "02:30"),
            SchedulerSamples.Cohort("ny-autumn", "America/New_York", "2027-11-05", lesson: "02:30"));
        await _h.Planner.PlanAsync();

        var t = await _h.TriggersAsync((await _h.CohortAsync("berlin-spring")).Id);
        Assert.Equal(Utc("2027-03-27T06:30:00Z"), t["checkin/d2"]);   // 07:30 CET
        Assert.Equal(Utc("2027-03-28T05:30:00Z"), t["checkin/d3"]);   // 07:30 CEST
        Assert.Equal(Utc("2027-03-29T05:30:00Z"), t["checkin/d4"]);
        Assert.Equal(Utc("2027-03-27T01:30:00Z"), t["lesson/d2"]);    // 02:30 CET
        Assert.Equal(Utc("2027-03-28T01:30:00Z"), t["lesson/d3"]);    // 02:30 does not exist: 03:30 CEST
        Assert.Equal(Utc("2027-03-29T00:30:00Z"), t["lesson/d4"]);    // 02:30 CEST
        Assert.Equal(Utc("2027-03-28T19:00:00Z"), t["close/d3"]);     // 21:00 CEST

        t = await _h.TriggersAsync((await _h.CohortAsync("berlin-autumn")).Id);
        Assert.Equal(Utc("2027-10-30T05:30:00Z"), t["checkin/d2"]);   // 07:30 CEST
        Assert.Equal(Utc("2027-10-31T06:30:00Z"), t["checkin/d3"]);   // 07:30 CET
        Assert.Equal(Utc("2027-11-01T06:30:00Z"), t["checkin/d4"]);
        Assert.Equal(Utc("2027-10-31T00:30:00Z"), t["lesson/d3"]);    // 02:30 happens twice: the first, CEST
        Assert.Equal(Utc("2027-11-01T01:30:00Z"), t["lesson/d4"]);    // 02:30 CET

        t = await _h.TriggersAsync((await _h.CohortAsync("ny-spring")).Id);
        Assert.Equal(Utc("2027-03-13T12:30:00Z"), t["checkin/d2"]);   // 07:30 EST
        Assert.Equal(Utc("2027-03-14T11:30:00Z"), t["checkin/d3"]);   // 07:30 EDT
        Assert.Equal(Utc("2027-03-14T07:30:00Z"), t["lesson/d3"]);    // 02:30 does not exist: 03:30 EDT
        Assert.Equal(Utc("2027-03-15T06:30:00Z"), t["lesson/d4"]);    // 02:30 EDT

        t = await _h.TriggersAsync((await _h.CohortAsync("ny-autumn")).Id);
        Assert.Equal(Utc("2027-11-06T11:30:00Z"), t["checkin/d2"]);   // 07:30 EDT
        Assert.Equal(Utc("2027-11-07T12:30:00Z"), t["checkin/d3"]);   // 07:30 EST
        Assert.Equal(Utc("2027-11-06T06:30:00Z"), t["lesson/d2"]);    // 02:30 EDT
        // New York repeats 01:00–02:00, so 02:30 on the change day is unambiguous: 02:30 EST.
        Assert.Equal(Utc("2027-11-07T07:30:00Z"), t["lesson/d3"]);
    }

    [Fact]
    public async Task Skipped_weekends_and_holidays_carry_no_trigger_and_nothing_fires_after_the_end()
    {
        await _h.ImportAsync(SchedulerSamples.Pack(),
            SchedulerSamples.Cohort("weekdays", "Europe/Berlin", "2027-03-26", skipWeekends: true, holidays: "[2027-03-30]"));
        var cohort = await _h.CohortAsync("weekdays");
        await _h.Planner.PlanAsync();

        var triggers = await _h.TriggersAsync(cohort.Id);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var daily = triggers.Where(t => !t.Key.StartsWith("weekly_digest/", StringComparison.Ordinal)).ToList();
        Assert.Equal(12 * 6, daily.Count);
        var dates = daily.Select(t => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t.Value, zone).DateTime)).ToHashSet();
        Assert.DoesNotContain(dates, d => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        Assert.DoesNotContain(DateOnly.Parse("2027-03-30"), dates);
        var end = cohort.Calendar.DateOf(12);
        Assert.Equal(end, dates.Max());
        // The weekly digests run until the first one after the last day, then stop.
        var weekly = triggers.Where(t => t.Key.StartsWith("weekly_digest/", StringComparison.Ordinal)).Select(t => t.Value).ToList();
        Assert.Single(weekly, w => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(w, zone).DateTime) > end);
        Assert.Equal(ProgrammePlan.For(cohort).Count, triggers.Count);
    }

    [Fact]
    public async Task An_edited_cohort_is_replanned_and_planning_again_changes_nothing()
    {
        await _h.ImportAsync(SchedulerSamples.Pack(), SchedulerSamples.Cohort("edit", "Asia/Ho_Chi_Minh", "2027-03-10"));
        var id = (await _h.CohortAsync("edit")).Id;
        var first = await _h.Planner.PlanAsync();
        Assert.Equal((1, 1, 12 * 6 + 2), (first.Cohorts, first.Replanned, first.Scheduled));
        var before = await _h.TriggersAsync(id);

        var again = await _h.Planner.PlanAsync();
        Assert.Equal(0, again.Replanned);
        Assert.Equal(before, await _h.TriggersAsync(id));

        // Other times: the lesson moves, everything else stays as it was.
        await _h.ImportAsync(SchedulerSamples.Pack(), SchedulerSamples.Cohort("edit", "Asia/Ho_Chi_Minh", "2027-03-10", lesson: "06:45:30"));
        var moved = await _h.Planner.PlanAsync();
        Assert.Equal((1, 12, 12 * 5 + 2, 0), (moved.Replanned, moved.Scheduled, moved.Kept, moved.Removed));
        var after = await _h.TriggersAsync(id);
        Assert.Equal(Utc("2027-03-09T23:45:30Z"), after["lesson/d1"]);
        Assert.Equal(before["quiz/d1"], after["quiz/d1"]);

        // A shorter course: the days past the new end stop firing, and so do the weekly digests after it.
        await _h.ImportAsync(SchedulerSamples.Pack(lessons: 5), SchedulerSamples.Cohort("edit", "Asia/Ho_Chi_Minh", "2027-03-10", lesson: "06:45:30"));
        await _h.Planner.PlanAsync();
        var shorter = await _h.TriggersAsync(id);
        var cohort = await _h.CohortAsync("edit");
        Assert.Equal(ProgrammePlan.For(cohort).Select(p => p.Key).Order(), shorter.Keys.Order());
        Assert.DoesNotContain("lesson/d6", shorter.Keys);
        Assert.Contains("close/d5", shorter.Keys);
        Assert.Equal(0, (await _h.Planner.PlanAsync()).Replanned);
    }

    [Fact]
    public async Task Moments_past_their_deadline_or_already_run_are_not_scheduled_again()
    {
        await _h.ImportAsync(SchedulerSamples.Pack(), SchedulerSamples.Cohort("late", "Asia/Ho_Chi_Minh", "2027-03-10"));
        var cohort = await _h.CohortAsync("late");
        // Day 2, 13:00 local: day 1 is over except its digest (due until day 2's digest); day 2's lesson,
        // check-in and quiz are past but still due today.
        _time.Set(DateTimeOffset.Parse("2027-03-11T06:00:00Z"));
        await using (var w = await _h.Database.BeginAsync())
        {
            await w.ExecuteAsync(
                "INSERT INTO programme_runs (cohort_id, item, day, planned_at, ran_at, outcome, groups_reached, messages) VALUES (@id, 'lesson', 2, 0, 0, 'done', 1, 1)",
                new { id = cohort.Id });
            await w.CommitAsync();
        }
        await _h.Planner.PlanAsync();
        var keys = (await _h.TriggersAsync(cohort.Id)).Keys.ToHashSet();

        Assert.DoesNotContain("lesson/d1", keys);
        Assert.Contains("close/d1", keys);                         // the close never goes stale
        Assert.Contains("liaison_digest/d1", keys);
        Assert.DoesNotContain("lesson/d2", keys);                  // ran already
        Assert.Contains("checkin/d2", keys);
        Assert.Contains("quiz/d2", keys);
    }
}
