using System.Globalization;
using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;
using Academy.Learning.Storage;

namespace Academy.Learning.Content;

/// <summary>A cohort as stored, with its database ids and the size of its course.</summary>
public sealed record StoredCohort(long Id, long CourseId, int LessonCount, Cohort Cohort)
{
    public ProgrammeCalendar Calendar => Cohort.Calendar(LessonCount);
}

/// <summary>A study group's cohort, code and language (null: its cohort's).</summary>
public sealed record StudyGroupRef(long Id, long CohortId, string Code, string? Language);

/// <summary>A study group with its stored (localised JSON) name and its cohort's code and stored name.</summary>
public sealed record NamedStudyGroup(long Id, string Code, string Name, string CohortCode, string CohortName);

/// <summary>Reads cohorts and their study groups back from the store.</summary>
public static class CohortStore
{
    private sealed class Row
    {
        public long Id { get; init; }
        public string Code { get; init; } = "";
        public long CourseId { get; init; }
        public string CourseCode { get; init; } = "";
        public string Name { get; init; } = "";
        public string StartDate { get; init; } = "";
        public string TimeZone { get; init; } = "";
        public string Language { get; init; } = "";
        public string LessonTime { get; init; } = "";
        public string CheckinOpen { get; init; } = "";
        public string CheckinClose { get; init; } = "";
        public string QuizTime { get; init; } = "";
        public string? ReminderTime { get; init; }
        public string? DigestTime { get; init; }
        public string? WeeklyDigestDay { get; init; }
        public string? WeeklyDigestTime { get; init; }
        public long QuizQuestions { get; init; }
        public long SkipWeekends { get; init; }
        public string Holidays { get; init; } = "";
        public long LessonCount { get; init; }
    }

    private const string Select =
        """
        SELECT c.id, c.code, c.course_id AS CourseId, co.code AS CourseCode, c.name, c.start_date AS StartDate,
               c.time_zone AS TimeZone, c.language, c.lesson_time AS LessonTime, c.checkin_open AS CheckinOpen,
               c.checkin_close AS CheckinClose, c.quiz_time AS QuizTime,
               c.reminder_time AS ReminderTime, c.digest_time AS DigestTime, c.weekly_digest_day AS WeeklyDigestDay,
               c.weekly_digest_time AS WeeklyDigestTime, c.quiz_questions AS QuizQuestions,
               c.skip_weekends AS SkipWeekends, c.holidays,
               (SELECT COUNT(*) FROM lessons l WHERE l.course_id = c.course_id AND l.retired = 0) AS LessonCount
        FROM cohorts c JOIN courses co ON co.id = c.course_id
        """;

    public static async Task<StoredCohort?> GetAsync(DbSession s, long cohortId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var row = await s.QuerySingleOrDefaultAsync<Row>(Select + " WHERE c.id = @cohortId", new { cohortId });
        return row is null ? null : Map(row);
    }

    public static async Task<StoredCohort?> GetByCodeAsync(DbSession s, string code)
    {
        ArgumentNullException.ThrowIfNull(s);
        var row = await s.QuerySingleOrDefaultAsync<Row>(Select + " WHERE c.code = @code", new { code });
        return row is null ? null : Map(row);
    }

    /// <summary>Every cohort, the newest start first (then by code).</summary>
    public static async Task<IReadOnlyList<StoredCohort>> AllAsync(DbSession s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<Row>(Select + " ORDER BY c.start_date DESC, c.code")).Select(Map).ToList();
    }

    private static readonly DialectSql GroupsById = new(d =>
        $"SELECT id AS Id, cohort_id AS CohortId, code AS Code, language AS Language FROM study_groups WHERE {d.InList("id", "ids")}");

    /// <summary>Study groups by id (those that exist): their cohort, code and the language their chats speak, if set.</summary>
    public static async Task<IReadOnlyDictionary<long, StudyGroupRef>> StudyGroupsAsync(DbSession s, IReadOnlyCollection<long> groupIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(groupIds);
        if (groupIds.Count == 0) return new Dictionary<long, StudyGroupRef>();
        return (await s.QueryAsync<StudyGroupRef>(GroupsById[s.Dialect], new { ids = SqlList.Of(groupIds) })).ToDictionary(g => g.Id);
    }

    /// <summary>
    /// The study groups whose code is <paramref name="code"/> (ignoring case), in the cohort coded
    /// <paramref name="cohortCode"/> when given, newest cohort first: group codes repeat across cohorts.
    /// </summary>
    public static async Task<IReadOnlyList<NamedStudyGroup>> FindGroupsByCodeAsync(DbSession s, string code, string? cohortCode = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<NamedStudyGroup>(
            """
            SELECT g.id AS Id, g.code AS Code, g.name AS Name, c.code AS CohortCode, c.name AS CohortName FROM study_groups g
            JOIN cohorts c ON c.id = g.cohort_id
            WHERE LOWER(g.code) = LOWER(@code) AND (@cohortCode IS NULL OR c.code = @cohortCode)
            ORDER BY c.start_date DESC, c.id DESC
            """, new { code, cohortCode })).ToList();
    }

    private static StoredCohort Map(Row r)
    {
        static TimeOnly T(string s) => LocalTimes.Parse(s);
        var schedule = new DailySchedule(T(r.LessonTime), T(r.CheckinOpen), T(r.CheckinClose), T(r.QuizTime));
        if (r.ReminderTime is not null) schedule = schedule with { Reminder = T(r.ReminderTime) };
        if (r.DigestTime is not null) schedule = schedule with { Digest = T(r.DigestTime) };
        if (r.WeeklyDigestDay is not null) schedule = schedule with { WeeklyDigestDay = Enum.Parse<DayOfWeek>(r.WeeklyDigestDay, ignoreCase: true) };
        if (r.WeeklyDigestTime is not null) schedule = schedule with { WeeklyDigestTime = T(r.WeeklyDigestTime) };
        var cohort = new Cohort(r.Code, StoredJson.Deserialize<LocalizedText>(r.Name), r.CourseCode,
            DateOnly.ParseExact(r.StartDate, "yyyy-MM-dd", CultureInfo.InvariantCulture), r.TimeZone, r.Language,
            schedule,
            (int)r.QuizQuestions, r.SkipWeekends != 0,
            StoredJson.Deserialize<List<string>>(r.Holidays).Select(h => DateOnly.ParseExact(h, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList(),
            []);
        return new StoredCohort(r.Id, r.CourseId, (int)r.LessonCount, cohort);
    }

    /// <summary>Every cohort's id, in order.</summary>
    public static async Task<IReadOnlyList<long>> AllIdsAsync(DbSession s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<long>("SELECT id FROM cohorts ORDER BY id")).ToList();
    }

    /// <summary>Whether there is a cohort with this id (a button's data may name one that is not).</summary>
    public static async Task<bool> ExistsAsync(DbSession s, long cohortId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM cohorts WHERE id = @cohortId", new { cohortId }) > 0;
    }

    /// <summary>The credit minutes of a lesson of the cohort's course; null when the course has no such lesson.</summary>
    public static Task<long?> LessonCreditMinutesAsync(DbSession s, long cohortId, long lessonId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.QuerySingleOrDefaultAsync<long?>(
            """
            SELECT l.credit_minutes FROM lessons l JOIN cohorts c ON c.course_id = l.course_id
            WHERE l.id = @lessonId AND c.id = @cohortId
            """, new { lessonId, cohortId });
    }
}
