using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Model;

/// <summary>
/// Maps between instants, the cohort's local dates and programme day numbers. Day 1 is the start
/// date; weekends (when skipped) and holidays carry no programme day, so the day after a skipped
/// Friday-to-Monday gap continues the count.
/// </summary>
public sealed class ProgrammeCalendar
{
    private readonly HashSet<DateOnly> _holidays;

    public ProgrammeCalendar(DateOnly start, TimeZoneInfo zone, bool skipWeekends, IEnumerable<DateOnly> holidays, int lessonCount)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentOutOfRangeException.ThrowIfNegative(lessonCount);
        Start = start;
        Zone = zone;
        SkipWeekends = skipWeekends;
        _holidays = [.. holidays];
        LessonCount = lessonCount;
    }

    public DateOnly Start { get; }
    public TimeZoneInfo Zone { get; }
    public bool SkipWeekends { get; }
    public int LessonCount { get; }

    /// <summary>True when the local date carries a programme day (not a skipped weekend or a holiday).</summary>
    public bool IsProgrammeDate(DateOnly date) =>
        !_holidays.Contains(date) &&
        !(SkipWeekends && date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);

    /// <summary>The first date on or after <paramref name="date"/> that carries a programme day.</summary>
    public DateOnly FirstProgrammeDateFrom(DateOnly date)
    {
        for (var d = date; d <= date.AddYears(5); d = d.AddDays(1))
            if (IsProgrammeDate(d)) return d;
        throw new InvalidOperationException("No programme date within five years.");
    }

    /// <summary>The programme day number of a local date, or null outside the programme or on a skipped date.</summary>
    public int? DayNumber(DateOnly date)
    {
        if (date < Start || !IsProgrammeDate(date)) return null;
        int n = 0;
        for (var d = Start; d <= date; d = d.AddDays(1))
            if (IsProgrammeDate(d)) n++;
        return n <= LessonCount ? n : null;
    }

    /// <summary>The local date of programme day <paramref name="day"/> (1-based).</summary>
    public DateOnly DateOf(int day)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(day, 1);
        int n = 0;
        for (var d = Start; ; d = d.AddDays(1))
        {
            if (IsProgrammeDate(d) && ++n == day) return d;
            if (d > Start.AddYears(5)) throw new InvalidOperationException("No programme date within five years.");
        }
    }

    /// <summary>How many programme days have begun by the end of a local date (0 before the start, at most <see cref="LessonCount"/>).</summary>
    public int DaysElapsed(DateOnly date)
    {
        int n = 0;
        for (var d = Start; d <= date && n < LessonCount; d = d.AddDays(1))
            if (IsProgrammeDate(d)) n++;
        return n;
    }

    /// <summary>The last local date of the programme.</summary>
    public DateOnly End => LessonCount == 0 ? Start : DateOf(LessonCount);

    /// <summary>The cohort's local date at an instant.</summary>
    public DateOnly LocalDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>
    /// The instant of a local wall-clock time. A time skipped by a DST change (02:30 on a spring-forward
    /// night) moves forward by the gap; an ambiguous time (autumn) takes the first occurrence.
    /// </summary>
    public DateTimeOffset At(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(local))
        {
            // Read the skipped wall time with the offset in force before the gap: lands after it.
            var before = new DateTimeOffset(local, Zone.GetUtcOffset(local.AddDays(-1)));
            return TimeZoneInfo.ConvertTime(before, Zone);
        }
        var offset = Zone.IsAmbiguousTime(local)
            ? Zone.GetAmbiguousTimeOffsets(local).Max()
            : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}
