using Academy.Learning.Surveys;
using Academy.Learning.Model;

namespace Academy.Learning.Exams;

/// <summary>What an exam is for: pre-test, post-test, final exam or practice.</summary>
public enum ExamKind { Pre, Post, Final, Practice }

/// <summary>Which finished attempt counts toward results and completion.</summary>
public enum CountedAttempt { Best, Last, First }

/// <summary>How a multiple-answer question scores a partly right response.</summary>
public enum MultipleScoring
{
    /// <summary>Every correct option and nothing else, or nothing.</summary>
    AllOrNothing,
    /// <summary>(right ticks − wrong ticks) / correct options, floored at 0.</summary>
    PerOption,
}

/// <summary>
/// One draw rule: <see cref="Count"/> questions drawn uniformly from a pool (questions of the named
/// topics plus the named questions, minus the excluded ones). Pools of one exam never overlap, so no
/// question can come twice in an attempt.
/// </summary>
public sealed record DrawRule(int Count, IReadOnlyList<string> Topics, IReadOnlyList<string> Questions, IReadOnlyList<string> Exclude)
{
    /// <summary>The question ids of the bank this rule draws from, in bank order.</summary>
    public IReadOnlyList<string> Pool(IEnumerable<Question> bank) =>
        bank.Where(q => (Topics.Contains(q.Topic) || Questions.Contains(q.Id)) && !Exclude.Contains(q.Id)).Select(q => q.Id).ToList();
}

/// <summary>A day of the cohort's programme: day N, or the last day plus an offset in calendar days.</summary>
public sealed record ProgrammeDayRef(int? Day, int AfterLast)
{
    public DateOnly DateIn(ProgrammeCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return Day is { } d ? calendar.DateOf(d) : calendar.End.AddDays(AfterLast);
    }

    public override string ToString() => Day is { } d ? $"day {d}" : AfterLast == 0 ? "last" : $"last+{AfterLast}";
}

/// <summary>
/// When an exam can be started, relative to the cohort: from the start (00:00 cohort time) of
/// <see cref="Opens"/> (null: as soon as the learner is enrolled) to the end (24:00) of <see cref="Closes"/> (null: never closes).
/// </summary>
public sealed record ExamWindow(ProgrammeDayRef? Opens, ProgrammeDayRef? Closes)
{
    public static readonly ExamWindow Always = new(null, null);

    public DateTimeOffset? OpensAt(ProgrammeCalendar calendar) =>
        Opens is null ? null : calendar.At(Opens.DateIn(calendar), TimeOnly.MinValue);

    public DateTimeOffset? ClosesAt(ProgrammeCalendar calendar) =>
        Closes is null ? null : calendar.At(Closes.DateIn(calendar).AddDays(1), TimeOnly.MinValue);

    public bool IsOpen(ProgrammeCalendar calendar, DateTimeOffset now) =>
        (OpensAt(calendar) is not { } o || now >= o) && (ClosesAt(calendar) is not { } c || now < c);
}

/// <summary>An exam of a course as the content pack defines it (docs/content-format.md, "Exams").</summary>
/// <param name="PassMark">Percent, 0–100.</param>
/// <param name="Attempts">Attempts a learner may make; null: no limit (a practice test the pack does not limit).</param>
/// <param name="CreditMinutes">
/// Credited once, when the first attempt finishes. Null: the pack sets none, so the course's
/// <c>credit.exam.minutes</c> applies (0 without one); a practice test then earns nothing.
/// </param>
public sealed record ExamDefinition(
    string Code,
    ExamKind Kind,
    LocalizedText Title,
    IReadOnlyList<DrawRule> Draw,
    TimeSpan TimeLimit,
    double PassMark,
    int? Attempts,
    CountedAttempt Counts,
    MultipleScoring Scoring,
    ExamWindow Window,
    int? CreditMinutes)
{
    public int QuestionCount => Draw.Sum(r => r.Count);

    /// <summary>Attempts left after <paramref name="used"/>; null when there is no limit.</summary>
    public int? AttemptsLeft(int used) => Attempts is { } max ? Math.Max(0, max - used) : null;

    public bool HasAttemptsLeft(int used) => Attempts is not { } max || used < max;

    public static string KindName(ExamKind kind) => kind.ToString().ToLowerInvariant();

    public static string CountsName(CountedAttempt counts) => counts.ToString().ToLowerInvariant();
}
