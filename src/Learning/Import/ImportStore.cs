using System.Globalization;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Surveys;

namespace Academy.Learning.Import;

/// <summary>
/// The importer's statements: what is known already (to check the files' references against) and
/// the writes of courses and their content, cohorts and their groups, learners and their enrollments.
/// </summary>
internal static class ImportStore
{
    /// <summary>A stored row's id and content hash: unchanged content is not written again.</summary>
    internal sealed class Keyed
    {
        public long Id { get; init; }
        public string Hash { get; init; } = "";
    }

    // ---- What is known, for the reference checks

    public static async Task<HashSet<string>> CourseCodesAsync(DbSession s) =>
        (await s.QueryAsync<string>("SELECT code FROM courses")).ToHashSet();

    /// <summary>Every cohort's code with each of its group codes (one row with a null group for a cohort without groups).</summary>
    public static Task<IEnumerable<(string Cohort, string? Group)>> CohortGroupCodesAsync(DbSession s) =>
        s.QueryAsync<(string Cohort, string? Group)>("SELECT c.code, g.code FROM cohorts c LEFT JOIN study_groups g ON g.cohort_id = c.id");

    /// <summary>The learners who have an e-mail, with it in lower case.</summary>
    public static Task<IEnumerable<(string Phone, string Name, string Email)>> LearnersWithEmailAsync(DbSession s) =>
        s.QueryAsync<(string Phone, string Name, string Email)>("SELECT phone, name, LOWER(email) FROM learners WHERE email IS NOT NULL");

    // ---- Courses

    public static Task<Keyed?> FindCourseAsync(DbSession s, string code) =>
        s.QuerySingleOrDefaultAsync<Keyed>("SELECT id, content_hash AS Hash FROM courses WHERE code = @code", new { code });

    public static Task<long> InsertCourseAsync(DbSession s, Course course, string hash, long now) =>
        s.ExecuteScalarAsync<long>(
            """
            INSERT INTO courses (code, title, description, topics, content_hash, updated_at)
            VALUES (@Code, @Title, @Description, @Topics, @Hash, @Now) RETURNING id
            """, CourseRow(course, hash, now));

    public static Task UpdateCourseAsync(DbSession s, Course course, string hash, long now) =>
        s.ExecuteAsync(
            """
            UPDATE courses SET title = @Title, description = @Description, topics = @Topics,
                content_hash = @Hash, updated_at = @Now WHERE code = @Code
            """, CourseRow(course, hash, now));

    private static object CourseRow(Course course, string hash, long now) => new
    {
        course.Code,
        Title = StoredJson.Serialize(course.Title),
        Description = course.Description is null ? null : StoredJson.Serialize(course.Description),
        Topics = StoredJson.Serialize(course.Topics),
        Hash = hash,
        Now = now,
    };

    public static Task<string?> CourseRulesHashAsync(DbSession s, long courseId) =>
        s.QuerySingleOrDefaultAsync<string?>("SELECT content_hash FROM course_rules WHERE course_id = @courseId", new { courseId });

    public static Task UpsertCourseRulesAsync(DbSession s, long courseId, CourseRules rules, string hash) =>
        s.ExecuteAsync(
            """
            INSERT INTO course_rules (course_id, credit, completion, content_hash) VALUES (@courseId, @credit, @completion, @hash)
            ON CONFLICT (course_id) DO UPDATE SET credit = excluded.credit, completion = excluded.completion, content_hash = excluded.content_hash
            """, new { courseId, credit = StoredJson.Serialize(rules.Credit), completion = StoredJson.Serialize(rules.Completion), hash });

    // ---- A course's keyed content: rows are never deleted (answers and deliveries point at them), only retired

    public static readonly SyncedTable<Lesson> Lessons = new(
        "SELECT day AS key, id, content_hash AS hash, retired FROM lessons WHERE course_id = @courseId",
        """
        INSERT INTO lessons (course_id, day, required, credit_minutes, topics, payload, content_hash, retired)
        VALUES (@courseId, @Day, @Required, @CreditMinutes, @Topics, @Payload, @Hash, 0)
        """,
        """
        UPDATE lessons SET required = @Required, credit_minutes = @CreditMinutes, topics = @Topics,
            payload = @Payload, content_hash = @Hash, retired = 0 WHERE course_id = @courseId AND day = @Day
        """,
        "UPDATE lessons SET retired = 1 WHERE id = @id",
        (courseId, l, h) => new
        {
            courseId, l.Day, Required = l.Required ? 1 : 0, l.CreditMinutes, Topics = StoredJson.Serialize(l.Topics),
            Payload = StoredJson.Serialize(new LessonPayload(l.Title, l.Body, l.Discussion, l.Media)), Hash = h,
        });

    public static readonly SyncedTable<Question> Questions = new(
        "SELECT code AS key, id, content_hash AS hash, retired FROM questions WHERE course_id = @courseId",
        """
        INSERT INTO questions (course_id, code, topic, type, difficulty, payload, content_hash, retired)
        VALUES (@courseId, @Code, @Topic, @Type, @Difficulty, @Payload, @Hash, 0)
        """,
        """
        UPDATE questions SET topic = @Topic, type = @Type, difficulty = @Difficulty, payload = @Payload,
            content_hash = @Hash, retired = 0 WHERE course_id = @courseId AND code = @Code
        """,
        "UPDATE questions SET retired = 1 WHERE id = @id",
        (courseId, q, h) => new
        {
            courseId, Code = q.Id, q.Topic, Type = q.Type.ToString(), Difficulty = q.Difficulty.ToString(),
            Payload = StoredJson.Serialize(new QuestionPayload(q.Text, q.Options, q.Correct, q.Accepted, q.Explanation)), Hash = h,
        });

    public static readonly SyncedTable<ExamDefinition> Exams = new(
        "SELECT code AS key, id, content_hash AS hash, retired FROM exams WHERE course_id = @courseId",
        """
        INSERT INTO exams (course_id, code, kind, pass_mark, attempts_allowed, counts, definition, content_hash, retired)
        VALUES (@courseId, @Code, @Kind, @PassMark, @Attempts, @Counts, @Definition, @Hash, 0)
        """,
        """
        UPDATE exams SET kind = @Kind, pass_mark = @PassMark, attempts_allowed = @Attempts, counts = @Counts,
            definition = @Definition, content_hash = @Hash, retired = 0 WHERE course_id = @courseId AND code = @Code
        """,
        "UPDATE exams SET retired = 1 WHERE id = @id",
        (courseId, e, h) => new
        {
            // 0: no limit (the column is informative; the definition is what is read back).
            courseId, e.Code, Kind = ExamDefinition.KindName(e.Kind), e.PassMark, Attempts = e.Attempts ?? 0,
            Counts = ExamDefinition.CountsName(e.Counts), Definition = StoredJson.Serialize(e), Hash = h,
        });

    // Surveys are upserted by (course, code); one the pack no longer has is retired, keeping its responses.
    public static readonly SyncedTable<SurveyDefinition> Surveys = new(
        "SELECT code AS key, id, content_hash AS hash, retired FROM surveys WHERE course_id = @courseId",
        """
        INSERT INTO surveys (course_id, code, anonymous, definition, content_hash, retired)
        VALUES (@courseId, @Code, @Anonymous, @Definition, @Hash, 0)
        """,
        """
        UPDATE surveys SET anonymous = @Anonymous, definition = @Definition, content_hash = @Hash, retired = 0
        WHERE course_id = @courseId AND code = @Code
        """,
        "UPDATE surveys SET retired = 1 WHERE id = @id",
        (courseId, x, h) => new { courseId, x.Code, Anonymous = x.Anonymous ? 1 : 0, Definition = StoredJson.Serialize(x), Hash = h });

    // ---- Cohorts and their groups

    public static Task<long> CourseIdAsync(DbSession s, string courseCode) =>
        s.ExecuteScalarAsync<long>("SELECT id FROM courses WHERE code = @courseCode", new { courseCode });

    public static Task<Keyed?> FindCohortAsync(DbSession s, string code) =>
        s.QuerySingleOrDefaultAsync<Keyed>("SELECT id, content_hash AS Hash FROM cohorts WHERE code = @code", new { code });

    public static Task<long> CohortIdAsync(DbSession s, string code) =>
        s.ExecuteScalarAsync<long>("SELECT id FROM cohorts WHERE code = @code", new { code });

    public static Task<long> InsertCohortAsync(DbSession s, Cohort cohort, long courseId, string hash) =>
        s.ExecuteScalarAsync<long>(
            """
            INSERT INTO cohorts (code, course_id, name, start_date, time_zone, language, lesson_time, checkin_open,
                checkin_close, quiz_time, reminder_time, digest_time, weekly_digest_day, weekly_digest_time,
                quiz_questions, skip_weekends, holidays, content_hash)
            VALUES (@Code, @courseId, @Name, @StartDate, @TimeZoneId, @Language, @Lesson, @Open, @Close, @Quiz,
                @Reminder, @Digest, @WeeklyDay, @WeeklyTime, @QuizQuestions, @SkipWeekends, @Holidays, @Hash) RETURNING id
            """, CohortRow(cohort, courseId, hash, id: 0));

    public static Task UpdateCohortAsync(DbSession s, long id, Cohort cohort, long courseId, string hash) =>
        s.ExecuteAsync(
            """
            UPDATE cohorts SET course_id = @courseId, name = @Name, start_date = @StartDate, time_zone = @TimeZoneId,
                language = @Language, lesson_time = @Lesson, checkin_open = @Open, checkin_close = @Close,
                quiz_time = @Quiz, reminder_time = @Reminder, digest_time = @Digest, weekly_digest_day = @WeeklyDay,
                weekly_digest_time = @WeeklyTime, quiz_questions = @QuizQuestions, skip_weekends = @SkipWeekends,
                holidays = @Holidays, content_hash = @Hash
            WHERE id = @Id
            """, CohortRow(cohort, courseId, hash, id));

    private static object CohortRow(Cohort cohort, long courseId, string hash, long id) => new
    {
        Id = id, cohort.Code, courseId, Name = StoredJson.Serialize(cohort.Name),
        StartDate = cohort.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        cohort.TimeZoneId, cohort.Language,
        Lesson = LocalTimes.Format(cohort.Schedule.Lesson),
        Open = LocalTimes.Format(cohort.Schedule.CheckInOpen),
        Close = LocalTimes.Format(cohort.Schedule.CheckInClose),
        Quiz = LocalTimes.Format(cohort.Schedule.Quiz),
        Reminder = LocalTimes.Format(cohort.Schedule.Reminder),
        Digest = LocalTimes.Format(cohort.Schedule.Digest),
        WeeklyDay = cohort.Schedule.WeeklyDigestDay.ToString().ToLowerInvariant(),
        WeeklyTime = LocalTimes.Format(cohort.Schedule.WeeklyDigestTime),
        cohort.QuizQuestions, SkipWeekends = cohort.SkipWeekends ? 1 : 0,
        Holidays = StoredJson.Serialize(cohort.Holidays.Select(h => h.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))),
        Hash = hash,
    };

    /// <summary>A cohort's study groups with their stored (JSON) names.</summary>
    public static async Task<IReadOnlyList<(long Id, string Code, string Name, string Language)>> GroupsOfCohortAsync(DbSession s, long cohortId) =>
        (await s.QueryAsync<(long Id, string Code, string Name, string Language)>(
            "SELECT id, code, name, language FROM study_groups WHERE cohort_id = @cohortId", new { cohortId })).ToList();

    public static Task InsertGroupAsync(DbSession s, long cohortId, string code, string name, string language) =>
        s.ExecuteAsync("INSERT INTO study_groups (cohort_id, code, name, language) VALUES (@cohortId, @code, @name, @language)",
            new { cohortId, code, name, language });

    public static Task UpdateGroupAsync(DbSession s, long id, string code, string name, string language) =>
        s.ExecuteAsync("UPDATE study_groups SET code = @code, name = @name, language = @language WHERE id = @id",
            new { code, name, language, id });

    // ---- Learners and enrollments

    /// <summary>A learner as the roster last gave them.</summary>
    internal sealed class LearnerRow
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public string? Language { get; init; }
        public string? Email { get; init; }
    }

    public static Task<LearnerRow?> FindLearnerAsync(DbSession s, string phone) =>
        s.QuerySingleOrDefaultAsync<LearnerRow>("SELECT id, name, language, email FROM learners WHERE phone = @phone", new { phone });

    public static Task<long> InsertLearnerAsync(DbSession s, RosterEntry entry, long now) =>
        s.ExecuteScalarAsync<long>(
            """
            INSERT INTO learners (phone, name, language, email, created_at) VALUES (@Phone, @Name, @Language, @Email, @now)
            ON CONFLICT (phone) DO UPDATE SET name = excluded.name RETURNING id
            """, new { entry.Phone, entry.Name, entry.Language, entry.Email, now });

    public static Task UpdateLearnerAsync(DbSession s, long learnerId, RosterEntry entry) =>
        s.ExecuteAsync("UPDATE learners SET name = @Name, language = @Language, email = @Email WHERE id = @learnerId",
            new { entry.Name, entry.Language, entry.Email, learnerId });

    /// <summary>An enrollment's group and role as stored.</summary>
    internal sealed class EnrollmentRow
    {
        public long? GroupId { get; init; }
        public string Role { get; init; } = "";
    }

    public static Task<EnrollmentRow?> FindEnrollmentAsync(DbSession s, long cohortId, long learnerId) =>
        s.QuerySingleOrDefaultAsync<EnrollmentRow>(
            "SELECT group_id, role FROM enrollments WHERE cohort_id = @cohortId AND learner_id = @learnerId", new { cohortId, learnerId });

    public static Task InsertEnrollmentAsync(DbSession s, long cohortId, long learnerId, long? groupId, string role, long now) =>
        s.ExecuteAsync(
            """
            INSERT INTO enrollments (cohort_id, learner_id, group_id, role, enrolled_at)
            VALUES (@cohortId, @learnerId, @groupId, @role, @now)
            """, new { cohortId, learnerId, groupId, role, now });

    public static Task UpdateEnrollmentAsync(DbSession s, long cohortId, long learnerId, long? groupId, string role) =>
        s.ExecuteAsync(
            "UPDATE enrollments SET group_id = @groupId, role = @role WHERE cohort_id = @cohortId AND learner_id = @learnerId",
            new { groupId, role, cohortId, learnerId });

    public static Task<IEnumerable<long>> EnrolledLearnersAsync(DbSession s, long cohortId) =>
        s.QueryAsync<long>("SELECT learner_id FROM enrollments WHERE cohort_id = @cohortId", new { cohortId });
}

/// <summary>A stored row of a course's keyed content: its key (a day, a code), id, content hash and whether it is retired.</summary>
internal sealed record SyncedRow(string Key, long Id, string Hash, bool Retired);

/// <summary>
/// The statements of one table of a course's keyed content (lessons by day, questions, exams and
/// surveys by code), with the row each item is written as.
/// </summary>
internal sealed class SyncedTable<T>(string select, string insert, string update, string retire, Func<long, T, string, object> toRow)
{
    /// <summary>The course's stored rows, by key.</summary>
    public async Task<Dictionary<string, SyncedRow>> ExistingAsync(DbSession s, long courseId) =>
        // Keys are days (integers) for lessons and codes (text) for the rest: read them untyped.
        (await s.QueryAsync<dynamic>(select, new { courseId }))
            .Cast<IDictionary<string, object>>()
            .Select(r => new SyncedRow(Convert.ToString(r["key"], CultureInfo.InvariantCulture)!,
                Convert.ToInt64(r["id"], CultureInfo.InvariantCulture), (string)r["hash"],
                Convert.ToInt64(r["retired"], CultureInfo.InvariantCulture) != 0))
            .ToDictionary(r => r.Key);

    public Task InsertAsync(DbSession s, long courseId, T item, string hash) => s.ExecuteAsync(insert, toRow(courseId, item, hash));

    /// <summary>Writes the item over its stored row, un-retiring it.</summary>
    public Task UpdateAsync(DbSession s, long courseId, T item, string hash) => s.ExecuteAsync(update, toRow(courseId, item, hash));

    public Task RetireAsync(DbSession s, long id) => s.ExecuteAsync(retire, new { id });
}
