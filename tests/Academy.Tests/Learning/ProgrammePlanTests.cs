using Academy.Learning.Daily;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Learning;

/// <summary>The planned moments of a cohort: local times kept across DST, skipped dates, deadlines, weekly digests.</summary>
public class ProgrammePlanTests
{
    private static StoredCohort Cohort(string zone, DateOnly start, int lessons, DailySchedule? schedule = null,
        bool skipWeekends = false, DateOnly[]? holidays = null) =>
        new(1, 1, lessons, new Cohort("k", new LocalizedText(new Dictionary<string, string> { ["en"] = "K" }), "c", start, zone, "en",
            schedule ?? new DailySchedule(new TimeOnly(7, 30), new TimeOnly(7, 30), new TimeOnly(21, 0), new TimeOnly(12, 0)),
            3, skipWeekends, holidays ?? [], []));

    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private static PlannedItem Item(IReadOnlyList<PlannedItem> plan, ProgrammeItem item, int day) =>
        plan.Single(i => i.Item == item && i.Day == day);

    [Fact]
    public void Each_programme_day_holds_its_six_moments_at_local_time_in_order()
    {
        var plan = ProgrammePlan.For(Cohort("Asia/Ho_Chi_Minh", new DateOnly(2026, 12, 1), lessons: 3));
        Assert.Equal(3 * 6, plan.Count(i => i.Item != ProgrammeItem.WeeklyDigest));
        var day2 = plan.Where(i => i.Day == 2 && i.Item != ProgrammeItem.WeeklyDigest).ToList();
        Assert.Equal(
            [ProgrammeItem.Lesson, ProgrammeItem.CheckIn, ProgrammeItem.Quiz, ProgrammeItem.Reminder, ProgrammeItem.Close, ProgrammeItem.LiaisonDigest],
            day2.Select(i => i.Item));
        // Ho Chi Minh City is UTC+7 all year.
        Assert.Equal(Utc("2026-12-02T00:30:00Z"), Item(plan, ProgrammeItem.Lesson, 2).At);
        Assert.Equal(Utc("2026-12-02T05:00:00Z"), Item(plan, ProgrammeItem.Quiz, 2).At);
        Assert.Equal(Utc("2026-12-02T12:00:00Z"), Item(plan, ProgrammeItem.Reminder, 2).At); // default: two hours before the close
        Assert.Equal(Utc("2026-12-02T14:00:00Z"), Item(plan, ProgrammeItem.Close, 2).At);
        Assert.Equal("lesson/d2", Item(plan, ProgrammeItem.Lesson, 2).Key);
        Assert.True(plan.Zip(plan.Skip(1)).All(p => p.First.At <= p.Second.At));
    }

    [Fact]
    public void Deadlines_keep_items_due_within_their_day_and_the_close_never_goes_stale()
    {
        var plan = ProgrammePlan.For(Cohort("Asia/Shanghai", new DateOnly(2026, 12, 1), lessons: 2));
        var midnight = Utc("2026-12-01T16:00:00Z"); // 00:00 on Dec 2 in Shanghai
        Assert.Equal(midnight, Item(plan, ProgrammeItem.Lesson, 1).StaleAfter);
        Assert.Equal(midnight, Item(plan, ProgrammeItem.Quiz, 1).StaleAfter);
        Assert.Equal(Item(plan, ProgrammeItem.Close, 1).At, Item(plan, ProgrammeItem.CheckIn, 1).StaleAfter);
        Assert.Equal(Item(plan, ProgrammeItem.Close, 1).At, Item(plan, ProgrammeItem.Reminder, 1).StaleAfter);
        Assert.Equal(DateTimeOffset.MaxValue, Item(plan, ProgrammeItem.Close, 1).StaleAfter);
        Assert.Equal(Item(plan, ProgrammeItem.LiaisonDigest, 2).At, Item(plan, ProgrammeItem.LiaisonDigest, 1).StaleAfter);
    }

    [Fact]
    public void Berlin_keeps_local_times_across_both_DST_changes()
    {
        // 2027-03-28: 02:00 CET → 03:00 CEST. 2027-10-31: 03:00 CEST → 02:00 CET.
        var schedule = new DailySchedule(new TimeOnly(2, 30), new TimeOnly(7, 30), new TimeOnly(21, 0), new TimeOnly(12, 0));
        var spring = ProgrammePlan.For(Cohort("Europe/Berlin", new DateOnly(2027, 3, 27), lessons: 3, schedule));
        Assert.Equal(Utc("2027-03-27T06:30:00Z"), Item(spring, ProgrammeItem.CheckIn, 1).At); // 07:30 CET
        Assert.Equal(Utc("2027-03-28T05:30:00Z"), Item(spring, ProgrammeItem.CheckIn, 2).At); // 07:30 CEST
        Assert.Equal(Utc("2027-03-27T01:30:00Z"), Item(spring, ProgrammeItem.Lesson, 1).At); // 02:30 CET
        Assert.Equal(Utc("2027-03-28T01:30:00Z"), Item(spring, ProgrammeItem.Lesson, 2).At); // 02:30 does not exist: 03:30 CEST
        Assert.Equal(Utc("2027-03-29T00:30:00Z"), Item(spring, ProgrammeItem.Lesson, 3).At); // 02:30 CEST

        var autumn = ProgrammePlan.For(Cohort("Europe/Berlin", new DateOnly(2027, 10, 30), lessons: 3, schedule));
        Assert.Equal(Utc("2027-10-30T00:30:00Z"), Item(autumn, ProgrammeItem.Lesson, 1).At); // 02:30 CEST
        Assert.Equal(Utc("2027-10-31T00:30:00Z"), Item(autumn, ProgrammeItem.Lesson, 2).At); // the first of two 02:30s
        Assert.Equal(Utc("2027-11-01T01:30:00Z"), Item(autumn, ProgrammeItem.Lesson, 3).At); // 02:30 CET
        Assert.Equal(Utc("2027-10-31T06:30:00Z"), Item(autumn, ProgrammeItem.CheckIn, 2).At); // 07:30 CET
        // The day of the change is 25 hours long: the lesson stays due until local midnight.
        Assert.Equal(Utc("2027-10-31T23:00:00Z"), Item(autumn, ProgrammeItem.Lesson, 2).StaleAfter);
    }

    [Fact]
    public void New_York_keeps_local_times_across_both_DST_changes()
    {
        // 2027-03-14: 02:00 EST → 03:00 EDT. 2027-11-07: 02:00 EDT → 01:00 EST.
        var schedule = new DailySchedule(new TimeOnly(2, 30), new TimeOnly(7, 30), new TimeOnly(21, 0), new TimeOnly(12, 0));
        var spring = ProgrammePlan.For(Cohort("America/New_York", new DateOnly(2027, 3, 13), lessons: 2, schedule));
        Assert.Equal(Utc("2027-03-13T12:30:00Z"), Item(spring, ProgrammeItem.CheckIn, 1).At); // 07:30 EST
        Assert.Equal(Utc("2027-03-14T11:30:00Z"), Item(spring, ProgrammeItem.CheckIn, 2).At); // 07:30 EDT
        Assert.Equal(Utc("2027-03-14T07:30:00Z"), Item(spring, ProgrammeItem.Lesson, 2).At);  // 03:30 EDT

        var autumn = ProgrammePlan.For(Cohort("America/New_York", new DateOnly(2027, 11, 6), lessons: 2,
            schedule with { Reminder = new TimeOnly(1, 30) } with { CheckInOpen = new TimeOnly(1, 0) }));
        Assert.Equal(Utc("2027-11-07T05:30:00Z"), Item(autumn, ProgrammeItem.Reminder, 2).At); // the first 01:30 (EDT)
        Assert.Equal(Utc("2027-11-07T07:30:00Z"), Item(autumn, ProgrammeItem.Lesson, 2).At);   // 02:30 EST
        Assert.Equal(Utc("2027-11-08T02:00:00Z"), Item(autumn, ProgrammeItem.Close, 2).At);    // 21:00 EST
    }

    [Fact]
    public void Weekends_and_holidays_carry_no_moments_and_nothing_is_planned_after_the_end()
    {
        // 2026-12-04 is a Friday; 12-08 a holiday.
        var cohort = Cohort("Asia/Ho_Chi_Minh", new DateOnly(2026, 12, 3), lessons: 4, skipWeekends: true, holidays: [new DateOnly(2026, 12, 8)]);
        var plan = ProgrammePlan.For(cohort);
        var days = plan.Where(i => i.Item == ProgrammeItem.Lesson).Select(i => i.LocalDate).ToList();
        Assert.Equal([new DateOnly(2026, 12, 3), new DateOnly(2026, 12, 4), new DateOnly(2026, 12, 7), new DateOnly(2026, 12, 9)], days);
        Assert.DoesNotContain(plan, i => i.Item != ProgrammeItem.WeeklyDigest && i.LocalDate > new DateOnly(2026, 12, 9));
    }

    [Fact]
    public void Weekly_digests_run_every_week_and_once_after_the_last_day()
    {
        // Starts Tuesday 2026-12-01, 12 days: ends Saturday 12-12. Digests on Mondays 12-07, 12-14.
        var plan = ProgrammePlan.For(Cohort("Asia/Ho_Chi_Minh", new DateOnly(2026, 12, 1), lessons: 12));
        var weekly = plan.Where(i => i.Item == ProgrammeItem.WeeklyDigest).ToList();
        Assert.Equal([new DateOnly(2026, 12, 7), new DateOnly(2026, 12, 14)], weekly.Select(w => w.LocalDate));
        Assert.Equal([1, 2], weekly.Select(w => w.Day));
        Assert.Equal(Utc("2026-12-07T02:00:00Z"), weekly[0].At); // 09:00 local
        Assert.Equal("weekly_digest/w2", weekly[1].Key);
    }

    [Fact]
    public void The_fingerprint_changes_exactly_when_a_planned_moment_changes()
    {
        var cohort = Cohort("Europe/Berlin", new DateOnly(2027, 3, 27), lessons: 3);
        Assert.Equal(ProgrammePlan.Fingerprint(cohort), ProgrammePlan.Fingerprint(cohort with { }));
        var later = cohort with { Cohort = cohort.Cohort with { Schedule = cohort.Cohort.Schedule with { Quiz = new TimeOnly(12, 5) } } };
        Assert.NotEqual(ProgrammePlan.Fingerprint(cohort), ProgrammePlan.Fingerprint(later));
        Assert.NotEqual(ProgrammePlan.Fingerprint(cohort), ProgrammePlan.Fingerprint(cohort with { LessonCount = 2 }));
        Assert.Null(ProgrammePlan.Find(cohort with { LessonCount = 2 }, ProgrammeItem.Lesson, 3));
    }
}
