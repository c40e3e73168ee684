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

/// <summary>Reads cohorts back from the store.</summary>
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

/// <summary>A question of a course's bank with its database id.</summary>
public sealed record BankQuestion(long Id, bool Retired, Question Question);

/// <summary>Reads course content back from the store.</summary>
public static class ContentStore
{
    private sealed class QuestionRow
    {
        public long Id { get; init; }
        public string Code { get; init; } = "";
        public string Topic { get; init; } = "";
        public string Type { get; init; } = "";
        public string Difficulty { get; init; } = "";
        public string Payload { get; init; } = "";
        public long Retired { get; init; }

        public Question ToQuestion()
        {
            var p = StoredJson.Deserialize<QuestionPayload>(Payload);
            return new Question(Code, Topic, Enum.Parse<QuestionType>(Type), Enum.Parse<Difficulty>(Difficulty),
                p.Text, p.Options, p.Correct, p.Accepted, p.Explanation);
        }
    }

    /// <summary>A course's whole question bank, retired questions included (answers still point at them), by id.</summary>
    public static async Task<IReadOnlyList<BankQuestion>> QuestionBankAsync(DbSession s, long courseId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var rows = await s.QueryAsync<QuestionRow>(
            "SELECT id, code, topic, type, difficulty, payload, retired FROM questions WHERE course_id = @courseId ORDER BY id", new { courseId });
        return rows.Select(r => new BankQuestion(r.Id, r.Retired != 0, r.ToQuestion())).ToList();
    }

    /// <summary>A course's lesson for a programme day, with its database id, or null.</summary>
    public static async Task<(long Id, Lesson Lesson)?> GetLessonAsync(DbSession s, long courseId, int day)
    {
        ArgumentNullException.ThrowIfNull(s);
        var row = await s.QuerySingleOrDefaultAsync<LessonRow>(
            "SELECT id, day, required, credit_minutes, topics, payload FROM lessons WHERE course_id = @courseId AND day = @day AND retired = 0",
            new { courseId, day });
        if (row is null) return null;
        var p = StoredJson.Deserialize<LessonPayload>(row.Payload);
        return (row.Id, new Lesson((int)row.Day, p.Title, row.Required != 0, (int)row.CreditMinutes,
            StoredJson.Deserialize<List<string>>(row.Topics), p.Body, p.Discussion, p.Media));
    }

    private sealed class LessonRow
    {
        public long Id { get; init; }
        public long Day { get; init; }
        public long Required { get; init; }
        public long CreditMinutes { get; init; }
        public string Topics { get; init; } = "";
        public string Payload { get; init; } = "";
    }

    /// <summary>A question by its database id, or null.</summary>
    public static async Task<Question?> GetQuestionAsync(DbSession s, long questionId) =>
        (await GetQuestionsAsync(s, [questionId])).GetValueOrDefault(questionId);

    /// <summary>Questions by their database ids (those that exist).</summary>
    public static async Task<IReadOnlyDictionary<long, Question>> GetQuestionsAsync(DbSession s, IReadOnlyCollection<long> questionIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (questionIds.Count == 0) return new Dictionary<long, Question>();
        var rows = await s.QueryAsync<QuestionRow>(
            "SELECT id, code, topic, type, difficulty, payload, retired FROM questions WHERE id IN @ids", new { ids = SqlList.Of(questionIds) });
        return rows.ToDictionary(r => r.Id, r => r.ToQuestion());
    }
}
