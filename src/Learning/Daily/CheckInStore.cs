using Academy.Learning.Storage;

namespace Academy.Learning.Daily;

/// <summary>A learner of a group who has not checked in for a day.</summary>
public sealed record MissingLearner(long GroupId, long LearnerId, string Name);

/// <summary>
/// Who checked in and when, the day's statuses recorded at the close, and the liaisons' nudges:
/// <c>checkins</c>, <c>day_status</c> and <c>nudges</c>. "Once" is each table's unique key.
/// </summary>
public static class CheckInStore
{
    /// <summary>Records a learner's check-in for a programme day; false when they had checked in already.</summary>
    public static async Task<bool> RecordCheckInAsync(DbSession s, long cohortId, long learnerId, int day, string localDate, long at)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await s.ExecuteAsync(
            """
            INSERT INTO checkins (cohort_id, learner_id, day, local_date, checked_in_at)
            VALUES (@cohortId, @learnerId, @day, @date, @at)
            ON CONFLICT (cohort_id, learner_id, day) DO NOTHING
            """,
            new { cohortId, learnerId, day, date = localDate, at }) > 0;
    }

    /// <summary>The programme days a learner checked in on, in the cohort.</summary>
    public static async Task<IReadOnlyList<int>> CheckInDaysAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<long>(
            "SELECT day FROM checkins WHERE cohort_id = @cohortId AND learner_id = @learnerId", new { cohortId, learnerId }))
            .Select(d => (int)d).ToList();
    }

    /// <summary>The learners of the cohort's groups who have not checked in for the day, by group and enrolment.</summary>
    public static async Task<IReadOnlyList<MissingLearner>> MissingAsync(DbSession s, long cohortId, int day)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(long GroupId, long LearnerId, string Name)>(
            """
            SELECT e.group_id, l.id, l.name FROM enrollments e JOIN learners l ON l.id = e.learner_id
            WHERE e.cohort_id = @cohortId AND e.role = 'learner' AND e.group_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM checkins k WHERE k.cohort_id = e.cohort_id AND k.learner_id = e.learner_id AND k.day = @day)
            ORDER BY e.group_id, e.id
            """, new { cohortId, day = (long)day }))
            .Select(m => new MissingLearner(m.GroupId, m.LearnerId, m.Name)).ToList();
    }

    /// <summary>
    /// Records the day's status of every learner of every group (checked in or missed); a second close
    /// records nothing new. Returns how many groups have statuses for the day.
    /// </summary>
    public static async Task<int> CloseDayAsync(DbSession s, long cohortId, int day, long now)
    {
        ArgumentNullException.ThrowIfNull(s);
        var p = new { cohortId, day = (long)day, now };
        await s.ExecuteAsync(
            """
            INSERT INTO day_status (cohort_id, learner_id, day, group_id, status, recorded_at)
            SELECT e.cohort_id, e.learner_id, @day, e.group_id,
                   CASE WHEN EXISTS (SELECT 1 FROM checkins k WHERE k.cohort_id = e.cohort_id AND k.learner_id = e.learner_id AND k.day = @day)
                        THEN 'checked_in' ELSE 'missed' END,
                   @now
            FROM enrollments e
            WHERE e.cohort_id = @cohortId AND e.role = 'learner' AND e.group_id IS NOT NULL
            ON CONFLICT (cohort_id, learner_id, day) DO NOTHING
            """, p);
        return (int)await s.ExecuteScalarAsync<long>(
            "SELECT COUNT(DISTINCT group_id) FROM day_status WHERE cohort_id = @cohortId AND day = @day", p);
    }

    /// <summary>Records a nudge of a learner on a day; false when they had been nudged that day already.</summary>
    public static async Task<bool> RecordNudgeAsync(DbSession s, long cohortId, long learnerId, int day, long groupId, long? nudgedBy, string channel, long at)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await s.ExecuteAsync(
            """
            INSERT INTO nudges (cohort_id, learner_id, day, group_id, nudged_by, channel, nudged_at)
            VALUES (@cohortId, @learnerId, @day, @groupId, @nudgedBy, @channel, @at)
            ON CONFLICT (cohort_id, learner_id, day) DO NOTHING
            """, new { cohortId, learnerId, day = (long)day, groupId, nudgedBy, channel, at }) > 0;
    }

    /// <summary>When each learner of a group was nudged on a day.</summary>
    public static async Task<IReadOnlyDictionary<long, DateTimeOffset>> NudgedAtAsync(DbSession s, long cohortId, long groupId, int day)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(long LearnerId, long At)>(
                "SELECT learner_id, nudged_at FROM nudges WHERE cohort_id = @cohortId AND group_id = @groupId AND day = @day",
                new { cohortId, groupId, day = (long)day }))
            .ToDictionary(r => r.LearnerId, r => DateTimeOffset.FromUnixTimeMilliseconds(r.At));
    }
}
