using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Storage;

namespace Academy.Learning.Statistics;

/// <summary>A learner on a group's roster for one day: whether they checked in, and when.</summary>
public sealed record DayRosterEntry(long GroupId, long LearnerId, string Name, bool Checked, DateTimeOffset? CheckedInAt);

/// <summary>One question a group got on a day, with how many answered it and how many right.</summary>
public sealed record DayQuestionCount(long GroupId, long DeliveryId, long QuestionId, long Answers, long Correct);

/// <summary>A group on a day: enrolled learners and how many of them checked in.</summary>
public sealed record DayCheckInCount(int Day, long GroupId, int Enrolled, int CheckedIn);

/// <summary>A group's quiz answers on a day: answers, right ones, and distinct learners who answered.</summary>
public sealed record DayQuizCount(int Day, long GroupId, long Answers, long Correct, long Participants);

/// <summary>A group's people: learners enrolled, those registered with the bot, those who took part at all.</summary>
public sealed record GroupPeopleCount(long GroupId, long Enrolled, long Registered, long Active);

/// <summary>A learner of a group as the roster starts from: whether they registered with the bot.</summary>
public sealed record RosterLearner(long Id, string Name, bool Registered);

/// <summary>One learner's counts in a cohort, as <c>/me</c> and the learner page show them.</summary>
public sealed record LearnerCounts(
    long LessonsDelivered, long RequiredLessons, long LessonsRead, long RequiredLessonsRead,
    long QuestionsAnswered, long QuestionsCorrect, long Points, long CreditMinutes);

/// <summary>
/// Every read the figures are made of (digests, dashboards, <c>/today</c>, <c>/me</c>): set queries
/// over a whole cohort or one group, never one per learner. Read-only.
/// </summary>
public static class StatisticsStore
{
    // A statement over the whole cohort, or narrowed to one group: both texts written once.
    private sealed class ByGroup(string template, string filter)
    {
        private readonly string _all = template.Replace("{group}", "", StringComparison.Ordinal);
        private readonly string _one = template.Replace("{group}", filter, StringComparison.Ordinal);

        public string For(long? groupId) => groupId is null ? _all : _one;
    }

    // ---- groups and lessons ---------------------------------------------------------------------

    private static readonly ByGroup Groups = new(
        "SELECT id, code, name, language FROM study_groups WHERE cohort_id = @cohortId{group} ORDER BY code", " AND id = @groupId");

    /// <summary>The cohort's study groups (or one), by code.</summary>
    public static async Task<IReadOnlyList<GroupInfo>> GroupsAsync(DbSession s, long cohortId, long? groupId = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        var rows = await s.QueryAsync<GroupRow>(Groups.For(groupId), new { cohortId, groupId });
        return rows.Select(r => new GroupInfo(r.Id, r.Code, StoredJson.Deserialize<LocalizedText>(r.Name),
            Languages.Normalize(r.Language) ?? Languages.English)).ToList();
    }

    /// <summary>How many live lessons the course requires.</summary>
    public static async Task<int> RequiredLessonsAsync(DbSession s, long courseId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (int)await s.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM lessons WHERE course_id = @courseId AND retired = 0 AND required = 1", new { courseId });
    }

    // ---- one day of a cohort's groups -----------------------------------------------------------

    /// <summary>The days among <paramref name="fromDay"/>–<paramref name="toDay"/> whose close has recorded statuses.</summary>
    public static async Task<IReadOnlySet<int>> ClosedDaysAsync(DbSession s, long cohortId, int fromDay, int toDay)
    {
        ArgumentNullException.ThrowIfNull(s);
        var days = await s.QueryAsync<long>(
            "SELECT DISTINCT day FROM day_status WHERE cohort_id = @cohortId AND day >= @fromDay AND day <= @toDay",
            new { cohortId, fromDay, toDay });
        return days.Select(d => (int)d).ToHashSet();
    }

    private static readonly ByGroup ClosedRoster = new(
        """
        SELECT ds.group_id AS GroupId, ds.learner_id AS LearnerId, l.name AS Name,
               CASE WHEN ds.status = 'checked_in' THEN 1 ELSE 0 END AS Checked, ci.checked_in_at AS CheckedInAt
        FROM day_status ds
        JOIN learners l ON l.id = ds.learner_id
        LEFT JOIN checkins ci ON ci.cohort_id = ds.cohort_id AND ci.learner_id = ds.learner_id AND ci.day = ds.day
        WHERE ds.cohort_id = @cohortId AND ds.day = @day{group}
        """, " AND ds.group_id = @groupId");

    private static readonly ByGroup OpenRoster = new(
        """
        SELECT e.group_id AS GroupId, e.learner_id AS LearnerId, l.name AS Name,
               CASE WHEN ci.learner_id IS NULL THEN 0 ELSE 1 END AS Checked, ci.checked_in_at AS CheckedInAt
        FROM enrollments e
        JOIN learners l ON l.id = e.learner_id
        LEFT JOIN checkins ci ON ci.cohort_id = e.cohort_id AND ci.learner_id = e.learner_id AND ci.day = @day
        WHERE e.cohort_id = @cohortId AND e.role = 'learner' AND e.group_id IS NOT NULL{group}
        """, " AND e.group_id = @groupId");

    /// <summary>
    /// The learners of the groups on a day and whether each checked in: from the statuses recorded at
    /// the close when <paramref name="closed"/> (enrolment as it was then), else today's enrolment
    /// against the check-ins so far.
    /// </summary>
    public static async Task<IReadOnlyList<DayRosterEntry>> DayRosterAsync(DbSession s, long cohortId, int day, long? groupId, bool closed)
    {
        ArgumentNullException.ThrowIfNull(s);
        var rows = await s.QueryAsync<RosterRow>((closed ? ClosedRoster : OpenRoster).For(groupId), new { cohortId, day, groupId });
        return rows.Select(r => new DayRosterEntry(r.GroupId, r.LearnerId, r.Name, r.Checked != 0,
            r.CheckedInAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null)).ToList();
    }

    /// <summary>
    /// Each learner's run of check-ins that ended the day before <paramref name="day"/> (the streak a
    /// check-in that day would have continued); learners with no such run are left out.
    /// </summary>
    public static async Task<Dictionary<long, int>> StreaksBeforeAsync(DbSession s, long cohortId, int day)
    {
        ArgumentNullException.ThrowIfNull(s);
        // Consecutive check-in days form islands (day minus its rank is constant along a run); the
        // island that ends the day before is the streak. Only those rows come back.
        return (await s.QueryAsync<(long LearnerId, long Streak)>(
            """
            WITH runs AS (
                SELECT learner_id, day, day - ROW_NUMBER() OVER (PARTITION BY learner_id ORDER BY day) AS island
                FROM checkins WHERE cohort_id = @cohortId AND day <= @day
            )
            SELECT learner_id, COUNT(*) FROM runs GROUP BY learner_id, island HAVING MAX(day) = @day - 1
            """, new { cohortId, day })).ToDictionary(r => r.LearnerId, r => (int)r.Streak);
    }

    private static readonly ByGroup DayQuestions = new(
        """
        SELECT d.group_id AS GroupId, d.id AS DeliveryId, d.question_id AS QuestionId,
               COUNT(a.id) AS Answers, CAST(COALESCE(SUM(a.correct), 0) AS BIGINT) AS Correct
        FROM deliveries d LEFT JOIN answers a ON a.delivery_id = d.id
        WHERE d.cohort_id = @cohortId AND d.day = @day AND d.kind = 'Question' AND d.group_id IS NOT NULL AND d.question_id IS NOT NULL{group}
        GROUP BY d.group_id, d.id, d.question_id
        ORDER BY d.group_id, d.id
        """, " AND d.group_id = @groupId");

    /// <summary>The questions the groups got on a day, with their answers, by group and delivery.</summary>
    public static async Task<IReadOnlyList<DayQuestionCount>> DayQuestionsAsync(DbSession s, long cohortId, int day, long? groupId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<QuestionRow>(DayQuestions.For(groupId), new { cohortId, day, groupId }))
            .Select(q => new DayQuestionCount(q.GroupId, q.DeliveryId, q.QuestionId, q.Answers, q.Correct)).ToList();
    }

    private static readonly ByGroup DayQuestionTexts = new(
        """
        SELECT id, code, payload FROM questions WHERE id IN (
            SELECT d.question_id FROM deliveries d
            WHERE d.cohort_id = @cohortId AND d.day = @day AND d.kind = 'Question' AND d.group_id IS NOT NULL{group})
        """, " AND d.group_id = @groupId");

    /// <summary>The code and text of each question the groups got on a day.</summary>
    public static async Task<Dictionary<long, (string Code, LocalizedText Text)>> DayQuestionTextsAsync(DbSession s, long cohortId, int day, long? groupId)
    {
        ArgumentNullException.ThrowIfNull(s);
        // The day's quiz draws a handful of questions per group, mostly the same ones: few distinct texts.
        return (await s.QueryAsync<(long Id, string Code, string Payload)>(DayQuestionTexts.For(groupId), new { cohortId, day, groupId }))
            .ToDictionary(r => r.Id, r => (r.Code, StoredJson.Deserialize<QuestionPayload>(r.Payload).Text));
    }

    private static readonly ByGroup DayParticipants = new(
        """
        SELECT d.group_id, COUNT(DISTINCT a.learner_id)
        FROM deliveries d JOIN answers a ON a.delivery_id = d.id
        WHERE d.cohort_id = @cohortId AND d.day = @day AND d.kind = 'Question' AND d.group_id IS NOT NULL{group}
        GROUP BY d.group_id
        """, " AND d.group_id = @groupId");

    /// <summary>How many learners of each group answered at least one question of the day's quiz.</summary>
    public static async Task<Dictionary<long, int>> DayParticipantsAsync(DbSession s, long cohortId, int day, long? groupId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(long GroupId, long Count)>(DayParticipants.For(groupId), new { cohortId, day, groupId }))
            .ToDictionary(r => r.GroupId, r => (int)r.Count);
    }

    /// <summary>Per learner who answered at least once, their answers to the quiz a group got on a day.</summary>
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

    // ---- a range of days ------------------------------------------------------------------------

    private static readonly ByGroup ClosedCounts = new(
        """
        SELECT day AS Day, group_id AS GroupId, COUNT(*) AS Enrolled,
               CAST(SUM(CASE WHEN status = 'checked_in' THEN 1 ELSE 0 END) AS BIGINT) AS CheckedIn
        FROM day_status WHERE cohort_id = @cohortId AND day >= @fromDay AND day <= @toDay{group} GROUP BY day, group_id
        """, " AND group_id = @groupId");

    /// <summary>Enrolment and check-ins per group and day of the closed days in the range, from the statuses recorded at their close.</summary>
    public static async Task<IReadOnlyList<DayCheckInCount>> ClosedDayCountsAsync(DbSession s, long cohortId, int fromDay, int toDay, long? groupId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<CountRow>(ClosedCounts.For(groupId), new { cohortId, fromDay, toDay, groupId }))
            .Select(r => new DayCheckInCount((int)r.Day, r.GroupId, (int)r.Enrolled, (int)r.CheckedIn)).ToList();
    }

    private static readonly ByGroup OpenCounts = new(
        """
        SELECT e.group_id AS GroupId, COUNT(*) AS Enrolled, COUNT(ci.learner_id) AS CheckedIn
        FROM enrollments e
        LEFT JOIN checkins ci ON ci.cohort_id = e.cohort_id AND ci.learner_id = e.learner_id AND ci.day = @day
        WHERE e.cohort_id = @cohortId AND e.role = 'learner' AND e.group_id IS NOT NULL{group} GROUP BY e.group_id
        """, " AND e.group_id = @groupId");

    /// <summary>Enrolment per group today, and how many have checked in for <paramref name="day"/> so far (a day not closed yet).</summary>
    public static async Task<IReadOnlyList<DayCheckInCount>> OpenDayCountsAsync(DbSession s, long cohortId, int day, long? groupId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<CountRow>(OpenCounts.For(groupId), new { cohortId, day, groupId }))
            .Select(r => new DayCheckInCount(day, r.GroupId, (int)r.Enrolled, (int)r.CheckedIn)).ToList();
    }

    private static readonly ByGroup QuizCounts = new(
        """
        SELECT d.day AS Day, d.group_id AS GroupId, COUNT(a.id) AS Answers, CAST(COALESCE(SUM(a.correct), 0) AS BIGINT) AS Correct,
               COUNT(DISTINCT a.learner_id) AS Participants
        FROM deliveries d JOIN answers a ON a.delivery_id = d.id
        WHERE d.cohort_id = @cohortId AND d.kind = 'Question' AND d.group_id IS NOT NULL AND d.day >= @fromDay AND d.day <= @toDay{group}
        GROUP BY d.day, d.group_id
        """, " AND d.group_id = @groupId");

    /// <summary>Quiz answers per group and day of the range (only group-days with answers).</summary>
    public static async Task<IReadOnlyList<DayQuizCount>> QuizCountsAsync(DbSession s, long cohortId, int fromDay, int toDay, long? groupId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<QuizRow>(QuizCounts.For(groupId), new { cohortId, fromDay, toDay, groupId }))
            .Select(r => new DayQuizCount((int)r.Day, r.GroupId, r.Answers, r.Correct, r.Participants)).ToList();
    }

    // ---- progress over the cohort so far --------------------------------------------------------

    private static readonly ByGroup People = new(
        """
        SELECT e.group_id, COUNT(*),
               CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM channel_identities ci WHERE ci.learner_id = e.learner_id) THEN 1 ELSE 0 END) AS BIGINT),
               CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM checkins c WHERE c.cohort_id = e.cohort_id AND c.learner_id = e.learner_id)
                               OR EXISTS (SELECT 1 FROM answers a WHERE a.cohort_id = e.cohort_id AND a.learner_id = e.learner_id) THEN 1 ELSE 0 END) AS BIGINT)
        FROM enrollments e
        WHERE e.cohort_id = @cohortId AND e.role = 'learner' AND e.group_id IS NOT NULL{group} GROUP BY e.group_id
        """, " AND e.group_id = @groupId");

    /// <summary>Each group's learners: enrolled, registered with the bot, and active (a check-in or an answer).</summary>
    public static async Task<IReadOnlyList<GroupPeopleCount>> GroupPeopleAsync(DbSession s, long cohortId, long? groupId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(long GroupId, long Enrolled, long Registered, long Active)>(People.For(groupId), new { cohortId, groupId }))
            .Select(r => new GroupPeopleCount(r.GroupId, r.Enrolled, r.Registered, r.Active)).ToList();
    }

    private static readonly ByGroup Reads = new(
        """
        SELECT x.group_id, CAST(SUM(x.reads) AS BIGINT), CAST(SUM(CASE WHEN x.reads >= @required AND @required > 0 THEN 1 ELSE 0 END) AS BIGINT)
        FROM (
            SELECT e.group_id, e.learner_id, COUNT(*) AS reads
            FROM lesson_reads r
            JOIN lessons l ON l.id = r.lesson_id AND l.required = 1 AND l.retired = 0
            JOIN enrollments e ON e.cohort_id = r.cohort_id AND e.learner_id = r.learner_id AND e.role = 'learner'
            WHERE r.cohort_id = @cohortId AND e.group_id IS NOT NULL{group}
            GROUP BY e.group_id, e.learner_id
        ) x GROUP BY x.group_id
        """, " AND e.group_id = @groupId");

    /// <summary>Each group's required lessons studied (summed over its learners) and how many learners studied all <paramref name="required"/>.</summary>
    public static async Task<Dictionary<long, (long Reads, long Completed)>> GroupReadsAsync(DbSession s, long cohortId, long? groupId, int required)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(long GroupId, long Reads, long Completed)>(Reads.For(groupId), new { cohortId, groupId, required }))
            .ToDictionary(r => r.GroupId, r => (r.Reads, r.Completed));
    }

    private const string Members = "SELECT learner_id FROM enrollments WHERE cohort_id = @cohortId AND group_id = @groupId AND role = 'learner'";

    /// <summary>A group's learners, and whether each registered with the bot.</summary>
    public static async Task<IReadOnlyList<RosterLearner>> RosterLearnersAsync(DbSession s, long cohortId, long groupId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(long Id, string Name, long Registered)>(
            """
            SELECT l.id, l.name, CASE WHEN EXISTS (SELECT 1 FROM channel_identities ci WHERE ci.learner_id = l.id) THEN 1 ELSE 0 END
            FROM enrollments e JOIN learners l ON l.id = e.learner_id
            WHERE e.cohort_id = @cohortId AND e.group_id = @groupId AND e.role = 'learner'
            """, new { cohortId, groupId })).Select(l => new RosterLearner(l.Id, l.Name, l.Registered != 0)).ToList();
    }

    /// <summary>The check-ins (day, when) of a group's learners, by learner.</summary>
    public static async Task<ILookup<long, (int Day, DateTimeOffset At)>> RosterCheckInsAsync(DbSession s, long cohortId, long groupId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(long LearnerId, long Day, long At)>(
                $"SELECT learner_id, day, checked_in_at FROM checkins WHERE cohort_id = @cohortId AND learner_id IN ({Members})", new { cohortId, groupId }))
            .ToLookup(c => c.LearnerId, c => ((int)c.Day, DateTimeOffset.FromUnixTimeMilliseconds(c.At)));
    }

    /// <summary>The quiz answers (all, right) of a group's learners who answered any, by learner.</summary>
    public static async Task<Dictionary<long, (int Answers, int Correct)>> RosterAnswersAsync(DbSession s, long cohortId, long groupId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(long LearnerId, long Answers, long Correct)>(
            $"""
            SELECT learner_id, COUNT(*), CAST(COALESCE(SUM(correct), 0) AS BIGINT) FROM answers
            WHERE cohort_id = @cohortId AND learner_id IN ({Members}) GROUP BY learner_id
            """, new { cohortId, groupId })).ToDictionary(a => a.LearnerId, a => ((int)a.Answers, (int)a.Correct));
    }

    /// <summary>The required lessons each of a group's learners studied (those who studied any).</summary>
    public static async Task<Dictionary<long, int>> RosterReadsAsync(DbSession s, long cohortId, long groupId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(long LearnerId, long Reads)>(
            $"""
            SELECT r.learner_id, COUNT(*) FROM lesson_reads r JOIN lessons l ON l.id = r.lesson_id AND l.required = 1 AND l.retired = 0
            WHERE r.cohort_id = @cohortId AND r.learner_id IN ({Members}) GROUP BY r.learner_id
            """, new { cohortId, groupId })).ToDictionary(r => r.LearnerId, r => (int)r.Reads);
    }

    /// <summary>The points and credit minutes of a group's learners (those with any award), by learner.</summary>
    public static async Task<Dictionary<long, (long Points, long Minutes)>> RosterLedgerAsync(DbSession s, long cohortId, long groupId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(long LearnerId, long Points, long Minutes)>(
            $"""
            SELECT learner_id, CAST(COALESCE(SUM(points), 0) AS BIGINT), CAST(COALESCE(SUM(credit_minutes), 0) AS BIGINT) FROM ledger
            WHERE cohort_id = @cohortId AND learner_id IN ({Members}) GROUP BY learner_id
            """, new { cohortId, groupId })).ToDictionary(r => r.LearnerId, r => (r.Points, r.Minutes));
    }

    // ---- one learner ----------------------------------------------------------------------------

    /// <summary>One learner's counts in a cohort: lessons delivered to them and studied, answers, points and minutes.</summary>
    public static async Task<LearnerCounts> LearnerCountsAsync(DbSession s, long cohortId, long courseId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var p = new { cohortId, learnerId, courseId };
        var groupId = await s.QuerySingleOrDefaultAsync<long?>(
            "SELECT group_id FROM enrollments WHERE cohort_id = @cohortId AND learner_id = @learnerId", p);
        var delivered = await s.ExecuteScalarAsync<long>(
            """
            SELECT COUNT(DISTINCT lesson_id) FROM deliveries
            WHERE cohort_id = @cohortId AND kind = 'Lesson' AND (learner_id = @learnerId OR (group_id = @groupId AND learner_id IS NULL))
            """, new { cohortId, learnerId, groupId });
        var required = await RequiredLessonsAsync(s, courseId);
        var reads = await s.QuerySingleAsync<(long All, long Required)>(
            """
            SELECT COUNT(*), CAST(COALESCE(SUM(l.required), 0) AS BIGINT) FROM lesson_reads r JOIN lessons l ON l.id = r.lesson_id
            WHERE r.cohort_id = @cohortId AND r.learner_id = @learnerId
            """, p);
        var answers = await s.QuerySingleAsync<(long Answered, long Correct)>(
            "SELECT COUNT(*), CAST(COALESCE(SUM(correct), 0) AS BIGINT) FROM answers WHERE cohort_id = @cohortId AND learner_id = @learnerId", p);
        var ledger = await s.QuerySingleAsync<(long Points, long Minutes)>(
            """
            SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT), CAST(COALESCE(SUM(credit_minutes), 0) AS BIGINT) FROM ledger
            WHERE cohort_id = @cohortId AND learner_id = @learnerId
            """, p);
        return new LearnerCounts(delivered, required, reads.All, reads.Required, answers.Answered, answers.Correct, ledger.Points, ledger.Minutes);
    }

    /// <summary>A learner's check-ins in a cohort, latest day first.</summary>
    public static async Task<IReadOnlyList<CheckInEntry>> CheckInHistoryAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(long Day, string LocalDate, long At)>(
                "SELECT day, local_date, checked_in_at FROM checkins WHERE cohort_id = @cohortId AND learner_id = @learnerId ORDER BY day DESC",
                new { cohortId, learnerId }))
            .Select(c => new CheckInEntry((int)c.Day, c.LocalDate, DateTimeOffset.FromUnixTimeMilliseconds(c.At))).ToList();
    }

    /// <summary>A learner's quiz answers in a cohort, newest first.</summary>
    public static async Task<IReadOnlyList<AnswerEntry>> AnswerHistoryAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(long Day, string Code, string Payload, long Correct, long At)>(
                """
                SELECT d.day, q.code, q.payload, a.correct, a.answered_at
                FROM answers a JOIN deliveries d ON d.id = a.delivery_id JOIN questions q ON q.id = a.question_id
                WHERE a.cohort_id = @cohortId AND a.learner_id = @learnerId ORDER BY a.answered_at DESC, a.id DESC
                """, new { cohortId, learnerId }))
            .Select(a => new AnswerEntry((int)a.Day, a.Code, StoredJson.Deserialize<QuestionPayload>(a.Payload).Text, a.Correct != 0,
                DateTimeOffset.FromUnixTimeMilliseconds(a.At))).ToList();
    }

    /// <summary>A learner's ledger awards in a cohort, newest first.</summary>
    public static async Task<IReadOnlyList<LedgerEntry>> LedgerHistoryAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(string Kind, string Source, long Points, long Minutes, string LocalDate, long At)>(
                """
                SELECT kind, source_key, points, credit_minutes, local_date, at FROM ledger
                WHERE cohort_id = @cohortId AND learner_id = @learnerId ORDER BY at DESC, id DESC
                """, new { cohortId, learnerId }))
            .Select(l => new LedgerEntry(l.Kind, l.Source, l.Points, l.Minutes, l.LocalDate, DateTimeOffset.FromUnixTimeMilliseconds(l.At))).ToList();
    }

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
