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
    public static async Task<int> RequiredLessonsAsync(DbSession s, long courseId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (int)await s.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM lessons WHERE course_id = @courseId AND retired = 0 AND required = 1", new { courseId });
    }

    /// <summary>Each group's progress (or one group's), keyed by group id.</summary>
    public static async Task<IReadOnlyDictionary<long, GroupProgress>> GroupsAsync(DbSession s, StoredCohort cohort, long? groupId = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(cohort);
        var required = await RequiredLessonsAsync(s, cohort.CourseId);
        var p = new { cohortId = cohort.Id, groupId, required };
        var filter = groupId is null ? "" : " AND e.group_id = @groupId";
        var people = await s.QueryAsync<(long GroupId, long Enrolled, long Registered, long Active)>(
            """
            SELECT e.group_id, COUNT(*),
                   CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM channel_identities ci WHERE ci.learner_id = e.learner_id) THEN 1 ELSE 0 END) AS BIGINT),
                   CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM checkins c WHERE c.cohort_id = e.cohort_id AND c.learner_id = e.learner_id)
                                   OR EXISTS (SELECT 1 FROM answers a WHERE a.cohort_id = e.cohort_id AND a.learner_id = e.learner_id) THEN 1 ELSE 0 END) AS BIGINT)
            FROM enrollments e
            WHERE e.cohort_id = @cohortId AND e.role = 'learner' AND e.group_id IS NOT NULL
            """ + filter + " GROUP BY e.group_id", p);
        var reads = (await s.QueryAsync<(long GroupId, long Reads, long Completed)>(
            """
            SELECT x.group_id, CAST(SUM(x.reads) AS BIGINT), CAST(SUM(CASE WHEN x.reads >= @required AND @required > 0 THEN 1 ELSE 0 END) AS BIGINT)
            FROM (
                SELECT e.group_id, e.learner_id, COUNT(*) AS reads
                FROM lesson_reads r
                JOIN lessons l ON l.id = r.lesson_id AND l.required = 1 AND l.retired = 0
                JOIN enrollments e ON e.cohort_id = r.cohort_id AND e.learner_id = r.learner_id AND e.role = 'learner'
                WHERE r.cohort_id = @cohortId AND e.group_id IS NOT NULL
            """ + filter + """

                GROUP BY e.group_id, e.learner_id
            ) x GROUP BY x.group_id
            """, p)).ToDictionary(r => r.GroupId);
        return people.ToDictionary(r => r.GroupId, r =>
        {
            var (_, read, completed) = reads.GetValueOrDefault(r.GroupId);
            return new GroupProgress(r.GroupId, (int)r.Enrolled, (int)r.Registered, (int)r.Active, (int)read, (int)completed, required);
        });
    }

    /// <summary>A group's learners by name, with today's check-in (programme day <paramref name="today"/>) and their streaks up to it.</summary>
    public static async Task<IReadOnlyList<RosterLine>> RosterAsync(DbSession s, long cohortId, long groupId, int today)
    {
        ArgumentNullException.ThrowIfNull(s);
        var p = new { cohortId, groupId, today };
        var learners = await s.QueryAsync<(long Id, string Name, long Registered)>(
            """
            SELECT l.id, l.name, CASE WHEN EXISTS (SELECT 1 FROM channel_identities ci WHERE ci.learner_id = l.id) THEN 1 ELSE 0 END
            FROM enrollments e JOIN learners l ON l.id = e.learner_id
            WHERE e.cohort_id = @cohortId AND e.group_id = @groupId AND e.role = 'learner'
            """, p);
        const string members = "SELECT learner_id FROM enrollments WHERE cohort_id = @cohortId AND group_id = @groupId AND role = 'learner'";
        var checkins = (await s.QueryAsync<(long LearnerId, long Day, long At)>(
            $"SELECT learner_id, day, checked_in_at FROM checkins WHERE cohort_id = @cohortId AND learner_id IN ({members})", p)).ToLookup(c => c.LearnerId);
        var answers = (await s.QueryAsync<(long LearnerId, long Answers, long Correct)>(
            $"""
            SELECT learner_id, COUNT(*), CAST(COALESCE(SUM(correct), 0) AS BIGINT) FROM answers
            WHERE cohort_id = @cohortId AND learner_id IN ({members}) GROUP BY learner_id
            """, p)).ToDictionary(a => a.LearnerId);
        var reads = (await s.QueryAsync<(long LearnerId, long Reads)>(
            $"""
            SELECT r.learner_id, COUNT(*) FROM lesson_reads r JOIN lessons l ON l.id = r.lesson_id AND l.required = 1 AND l.retired = 0
            WHERE r.cohort_id = @cohortId AND r.learner_id IN ({members}) GROUP BY r.learner_id
            """, p)).ToDictionary(r => r.LearnerId, r => (int)r.Reads);
        var ledger = (await s.QueryAsync<(long LearnerId, long Points, long Minutes)>(
            $"""
            SELECT learner_id, CAST(COALESCE(SUM(points), 0) AS BIGINT), CAST(COALESCE(SUM(credit_minutes), 0) AS BIGINT) FROM ledger
            WHERE cohort_id = @cohortId AND learner_id IN ({members}) GROUP BY learner_id
            """, p)).ToDictionary(r => r.LearnerId);
        return learners.Select(l =>
        {
            var days = checkins[l.Id].ToList();
            var (current, best) = Streaks.Compute(days.Select(d => (int)d.Day), today);
            var todays = days.Where(d => d.Day == today).Select(d => (DateTimeOffset?)DateTimeOffset.FromUnixTimeMilliseconds(d.At)).FirstOrDefault();
            var (_, answered, correct) = answers.GetValueOrDefault(l.Id);
            var (_, points, minutes) = ledger.GetValueOrDefault(l.Id);
            return new RosterLine(l.Id, l.Name, l.Registered != 0, todays, days.Count, current, best, (int)answered, (int)correct,
                reads.GetValueOrDefault(l.Id), points, minutes);
        }).OrderBy(l => l.Name, StringComparer.Ordinal).ToList();
    }
}
