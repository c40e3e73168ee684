using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Learning;

public class ProgrammeCalendarTests
{
    private static ProgrammeCalendar Calendar(string zone, DateOnly start, bool skipWeekends = false, DateOnly[]? holidays = null, int lessons = 12) =>
        new(start, TimeZoneInfo.FindSystemTimeZoneById(zone), skipWeekends, holidays ?? [], lessons);

    [Fact]
    public void Day_N_is_the_Nth_programme_date_skipping_weekends_and_holidays()
    {
        // 2026-12-04 is a Friday.
        var cal = Calendar("Asia/Ho_Chi_Minh", new DateOnly(2026, 12, 3), skipWeekends: true, holidays: [new DateOnly(2026, 12, 8)]);
        Assert.Equal(1, cal.DayNumber(new DateOnly(2026, 12, 3)));
        Assert.Equal(2, cal.DayNumber(new DateOnly(2026, 12, 4)));
        Assert.Null(cal.DayNumber(new DateOnly(2026, 12, 5)));   // Saturday
        Assert.Null(cal.DayNumber(new DateOnly(2026, 12, 6)));   // Sunday
        Assert.Equal(3, cal.DayNumber(new DateOnly(2026, 12, 7)));
        Assert.Null(cal.DayNumber(new DateOnly(2026, 12, 8)));   // holiday
        Assert.Equal(4, cal.DayNumber(new DateOnly(2026, 12, 9)));
        Assert.Equal(new DateOnly(2026, 12, 9), cal.DateOf(4));
        Assert.Null(cal.DayNumber(new DateOnly(2026, 12, 2)));   // before the start
        Assert.Equal(2, cal.DaysElapsed(new DateOnly(2026, 12, 6)));
    }

    [Fact]
    public void The_first_programme_date_from_a_day_off_is_the_next_one_the_calendar_counts()
    {
        var cal = Calendar("Asia/Ho_Chi_Minh", new DateOnly(2026, 12, 1), skipWeekends: true, holidays: [new DateOnly(2026, 12, 8)]);
        Assert.Equal(new DateOnly(2026, 12, 4), cal.FirstProgrammeDateFrom(new DateOnly(2026, 12, 4)));  // a Friday: itself
        Assert.Equal(new DateOnly(2026, 12, 7), cal.FirstProgrammeDateFrom(new DateOnly(2026, 12, 5)));  // Saturday: Monday
        Assert.Equal(new DateOnly(2026, 12, 9), cal.FirstProgrammeDateFrom(new DateOnly(2026, 12, 8)));  // a holiday: the day after
        var everyDay = Calendar("Asia/Ho_Chi_Minh", new DateOnly(2026, 12, 1));
        Assert.Equal(new DateOnly(2026, 12, 5), everyDay.FirstProgrammeDateFrom(new DateOnly(2026, 12, 5))); // weekends counted: Saturday itself
    }

    [Fact]
    public void The_programme_ends_after_the_last_lesson()
    {
        var cal = Calendar("UTC", new DateOnly(2026, 1, 1), lessons: 3);
        Assert.Equal(new DateOnly(2026, 1, 3), cal.End);
        Assert.Equal(3, cal.DayNumber(new DateOnly(2026, 1, 3)));
        Assert.Null(cal.DayNumber(new DateOnly(2026, 1, 4)));
        Assert.Equal(3, cal.DaysElapsed(new DateOnly(2026, 2, 1)));
    }

    [Fact]
    public void Local_times_follow_daylight_saving_in_Berlin()
    {
        var cal = Calendar("Europe/Berlin", new DateOnly(2026, 3, 27));
        // Winter (CET, UTC+1) then summer (CEST, UTC+2) across the night of 2026-03-29.
        Assert.Equal(DateTimeOffset.Parse("2026-03-28T07:00:00Z"), cal.At(new DateOnly(2026, 3, 28), new TimeOnly(8, 0)));
        Assert.Equal(DateTimeOffset.Parse("2026-03-29T06:00:00Z"), cal.At(new DateOnly(2026, 3, 29), new TimeOnly(8, 0)));
        // 02:30 does not exist that night: it moves forward by the gap to 03:30 CEST.
        Assert.Equal(DateTimeOffset.Parse("2026-03-29T01:30:00Z"), cal.At(new DateOnly(2026, 3, 29), new TimeOnly(2, 30)));
        // 02:30 happens twice on 2026-10-25: the first (CEST) is taken.
        Assert.Equal(DateTimeOffset.Parse("2026-10-25T00:30:00Z"), cal.At(new DateOnly(2026, 10, 25), new TimeOnly(2, 30)));
    }

    [Fact]
    public void Local_date_of_an_instant_is_the_cohorts_date()
    {
        var cal = Calendar("Asia/Shanghai", new DateOnly(2026, 12, 1));
        // 17:00 UTC on Dec 1 is 01:00 on Dec 2 in Shanghai.
        Assert.Equal(new DateOnly(2026, 12, 2), cal.LocalDate(DateTimeOffset.Parse("2026-12-01T17:00:00Z")));
        Assert.Equal(new DateOnly(2026, 12, 1), cal.LocalDate(DateTimeOffset.Parse("2026-12-01T15:59:00Z")));
    }
}
