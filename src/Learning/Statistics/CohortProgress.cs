using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Statistics;

/// <summary>
/// One group's standing over the cohort so far: enrolment (learners only), who registered with the
/// bot, who took part at all (a check-in or an answer), and required lessons studied against what
/// the course requires (completion).
/// </summary>
public sealed record GroupProgress(long GroupId, int Enrolled, int Registered, int Active, int RequiredReads, int Completed, int RequiredLessons)
{
    public double? Completion => Enrolled == 0 || RequiredLessons == 0 ? null : (double)RequiredReads / (Enrolled * RequiredLessons);
}

/// <summary>A learner of a group as a roster shows them: today's check-in, streaks, answers, studying, ledger.</summary>
public sealed record RosterLine(
    long LearnerId, string Name, bool Registered, DateTimeOffset? CheckedInToday, int CheckIns, int CurrentStreak, int BestStreak,
    int Answers, int Correct, int RequiredRead, long Points, long CreditMinutes)
{
    public double? Accuracy => Answers == 0 ? null : (double)Correct / Answers;
}

/// <summary>Cohort-wide progress figures per group and per learner, in set queries (never one per learner).</summary>
public static class CohortProgress
{
    public static Task<int> RequiredLessonsAsync(DbSession s, long courseId) => StatisticsStore.RequiredLessonsAsync(s, courseId);

    /// <summary>Each group's progress (or one group's), keyed by group id.</summary>
    public static async Task<IReadOnlyDictionary<long, GroupProgress>> GroupsAsync(DbSession s, StoredCohort cohort, long? groupId = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(cohort);
        var required = await StatisticsStore.RequiredLessonsAsync(s, cohort.CourseId);
        var people = await StatisticsStore.GroupPeopleAsync(s, cohort.Id, groupId);
        var reads = await StatisticsStore.GroupReadsAsync(s, cohort.Id, groupId, required);
        return people.ToDictionary(r => r.GroupId, r =>
        {
            var (read, completed) = reads.GetValueOrDefault(r.GroupId);
            return new GroupProgress(r.GroupId, (int)r.Enrolled, (int)r.Registered, (int)r.Active, (int)read, (int)completed, required);
        });
    }

    /// <summary>A group's learners by name, with today's check-in (programme day <paramref name="today"/>) and their streaks up to it.</summary>
    public static async Task<IReadOnlyList<RosterLine>> RosterAsync(DbSession s, long cohortId, long groupId, int today)
    {
        ArgumentNullException.ThrowIfNull(s);
        var learners = await StatisticsStore.RosterLearnersAsync(s, cohortId, groupId);
        var checkins = await StatisticsStore.RosterCheckInsAsync(s, cohortId, groupId);
        var answers = await StatisticsStore.RosterAnswersAsync(s, cohortId, groupId);
        var reads = await StatisticsStore.RosterReadsAsync(s, cohortId, groupId);
        var ledger = await StatisticsStore.RosterLedgerAsync(s, cohortId, groupId);
        return learners.Select(l =>
        {
            var days = checkins[l.Id].ToList();
            var (current, best) = Streaks.Compute(days.Select(d => d.Day), today);
            var todays = days.Where(d => d.Day == today).Select(d => (DateTimeOffset?)d.At).FirstOrDefault();
            var (answered, correct) = answers.GetValueOrDefault(l.Id);
            var (points, minutes) = ledger.GetValueOrDefault(l.Id);
            return new RosterLine(l.Id, l.Name, l.Registered, todays, days.Count, current, best, answered, correct,
                reads.GetValueOrDefault(l.Id), points, minutes);
        }).OrderBy(l => l.Name, StringComparer.Ordinal).ToList();
    }
}
