using Academy.Learning.Model;
using Academy.Learning.Storage;

namespace Academy.Learning.Record;

/// <summary>What was delivered: the day's lesson, a check-in prompt or one quiz question.</summary>
public enum DeliveryKind { Lesson, CheckIn, Question }

/// <summary>
/// A delivery to a group (<see cref="GroupId"/>) or to one learner (<see cref="LearnerId"/>).
/// <see cref="Key"/> is its idempotency key: recording the same key twice yields the same delivery.
/// </summary>
public sealed record Delivery(string Key, long CohortId, long? GroupId, long? LearnerId, int Day, DeliveryKind Kind,
    long? LessonId = null, long? QuestionId = null);

/// <summary>Points and credit minutes awarded for each kind of activity.</summary>
public sealed record ScoringRules(int CheckInPoints = 5, int CorrectAnswerPoints = 10, int WrongAnswerPoints = 2);

public enum AnswerStatus
{
    /// <summary>First answer of this learner to this delivery: counted.</summary>
    Recorded,
    /// <summary>The learner had already answered this delivery; the first answer stands.</summary>
    AlreadyAnswered,
    /// <summary>The learner is not enrolled in the delivery's cohort.</summary>
    NotEnrolled,
    /// <summary>The delivery is unknown or not a question.</summary>
    UnknownDelivery,
}

/// <summary>The result of an answer: whether it counted, whether it was right, and what to show.</summary>
/// <param name="CohortId">For a recorded answer, the delivery's cohort, where it earned its credit; else 0.</param>
public sealed record AnswerOutcome(AnswerStatus Status, bool Correct, Question? Question, long CohortId = 0);

public enum CheckInStatus { Recorded, AlreadyCheckedIn, NotOpenYet, Closed, NoProgrammeToday, NotEnrolled }

/// <summary>The result of a check-in attempt, with the learner's streak after it.</summary>
public sealed record CheckInOutcome(CheckInStatus Status, int Day, int Streak);

/// <summary>A learner's standing in a cohort, as <c>/me</c> shows it.</summary>
public sealed record Progress(
    int DaysElapsed, int LessonsDelivered, int LessonsRead, int RequiredLessons, int RequiredLessonsRead,
    int QuestionsAnswered, int QuestionsCorrect, int CheckIns, int CurrentStreak, int BestStreak,
    long Points, long CreditMinutes)
{
    /// <summary>Share of answered questions that were right, 0–1 (0 when nothing was answered).</summary>
    public double Accuracy => QuestionsAnswered == 0 ? 0 : (double)QuestionsCorrect / QuestionsAnswered;
}

/// <summary>
/// The per-learner record: deliveries, answers, check-ins, lesson reads and the points and
/// credit-minute ledger. Every write goes through the caller's <see cref="DbSession"/>, so what it
/// causes (replies in the outbox) commits with it. "Once" is enforced by unique keys.
/// </summary>
public sealed class LearnerRecord(TimeProvider time, ScoringRules? rules = null)
{
    private readonly ScoringRules _rules = rules ?? new ScoringRules();

    /// <summary>Records a delivery, or finds the one already recorded under the same key. Returns its id.</summary>
    public async Task<long> RecordDeliveryAsync(DbSession s, Delivery d)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(d);
        // DO UPDATE (a no-op) rather than DO NOTHING so RETURNING yields the id on both paths.
        return await s.ExecuteScalarAsync<long>(
            """
            INSERT INTO deliveries (idem_key, cohort_id, group_id, learner_id, day, kind, lesson_id, question_id, delivered_at)
            VALUES (@Key, @CohortId, @GroupId, @LearnerId, @Day, @kind, @LessonId, @QuestionId, @now)
            ON CONFLICT (idem_key) DO UPDATE SET idem_key = excluded.idem_key
            RETURNING id
            """,
            new { d.Key, d.CohortId, d.GroupId, d.LearnerId, d.Day, kind = d.Kind.ToString(), d.LessonId, d.QuestionId, now = Now() });
    }

    /// <summary>Records a learner's answer to a question delivery: once, whatever is re-delivered.</summary>
    public async Task<AnswerOutcome> RecordAnswerAsync(DbSession s, long deliveryId, long learnerId, Response response)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(response);
        var d = await s.QuerySingleOrDefaultAsync<DeliveryRow>(
            "SELECT cohort_id AS CohortId, question_id AS QuestionId, kind FROM deliveries WHERE id = @deliveryId", new { deliveryId });
        if (d is not { Kind: nameof(DeliveryKind.Question), QuestionId: { } questionId })
            return new AnswerOutcome(AnswerStatus.UnknownDelivery, false, null);
        var question = await ContentStore.GetQuestionAsync(s, questionId);
        if (question is null) return new AnswerOutcome(AnswerStatus.UnknownDelivery, false, null);
        if (!await IsEnrolledAsync(s, d.CohortId, learnerId)) return new AnswerOutcome(AnswerStatus.NotEnrolled, false, question);

        var grade = question.Grade(response);
        var now = Now();
        var answerId = await s.QuerySingleOrDefaultAsync<long?>(
            """
            INSERT INTO answers (delivery_id, learner_id, cohort_id, question_id, response, correct, answered_at)
            VALUES (@deliveryId, @learnerId, @CohortId, @questionId, @response, @correct, @now)
            ON CONFLICT (delivery_id, learner_id) DO NOTHING
            RETURNING id
            """,
            new { deliveryId, learnerId, d.CohortId, questionId, response = response.Encode(), correct = grade.Correct ? 1 : 0, now });
        if (answerId is null)
        {
            var first = await s.ExecuteScalarAsync<long>(
                "SELECT correct FROM answers WHERE delivery_id = @deliveryId AND learner_id = @learnerId", new { deliveryId, learnerId });
            return new AnswerOutcome(AnswerStatus.AlreadyAnswered, first != 0, question);
        }
        var points = grade.Correct ? _rules.CorrectAnswerPoints : _rules.WrongAnswerPoints;
        var cohort = await CohortStore.GetAsync(s, d.CohortId);
        await AwardAsync(s, learnerId, d.CohortId, LocalDateIn(cohort), $"answer/{deliveryId}", "answer", points, 0);
        return new AnswerOutcome(AnswerStatus.Recorded, grade.Correct, question, d.CohortId);
    }

    /// <summary>Checks a learner in for today's programme day, inside the cohort's check-in window.</summary>
    public async Task<CheckInOutcome> CheckInAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        // The cohort id comes from a button's data: a stale or forged press names a cohort that is not
        // there, which is the presser's problem (not enrolled), not a failure of the update.
        if (await CohortStore.GetAsync(s, cohortId) is not { } cohort || !await IsEnrolledAsync(s, cohortId, learnerId))
            return new CheckInOutcome(CheckInStatus.NotEnrolled, 0, 0);
        var calendar = cohort.Calendar;
        var now = time.GetUtcNow();
        var today = calendar.LocalDate(now);
        if (calendar.DayNumber(today) is not { } day) return new CheckInOutcome(CheckInStatus.NoProgrammeToday, 0, 0);
        if (now < calendar.At(today, cohort.Cohort.Schedule.CheckInOpen)) return new CheckInOutcome(CheckInStatus.NotOpenYet, day, 0);
        if (now >= calendar.At(today, cohort.Cohort.Schedule.CheckInClose)) return new CheckInOutcome(CheckInStatus.Closed, day, 0);

        var inserted = await s.ExecuteAsync(
            """
            INSERT INTO checkins (cohort_id, learner_id, day, local_date, checked_in_at)
            VALUES (@cohortId, @learnerId, @day, @date, @at)
            ON CONFLICT (cohort_id, learner_id, day) DO NOTHING
            """,
            new { cohortId, learnerId, day, date = IsoDate(today), at = now.ToUnixTimeMilliseconds() });
        if (inserted > 0)
            await AwardAsync(s, learnerId, cohortId, IsoDate(today), $"checkin/{day}", "checkin", _rules.CheckInPoints, 0);
        var days = await s.QueryAsync<long>(
            "SELECT day FROM checkins WHERE cohort_id = @cohortId AND learner_id = @learnerId", new { cohortId, learnerId });
        var (streak, _) = Streaks.Compute(days.Select(x => (int)x), day);
        return new CheckInOutcome(inserted > 0 ? CheckInStatus.Recorded : CheckInStatus.AlreadyCheckedIn, day, streak);
    }

    /// <summary>Marks a lesson as studied and credits its minutes, once.</summary>
    /// <returns>True when this call recorded it.</returns>
    public async Task<bool> MarkLessonReadAsync(DbSession s, long cohortId, long learnerId, long lessonId)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (!await IsEnrolledAsync(s, cohortId, learnerId)) return false;
        var minutes = await s.QuerySingleOrDefaultAsync<long?>(
            """
            SELECT l.credit_minutes FROM lessons l JOIN cohorts c ON c.course_id = l.course_id
            WHERE l.id = @lessonId AND c.id = @cohortId
            """, new { lessonId, cohortId });
        if (minutes is null) return false;
        var inserted = await s.ExecuteAsync(
            """
            INSERT INTO lesson_reads (cohort_id, learner_id, lesson_id, read_at) VALUES (@cohortId, @learnerId, @lessonId, @now)
            ON CONFLICT (cohort_id, learner_id, lesson_id) DO NOTHING
            """, new { cohortId, learnerId, lessonId, now = Now() });
        if (inserted > 0)
            await AwardAsync(s, learnerId, cohortId, LocalDateIn(await CohortStore.GetAsync(s, cohortId)), $"lesson/{lessonId}", "lesson", 0, minutes.Value);
        return inserted > 0;
    }

    /// <summary>The learner's progress in a cohort as of now.</summary>
    public async Task<Progress> GetProgressAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var cohort = await CohortStore.GetAsync(s, cohortId) ?? throw new ArgumentException($"No cohort {cohortId}.", nameof(cohortId));
        var calendar = cohort.Calendar;
        var elapsed = calendar.DaysElapsed(calendar.LocalDate(time.GetUtcNow()));
        var p = new { cohortId, learnerId, courseId = cohort.CourseId };
        var groupId = await s.QuerySingleOrDefaultAsync<long?>(
            "SELECT group_id FROM enrollments WHERE cohort_id = @cohortId AND learner_id = @learnerId", p);
        var delivered = await s.ExecuteScalarAsync<long>(
            """
            SELECT COUNT(DISTINCT lesson_id) FROM deliveries
            WHERE cohort_id = @cohortId AND kind = 'Lesson' AND (learner_id = @learnerId OR (group_id = @groupId AND learner_id IS NULL))
            """, new { cohortId, learnerId, groupId });
        var required = await s.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM lessons WHERE course_id = @courseId AND retired = 0 AND required = 1", p);
        var reads = await s.QuerySingleAsync<(long All, long Required)>(
            """
            SELECT COUNT(*), CAST(COALESCE(SUM(l.required), 0) AS BIGINT) FROM lesson_reads r JOIN lessons l ON l.id = r.lesson_id
            WHERE r.cohort_id = @cohortId AND r.learner_id = @learnerId
            """, p);
        var answers = await s.QuerySingleAsync<(long Answered, long Correct)>(
            "SELECT COUNT(*), CAST(COALESCE(SUM(correct), 0) AS BIGINT) FROM answers WHERE cohort_id = @cohortId AND learner_id = @learnerId", p);
        var days = (await s.QueryAsync<long>(
            "SELECT day FROM checkins WHERE cohort_id = @cohortId AND learner_id = @learnerId", p)).Select(d => (int)d).ToList();
        var ledger = await s.QuerySingleAsync<(long Points, long Minutes)>(
            """
            SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT), CAST(COALESCE(SUM(credit_minutes), 0) AS BIGINT) FROM ledger
            WHERE cohort_id = @cohortId AND learner_id = @learnerId
            """, p);
        var (current, best) = Streaks.Compute(days, elapsed);
        return new Progress(elapsed, (int)delivered, (int)reads.All, (int)required, (int)reads.Required,
            (int)answers.Answered, (int)answers.Correct, days.Count, current, best, ledger.Points, ledger.Minutes);
    }

    private sealed class DeliveryRow
    {
        public long CohortId { get; init; }
        public long? QuestionId { get; init; }
        public string Kind { get; init; } = "";
    }

    private static async Task<bool> IsEnrolledAsync(DbSession s, long cohortId, long learnerId) =>
        await s.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM enrollments WHERE cohort_id = @cohortId AND learner_id = @learnerId", new { cohortId, learnerId }) > 0;

    /// <summary>
    /// Credits points and minutes for something done in the cohort (an exam, a survey), once per
    /// <paramref name="sourceKey"/>, dated by the cohort's local date today. Daily caps apply here.
    /// </summary>
    public async Task CreditAsync(DbSession s, long cohortId, long learnerId, string sourceKey, string kind, long points, long minutes)
    {
        ArgumentNullException.ThrowIfNull(s);
        await AwardAsync(s, learnerId, cohortId, LocalDateIn(await CohortStore.GetAsync(s, cohortId)), sourceKey, kind, points, minutes);
    }

    // localDate is the cohort's date of the award: daily caps count by it. The course's credit rule
    // for the kind may set the minutes (answers, check-ins, exams, surveys) and cap the day's total.
    private async Task AwardAsync(DbSession s, long learnerId, long cohortId, string localDate, string sourceKey, string kind, long points, long minutes)
    {
        var rule = (await CourseRulesStore.ForCohortAsync(s, cohortId)).Credit.For(kind);
        if (rule.Minutes is { } configured) minutes = configured;
        if (rule.DailyCap is { } cap && minutes > 0)
        {
            // Two awards on the same day must not both see room under the cap: a no-op update locks
            // the learner's enrollment row (PostgreSQL) until commit, so the second one waits and then
            // sums what the first wrote; SQLite write transactions are serialised already (BEGIN IMMEDIATE).
            await s.ExecuteAsync("UPDATE enrollments SET role = role WHERE cohort_id = @cohortId AND learner_id = @learnerId",
                new { cohortId, learnerId });
            var credited = await s.ExecuteScalarAsync<long>(
                """
                SELECT CAST(COALESCE(SUM(credit_minutes), 0) AS BIGINT) FROM ledger
                WHERE learner_id = @learnerId AND cohort_id = @cohortId AND local_date = @localDate AND kind = @kind
                """, new { learnerId, cohortId, localDate, kind });
            minutes = Math.Clamp(cap - credited, 0, minutes);
        }
        await s.ExecuteAsync(
            """
            INSERT INTO ledger (learner_id, cohort_id, source_key, kind, points, credit_minutes, local_date, at)
            VALUES (@learnerId, @cohortId, @sourceKey, @kind, @points, @minutes, @localDate, @now)
            ON CONFLICT (learner_id, source_key) DO NOTHING
            """, new { learnerId, cohortId, sourceKey, kind, points, minutes, localDate, now = Now() });
    }

    private string LocalDateIn(StoredCohort? cohort) => cohort is null ? "" : IsoDate(cohort.Calendar.LocalDate(time.GetUtcNow()));

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string IsoDate(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
