namespace Academy.Learning.Model;

/// <summary>The local times of a cohort's day, in the cohort's time zone.</summary>
public sealed record DailySchedule(TimeOnly Lesson, TimeOnly CheckInOpen, TimeOnly CheckInClose, TimeOnly Quiz);

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
