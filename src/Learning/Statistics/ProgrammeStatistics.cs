using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Statistics;

/// <summary>A study group, as the statistics name it.</summary>
public sealed record GroupInfo(long Id, string Code, LocalizedText Name, string Language);

/// <summary>A learner who checked in, and when (null when the day's status says so but the check-in row is gone).</summary>
public sealed record CheckedInLearner(long LearnerId, string Name, DateTimeOffset? At);

/// <summary>
/// A learner who did not check in, with the streak they had up to the day before (the run a
/// check-in would have kept going; 0 when there was none).
/// </summary>
public sealed record MissedLearner(long LearnerId, string Name, int Streak);

/// <summary>One question of a group's quiz on a day: how many answered it and how many got it right.</summary>
public sealed record QuestionFigures(long DeliveryId, long QuestionId, string Code, LocalizedText Text, int Answers, int Correct)
{
    public double? Accuracy => Answers == 0 ? null : (double)Correct / Answers;
}

/// <summary>
/// A group on one programme day: who was enrolled (learners only), who checked in and who did not,
/// and the day's quiz. <see cref="Closed"/>: the figures come from the statuses recorded at the
/// close; otherwise from the check-ins so far.
/// </summary>
public sealed record GroupDayReport(
    GroupInfo Group, int Day, bool Closed, int Enrolled,
    IReadOnlyList<CheckedInLearner> CheckedIn, IReadOnlyList<MissedLearner> Missed,
    int QuizParticipants, IReadOnlyList<QuestionFigures> Questions)
{
    public double? CheckInRate => Enrolled == 0 ? null : (double)CheckedIn.Count / Enrolled;
    public double? Participation => Enrolled == 0 ? null : (double)QuizParticipants / Enrolled;
    public int Answers => Questions.Sum(q => q.Answers);
    public int Correct => Questions.Sum(q => q.Correct);
    public double? Accuracy => Answers == 0 ? null : (double)Correct / Answers;
}

/// <summary>One learner's answers to their group's quiz of a day: how many of its questions they answered, and how many right.</summary>
public sealed record LearnerQuiz(long LearnerId, int Answered, int Correct);

/// <summary>Counts for one day (or summed over several): check-ins against enrolment, and quiz answers.</summary>
public sealed record DayFigures(int Day, int Enrolled, int CheckedIn, int QuizAnswers, int QuizCorrect, int QuizParticipants)
{
    public double? CheckInRate => Enrolled == 0 ? null : (double)CheckedIn / Enrolled;
    public double? Accuracy => QuizAnswers == 0 ? null : (double)QuizCorrect / QuizAnswers;
    public double? Participation => Enrolled == 0 ? null : (double)QuizParticipants / Enrolled;

    public static DayFigures Sum(int day, IEnumerable<DayFigures> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        int enrolled = 0, checkedIn = 0, answers = 0, correct = 0, participants = 0;
        foreach (var d in days)
        {
            enrolled += d.Enrolled; checkedIn += d.CheckedIn; answers += d.QuizAnswers; correct += d.QuizCorrect; participants += d.QuizParticipants;
        }
        return new DayFigures(day, enrolled, checkedIn, answers, correct, participants);
    }
}

/// <summary>A group's figures per day over a range of days, in day order.</summary>
public sealed record GroupSeries(GroupInfo Group, IReadOnlyList<DayFigures> Days)
{
    /// <summary>The range summed (learner-days): Day is 0. Participation is summed per day, so it reads as learner-days too.</summary>
    public DayFigures Total => DayFigures.Sum(0, Days);
}

/// <summary>A group's place in a ranking by check-in rate over a range of days.</summary>
public sealed record GroupRank(int Rank, GroupInfo Group, DayFigures Total);

/// <summary>
/// Participation figures for digests, dashboards and a liaison's <c>/today</c>. Set queries over a
/// whole cohort (or one group), never one query per learner: a cohort can hold thousands of groups.
/// A day whose close recorded statuses (<c>day_status</c>) is read from them — enrolment as it was
/// at the close; a day not yet closed is read from the check-ins so far against today's roster.
/// </summary>
public static class ProgrammeStatistics
{
    /// <summary>The cohort's study groups, by code.</summary>
    public static async Task<IReadOnlyList<GroupInfo>> GroupsAsync(DbSession s, long cohortId, long? groupId = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        var rows = await s.QueryAsync<GroupRow>(
            "SELECT id, code, name, language FROM study_groups WHERE cohort_id = @cohortId" + (groupId is null ? "" : " AND id = @groupId") +
            " ORDER BY code", new { cohortId, groupId });
        return rows.Select(r => new GroupInfo(r.Id, r.Code, StoredJson.Deserialize<LocalizedText>(r.Name),
            Languages.Normalize(r.Language) ?? Languages.English)).ToList();
    }

    /// <summary>The days among <paramref name="fromDay"/>–<paramref name="toDay"/> whose close has recorded statuses.</summary>
    public static async Task<IReadOnlySet<int>> ClosedDaysAsync(DbSession s, long cohortId, int fromDay, int toDay)
    {
        ArgumentNullException.ThrowIfNull(s);
        var days = await s.QueryAsync<long>(
            "SELECT DISTINCT day FROM day_status WHERE cohort_id = @cohortId AND day >= @fromDay AND day <= @toDay",
            new { cohortId, fromDay, toDay });
        return days.Select(d => (int)d).ToHashSet();
    }

    /// <summary>
    /// Each group's day (or one group's, with <paramref name="groupId"/>): names of who checked in and
    /// who did not (with streaks), quiz participation and per-question figures. Ordered by group code;
    /// names in alphabetical order.
    /// </summary>
    public static async Task<IReadOnlyList<GroupDayReport>> GroupDaysAsync(DbSession s, long cohortId, int day, long? groupId = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        var groups = await GroupsAsync(s, cohortId, groupId);
        var closed = (await ClosedDaysAsync(s, cohortId, day, day)).Contains(day);
        var p = new { cohortId, day, groupId };

        var roster = await s.QueryAsync<RosterRow>(closed
            ? """
              SELECT ds.group_id AS GroupId, ds.learner_id AS LearnerId, l.name AS Name,
                     CASE WHEN ds.status = 'checked_in' THEN 1 ELSE 0 END AS Checked, ci.checked_in_at AS CheckedInAt
              FROM day_status ds
              JOIN learners l ON l.id = ds.learner_id
              LEFT JOIN checkins ci ON ci.cohort_id = ds.cohort_id AND ci.learner_id = ds.learner_id AND ci.day = ds.day
              WHERE ds.cohort_id = @cohortId AND ds.day = @day
              """ + (groupId is null ? "" : " AND ds.group_id = @groupId")
            : """
              SELECT e.group_id AS GroupId, e.learner_id AS LearnerId, l.name AS Name,
                     CASE WHEN ci.learner_id IS NULL THEN 0 ELSE 1 END AS Checked, ci.checked_in_at AS CheckedInAt
              FROM enrollments e
              JOIN learners l ON l.id = e.learner_id
              LEFT JOIN checkins ci ON ci.cohort_id = e.cohort_id AND ci.learner_id = e.learner_id AND ci.day = @day
              WHERE e.cohort_id = @cohortId AND e.role = 'learner' AND e.group_id IS NOT NULL
              """ + (groupId is null ? "" : " AND e.group_id = @groupId"), p);

        // Streaks of those who did not check in: consecutive check-in days form islands
        // (day minus its rank is constant along a run); the island that ends the day before is the
        // streak a check-in would have continued. Only those rows come back.
        var streaks = (await s.QueryAsync<(long LearnerId, long Streak)>(
            """
            WITH runs AS (
                SELECT learner_id, day, day - ROW_NUMBER() OVER (PARTITION BY learner_id ORDER BY day) AS island
                FROM checkins WHERE cohort_id = @cohortId AND day <= @day
            )
            SELECT learner_id, COUNT(*) FROM runs GROUP BY learner_id, island HAVING MAX(day) = @day - 1
            """, p)).ToDictionary(r => r.LearnerId, r => (int)r.Streak);

        var questionRows = (await s.QueryAsync<QuestionRow>(
            """
            SELECT d.group_id AS GroupId, d.id AS DeliveryId, d.question_id AS QuestionId,
                   COUNT(a.id) AS Answers, CAST(COALESCE(SUM(a.correct), 0) AS BIGINT) AS Correct
            FROM deliveries d LEFT JOIN answers a ON a.delivery_id = d.id
            WHERE d.cohort_id = @cohortId AND d.day = @day AND d.kind = 'Question' AND d.group_id IS NOT NULL AND d.question_id IS NOT NULL
            """ + (groupId is null ? "" : " AND d.group_id = @groupId") + """

            GROUP BY d.group_id, d.id, d.question_id
            ORDER BY d.group_id, d.id
            """, p)).ToList();
        // The day's quiz draws a handful of questions per group, mostly the same ones: few distinct texts.
        var texts = (await s.QueryAsync<(long Id, string Code, string Payload)>(
            """
            SELECT id, code, payload FROM questions WHERE id IN (
                SELECT d.question_id FROM deliveries d
                WHERE d.cohort_id = @cohortId AND d.day = @day AND d.kind = 'Question' AND d.group_id IS NOT NULL
            """ + (groupId is null ? "" : " AND d.group_id = @groupId") + ")", p))
            .ToDictionary(r => r.Id, r => (r.Code, StoredJson.Deserialize<QuestionPayload>(r.Payload).Text));

        var participants = (await s.QueryAsync<(long GroupId, long Count)>(
            """
            SELECT d.group_id, COUNT(DISTINCT a.learner_id)
            FROM deliveries d JOIN answers a ON a.delivery_id = d.id
            WHERE d.cohort_id = @cohortId AND d.day = @day AND d.kind = 'Question' AND d.group_id IS NOT NULL
            """ + (groupId is null ? "" : " AND d.group_id = @groupId") + """

            GROUP BY d.group_id
            """, p)).ToDictionary(r => r.GroupId, r => (int)r.Count);

        var rosterByGroup = roster.ToLookup(r => r.GroupId);
        var questionsByGroup = questionRows.ToLookup(q => q.GroupId);
        return groups.Select(g =>
        {
            var members = rosterByGroup[g.Id].OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
            var checkedIn = members.Where(m => m.Checked != 0)
                .Select(m => new CheckedInLearner(m.LearnerId, m.Name, m.CheckedInAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null))
                .ToList();
            var missed = members.Where(m => m.Checked == 0)
                .Select(m => new MissedLearner(m.LearnerId, m.Name, streaks.GetValueOrDefault(m.LearnerId)))
                .ToList();
            var questions = questionsByGroup[g.Id].Select(q =>
            {
                var (code, text) = texts.GetValueOrDefault(q.QuestionId, ("", LocalizedText.Of("")));
                return new QuestionFigures(q.DeliveryId, q.QuestionId, code, text, (int)q.Answers, (int)q.Correct);
            }).ToList();
            return new GroupDayReport(g, day, closed, members.Count, checkedIn, missed, participants.GetValueOrDefault(g.Id), questions);
        }).ToList();
    }

    /// <summary>
    /// Per learner, their answers to the quiz a group got on a day (only those who answered at least
    /// once): what a liaison's <c>/today</c> and the day's summary table show beside each name.
    /// </summary>
    public static async Task<IReadOnlyDictionary<long, LearnerQuiz>> LearnerQuizzesAsync(DbSession s, long cohortId, int day, long groupId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var rows = await s.QueryAsync<(long LearnerId, long Answered, long Correct)>(
            """
            SELECT a.learner_id, COUNT(*), CAST(COALESCE(SUM(a.correct), 0) AS BIGINT)
            FROM deliveries d JOIN answers a ON a.delivery_id = d.id
            WHERE d.cohort_id = @cohortId AND d.day = @day AND d.group_id = @groupId AND d.kind = 'Question'
            GROUP BY a.learner_id
            """, new { cohortId, day = (long)day, groupId });
        return rows.ToDictionary(r => r.LearnerId, r => new LearnerQuiz(r.LearnerId, (int)r.Answered, (int)r.Correct));
    }

    /// <summary>
    /// Each group's figures for every day of <paramref name="fromDay"/>–<paramref name="toDay"/> (or one
    /// group's): a constant number of queries whatever the number of groups and learners.
    /// </summary>
    public static async Task<IReadOnlyList<GroupSeries>> DailyFiguresAsync(DbSession s, long cohortId, int fromDay, int toDay, long? groupId = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        var groups = await GroupsAsync(s, cohortId, groupId);
        var days = fromDay > toDay ? [] : Enumerable.Range(fromDay, toDay - fromDay + 1).ToList();
        var closed = await ClosedDaysAsync(s, cohortId, fromDay, toDay);
        var groupFilter = groupId is null ? "" : " AND group_id = @groupId";
        var checkins = new Dictionary<(long Group, int Day), (int Enrolled, int Checked)>();

        if (closed.Count > 0)
        {
            var rows = await s.QueryAsync<CountRow>(
                """
                SELECT day AS Day, group_id AS GroupId, COUNT(*) AS Enrolled,
                       CAST(SUM(CASE WHEN status = 'checked_in' THEN 1 ELSE 0 END) AS BIGINT) AS CheckedIn
                FROM day_status WHERE cohort_id = @cohortId AND day >= @fromDay AND day <= @toDay
                """ + groupFilter + " GROUP BY day, group_id", new { cohortId, fromDay, toDay, groupId });
            foreach (var r in rows) checkins[(r.GroupId, (int)r.Day)] = ((int)r.Enrolled, (int)r.CheckedIn);
        }
        // Days not closed yet: today's roster against the check-ins so far (usually one day: today).
        var open = days.Where(d => !closed.Contains(d)).ToList();
        foreach (var day in open)
        {
            var rows = await s.QueryAsync<CountRow>(
                """
                SELECT e.group_id AS GroupId, COUNT(*) AS Enrolled, COUNT(ci.learner_id) AS CheckedIn
                FROM enrollments e
                LEFT JOIN checkins ci ON ci.cohort_id = e.cohort_id AND ci.learner_id = e.learner_id AND ci.day = @day
                WHERE e.cohort_id = @cohortId AND e.role = 'learner' AND e.group_id IS NOT NULL
                """ + (groupId is null ? "" : " AND e.group_id = @groupId") + " GROUP BY e.group_id",
                new { cohortId, day, groupId });
            foreach (var r in rows) checkins[(r.GroupId, day)] = ((int)r.Enrolled, (int)r.CheckedIn);
        }

        var quiz = (await s.QueryAsync<QuizRow>(
            """
            SELECT d.day AS Day, d.group_id AS GroupId, COUNT(a.id) AS Answers, CAST(COALESCE(SUM(a.correct), 0) AS BIGINT) AS Correct,
                   COUNT(DISTINCT a.learner_id) AS Participants
            FROM deliveries d JOIN answers a ON a.delivery_id = d.id
            WHERE d.cohort_id = @cohortId AND d.kind = 'Question' AND d.group_id IS NOT NULL AND d.day >= @fromDay AND d.day <= @toDay
            """ + (groupId is null ? "" : " AND d.group_id = @groupId") + " GROUP BY d.day, d.group_id",
            new { cohortId, fromDay, toDay, groupId })).ToDictionary(r => (r.GroupId, (int)r.Day));

        return groups.Select(g => new GroupSeries(g, days.Select(d =>
        {
            var (enrolled, checkedIn) = checkins.GetValueOrDefault((g.Id, d));
            var q = quiz.GetValueOrDefault((g.Id, d));
            return new DayFigures(d, enrolled, checkedIn, (int)(q?.Answers ?? 0), (int)(q?.Correct ?? 0), (int)(q?.Participants ?? 0));
        }).ToList())).ToList();
    }

    /// <summary>Groups ranked by check-in rate over the days (then quiz accuracy, then code); groups with nobody enrolled last.</summary>
    public static IReadOnlyList<GroupRank> Rank(IEnumerable<GroupSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return series.Select(g => (g.Group, Total: g.Total))
            .OrderByDescending(g => g.Total.CheckInRate ?? -1)
            .ThenByDescending(g => g.Total.Accuracy ?? -1)
            .ThenBy(g => g.Group.Code, StringComparer.Ordinal)
            .Select((g, i) => new GroupRank(i + 1, g.Group, g.Total))
            .ToList();
    }

    /// <summary>Groups ranked by check-in rate over <paramref name="fromDay"/>–<paramref name="toDay"/> (a week, say).</summary>
    public static async Task<IReadOnlyList<GroupRank>> RankGroupsAsync(DbSession s, long cohortId, int fromDay, int toDay) =>
        Rank(await DailyFiguresAsync(s, cohortId, fromDay, toDay));

    /// <summary>The whole cohort per day: every group summed.</summary>
    public static IReadOnlyList<DayFigures> Trend(IReadOnlyList<GroupSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) return [];
        return series[0].Days.Select((d, i) => DayFigures.Sum(d.Day, series.Select(g => g.Days[i]))).ToList();
    }

    /// <summary>The cohort's check-in rate (and quiz accuracy) per day over the range.</summary>
    public static async Task<IReadOnlyList<DayFigures>> CohortTrendAsync(DbSession s, long cohortId, int fromDay, int toDay) =>
        Trend(await DailyFiguresAsync(s, cohortId, fromDay, toDay));

    private sealed class GroupRow
    {
        public long Id { get; init; }
        public string Code { get; init; } = "";
        public string Name { get; init; } = "";
        public string Language { get; init; } = "";
    }

    private sealed class RosterRow
    {
        public long GroupId { get; init; }
        public long LearnerId { get; init; }
        public string Name { get; init; } = "";
        public long Checked { get; init; }
        public long? CheckedInAt { get; init; }
    }

    private sealed class QuestionRow
    {
        public long GroupId { get; init; }
        public long DeliveryId { get; init; }
        public long QuestionId { get; init; }
        public long Answers { get; init; }
        public long Correct { get; init; }
    }

    private sealed class CountRow
    {
        public long Day { get; init; }
        public long GroupId { get; init; }
        public long Enrolled { get; init; }
        public long CheckedIn { get; init; }
    }

    private sealed class QuizRow
    {
        public long Day { get; init; }
        public long GroupId { get; init; }
        public long Answers { get; init; }
        public long Correct { get; init; }
        public long Participants { get; init; }
    }
}
