using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Model;

/// <summary>Check-in streaks, counted in programme days (skipped weekends and holidays do not break them).</summary>
public static class Streaks
{
    /// <summary>
    /// The current streak ends at <paramref name="currentDay"/> when the learner checked in that day,
    /// otherwise at the day before (today's window may still be open); the best is the longest run.
    /// </summary>
    public static (int Current, int Best) Compute(IEnumerable<int> checkedInDays, int currentDay)
    {
        ArgumentNullException.ThrowIfNull(checkedInDays);
        var days = checkedInDays.Where(d => d >= 1 && d <= currentDay).ToHashSet();
        int best = 0, run = 0;
        for (int d = 1; d <= currentDay; d++)
        {
            run = days.Contains(d) ? run + 1 : 0;
            best = Math.Max(best, run);
        }
        int end = days.Contains(currentDay) ? currentDay : currentDay - 1;
        int current = 0;
        while (end >= 1 && days.Contains(end)) { current++; end--; }
        return (current, best);
    }
}
