using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Daily;

/// <summary>The moments of a cohort's programme, in the order of a day.</summary>
public enum ProgrammeItem
{
    /// <summary>The day's lesson is posted in every group.</summary>
    Lesson,
    /// <summary>The check-in prompt is posted (check-ins open).</summary>
    CheckIn,
    /// <summary>The quiz of the day is posted.</summary>
    Quiz,
    /// <summary>Each group is reminded, tagging who has not checked in.</summary>
    Reminder,
    /// <summary>Check-ins close; each learner's status for the day is recorded.</summary>
    Close,
    /// <summary>Each liaison gets the day's digest in private.</summary>
    LiaisonDigest,
    /// <summary>The admins get the week's digest across all groups.</summary>
    WeeklyDigest,
}

/// <summary>
/// One planned moment: <paramref name="Item"/> of programme day <paramref name="Day"/> (for the
/// weekly digest, week number <paramref name="Day"/>), due at <paramref name="At"/>. When the host
/// was down at <paramref name="At"/>, the item is still carried out until <paramref name="StaleAfter"/>,
/// and skipped (and reported in the next digest) after it.
/// </summary>
public sealed record PlannedItem(ProgrammeItem Item, int Day, DateOnly LocalDate, DateTimeOffset At, DateTimeOffset StaleAfter)
{
    /// <summary>The item's name in keys and in the store: <c>lesson</c>, <c>liaison_digest</c>, …</summary>
    public string ItemName => NameOf(Item);

    /// <summary>A stable key within the cohort: <c>lesson/d3</c>, <c>weekly_digest/w2</c>.</summary>
    public string Key => KeyOf(ItemName, Day);

    /// <summary>The key of an item stored by name (as in <c>programme_runs</c>) and day.</summary>
    public static string KeyOf(string itemName, long day) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{itemName}/{(itemName == NameOf(ProgrammeItem.WeeklyDigest) ? "w" : "d")}{day}");

    public static string NameOf(ProgrammeItem item) => item switch
    {
        ProgrammeItem.Lesson => "lesson",
        ProgrammeItem.CheckIn => "checkin",
        ProgrammeItem.Quiz => "quiz",
        ProgrammeItem.Reminder => "reminder",
        ProgrammeItem.Close => "close",
        ProgrammeItem.LiaisonDigest => "liaison_digest",
        ProgrammeItem.WeeklyDigest => "weekly_digest",
        _ => throw new ArgumentOutOfRangeException(nameof(item)),
    };

    public static ProgrammeItem Parse(string name)
    {
        foreach (var item in Enum.GetValues<ProgrammeItem>())
            if (NameOf(item) == name) return item;
        throw new ArgumentException($"Unknown programme item '{name}'.", nameof(name));
    }
}

/// <summary>
/// Turns a stored cohort into its planned moments. Pure: the same cohort (and the same time-zone
/// rules) always gives the same plan, which is what lets several scheduler instances plan alike
/// and lets a changed cohort be detected by its <see cref="Fingerprint"/>.
/// </summary>
/// <remarks>
/// Wall times are turned into instants day by day with <see cref="ProgrammeCalendar.At"/>, so a
/// 07:30 lesson stays at 07:30 local across DST changes; a time skipped by a spring-forward night
/// moves forward by the gap and an ambiguous autumn time takes its first occurrence.
/// Deadlines: the lesson and the quiz stay due until the end of their local day; the check-in
/// prompt and the reminder until the close; the close never goes stale (it only records); a
/// liaison digest until the next day's digest time; a weekly digest for one day.
/// </remarks>
public static class ProgrammePlan
{
    public static IReadOnlyList<PlannedItem> For(StoredCohort cohort)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        var calendar = cohort.Calendar;
        var schedule = cohort.Cohort.Schedule;
        var items = new List<PlannedItem>();
        var never = DateTimeOffset.MaxValue;
        for (int day = 1; day <= cohort.LessonCount; day++)
        {
            var date = calendar.DateOf(day);
            var endOfDay = calendar.At(date.AddDays(1), TimeOnly.MinValue);
            var close = calendar.At(date, schedule.CheckInClose);
            items.Add(new(ProgrammeItem.Lesson, day, date, calendar.At(date, schedule.Lesson), endOfDay));
            items.Add(new(ProgrammeItem.CheckIn, day, date, calendar.At(date, schedule.CheckInOpen), close));
            items.Add(new(ProgrammeItem.Quiz, day, date, calendar.At(date, schedule.Quiz), endOfDay));
            items.Add(new(ProgrammeItem.Reminder, day, date, calendar.At(date, schedule.Reminder), close));
            items.Add(new(ProgrammeItem.Close, day, date, close, never));
            items.Add(new(ProgrammeItem.LiaisonDigest, day, date, calendar.At(date, schedule.Digest),
                calendar.At(date.AddDays(1), schedule.Digest)));
        }

        // Weekly digests: every week after the start, until the first one after the last day.
        if (cohort.LessonCount > 0)
        {
            var end = calendar.End;
            var date = cohort.Cohort.Start.AddDays(1);
            while (date.DayOfWeek != schedule.WeeklyDigestDay) date = date.AddDays(1);
            for (int week = 1; ; week++, date = date.AddDays(7))
            {
                var at = calendar.At(date, schedule.WeeklyDigestTime);
                items.Add(new(ProgrammeItem.WeeklyDigest, week, date, at, at.AddDays(1)));
                if (date > end) break;
            }
        }
        return items.OrderBy(i => i.At).ThenBy(i => i.Item).ToList();
    }

    /// <summary>A digest of the plan: it changes exactly when some planned moment changes.</summary>
    public static string Fingerprint(StoredCohort cohort) =>
        StoredJson.Hash(For(cohort).Select(i => $"{i.Key}@{i.At.ToUnixTimeMilliseconds()}~{i.StaleAfter.ToUnixTimeMilliseconds()}").ToList());

    /// <summary>The planned moment for an item and day, or null when the plan (as it is now) has none.</summary>
    public static PlannedItem? Find(StoredCohort cohort, ProgrammeItem item, int day) =>
        For(cohort).FirstOrDefault(i => i.Item == item && i.Day == day);
}
