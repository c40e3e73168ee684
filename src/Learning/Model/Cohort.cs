using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Model;

/// <summary>
/// The local times of a cohort's day, in the cohort's time zone. The reminder, the liaison digest
/// and the weekly admin digest are optional in a cohort file; their defaults are what a liaison
/// would pick: the reminder two hours before the close (never before the opening), the digest at
/// the close, the weekly digest on Monday at 09:00.
/// </summary>
public sealed record DailySchedule(TimeOnly Lesson, TimeOnly CheckInOpen, TimeOnly CheckInClose, TimeOnly Quiz)
{
    /// <summary>When learners who have not checked in are reminded (between the opening and the close).</summary>
    public TimeOnly Reminder { get; init; } = DefaultReminder(CheckInOpen, CheckInClose);

    /// <summary>When each liaison gets the day's digest (at or after the close, the same local day).</summary>
    public TimeOnly Digest { get; init; } = CheckInClose;

    /// <summary>The weekday of the weekly admin digest.</summary>
    public DayOfWeek WeeklyDigestDay { get; init; } = DayOfWeek.Monday;

    /// <summary>The local time of the weekly admin digest.</summary>
    public TimeOnly WeeklyDigestTime { get; init; } = new(9, 0);

    public static TimeOnly DefaultReminder(TimeOnly open, TimeOnly close)
    {
        var twoHoursBefore = close.AddHours(-2);
        return twoHoursBefore > open && twoHoursBefore < close ? twoHoursBefore : open.Add((close - open) / 2);
    }
}

/// <summary>A study group of a cohort: the unit that shares a group chat and a liaison.</summary>
/// <param name="Code">Unique within the cohort; rosters name it.</param>
public sealed record StudyGroupDefinition(string Code, LocalizedText Name, string Language);

/// <summary>
/// A run of a course for a set of study groups, starting on <see cref="Start"/> (programme day 1)
/// in the IANA time zone <see cref="TimeZoneId"/>.
/// </summary>
public sealed record Cohort(
    string Code,
    LocalizedText Name,
    string CourseCode,
    DateOnly Start,
    string TimeZoneId,
    string Language,
    DailySchedule Schedule,
    int QuizQuestions,
    bool SkipWeekends,
    IReadOnlyList<DateOnly> Holidays,
    IReadOnlyList<StudyGroupDefinition> Groups)
{
    /// <summary>The calendar of this cohort's programme for a course of <paramref name="lessonCount"/> days.</summary>
    public ProgrammeCalendar Calendar(int lessonCount) =>
        new(Start, TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId), SkipWeekends, Holidays, lessonCount);
}
