using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Learning.Daily;

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
    /// <summary>The delivery went to another group (or another learner) of the cohort: not theirs to answer.</summary>
    NotYours,
    /// <summary>The response names options the question does not have (a forged press): nothing recorded.</summary>
    InvalidResponse,
}

/// <summary>The result of an answer: whether it counted, whether it was right, and what to show.</summary>
/// <param name="CohortId">For a recorded answer, the delivery's cohort, where it earned its credit; else 0.</param>
public sealed record AnswerOutcome(AnswerStatus Status, bool Correct, Question? Question, long CohortId = 0);

/// <summary>A learner's response to a question delivery, as <see cref="LearnerRecord.RecordAnswersAsync"/> takes many at once.</summary>
public sealed record AnswerRequest(long DeliveryId, long LearnerId, Response Response);

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
        ArgumentNullException.ThrowIfNull(response);
        return (await RecordAnswersAsync(s, [new AnswerRequest(deliveryId, learnerId, response)]))[0];
    }

    /// <summary>
    /// Records many answers at once (a batch of inbound updates), each with the outcome it would have
    /// had alone, in order: a learner's first answer to a delivery counts, once, whether the earlier one
    /// came in this batch or before it. A handful of set-wise statements serve the whole batch, where
    /// one answer at a time took a dozen each.
    /// </summary>
    public async Task<IReadOnlyList<AnswerOutcome>> RecordAnswersAsync(DbSession s, IReadOnlyList<AnswerRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(requests);
        var outcomes = new AnswerOutcome[requests.Count];
        if (requests.Count == 0) return outcomes;
        var deliveryIds = requests.Select(r => r.DeliveryId).Distinct().ToList();
        var deliveries = (await s.QueryAsync<DeliveryRow>(
            """
            SELECT id, cohort_id AS CohortId, group_id AS GroupId, learner_id AS LearnerId, question_id AS QuestionId, kind
            FROM deliveries WHERE id IN @deliveryIds
            """, new { deliveryIds = SqlList.Of(deliveryIds) }))
            .ToDictionary(d => d.Id);
        var questions = await ContentStore.GetQuestionsAsync(s,
            deliveries.Values.Where(d => d.Kind == nameof(DeliveryKind.Question) && d.QuestionId is not null).Select(d => d.QuestionId!.Value).Distinct().ToList());
        var learnerIds = requests.Select(r => r.LearnerId).Distinct().ToList();
        var enrolled = await DeliveryAccess.EnrollmentsAsync(s, learnerIds);

        // The answers to write: a learner's second answer to a delivery within the batch is not one of them.
        var toWrite = new List<(int Index, DeliveryRow Delivery, Question Question, Grade Grade)>();
        var first = new Dictionary<(long DeliveryId, long LearnerId), int>();
        var repeats = new List<(int Index, int First)>();
        for (int i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            if (!deliveries.TryGetValue(r.DeliveryId, out var d) || d.Kind != nameof(DeliveryKind.Question) ||
                d.QuestionId is not { } questionId || !questions.TryGetValue(questionId, out var question))
                outcomes[i] = new AnswerOutcome(AnswerStatus.UnknownDelivery, false, null);
            else if (!enrolled.TryGetValue((d.CohortId, r.LearnerId), out var group))
                outcomes[i] = new AnswerOutcome(AnswerStatus.NotEnrolled, false, question);
            else if (DeliveryAccess.Check(d.Target, DeliveryKind.Question, r.LearnerId, true, group) != Access.Granted)
                outcomes[i] = new AnswerOutcome(AnswerStatus.NotYours, false, question);
            else if (!question.Accepts(r.Response))
                outcomes[i] = new AnswerOutcome(AnswerStatus.InvalidResponse, false, question);
            else if (first.TryGetValue((r.DeliveryId, r.LearnerId), out var earlier))
                repeats.Add((i, earlier));
            else
            {
                first[(r.DeliveryId, r.LearnerId)] = i;
                toWrite.Add((i, d, question, question.Grade(r.Response)));
            }
        }

        var now = Now();
        var inserted = (await MultiRow.InsertReturningAsync<(long DeliveryId, long LearnerId)>(s,
            "answers (delivery_id, learner_id, cohort_id, question_id, response, correct, answered_at)",
            toWrite.Select(w => new object?[]
            {
                w.Delivery.Id, requests[w.Index].LearnerId, w.Delivery.CohortId, w.Delivery.QuestionId, requests[w.Index].Response.Encode(),
                w.Grade.Correct ? 1L : 0L, now,
            }).ToList(),
            "ON CONFLICT (delivery_id, learner_id) DO NOTHING RETURNING delivery_id, learner_id")).ToHashSet();

        // Answered before this batch: the first answer stands, and the learner is told how it went.
        var before = toWrite.Where(w => !inserted.Contains((w.Delivery.Id, requests[w.Index].LearnerId))).ToList();
        var earlierCorrect = new Dictionary<(long, long), bool>();
        if (before.Count > 0)
        {
            var ds = before.Select(w => w.Delivery.Id).Distinct().ToList();
            var ls = before.Select(w => requests[w.Index].LearnerId).Distinct().ToList();
            foreach (var a in await s.QueryAsync<(long DeliveryId, long LearnerId, long Correct)>(
                         "SELECT delivery_id, learner_id, correct FROM answers WHERE delivery_id IN @ds AND learner_id IN @ls", new { ds = SqlList.Of(ds), ls = SqlList.Of(ls) }))
                earlierCorrect[(a.DeliveryId, a.LearnerId)] = a.Correct != 0;
        }

        var awards = new List<Award>();
        var localDates = new Dictionary<long, string>();
        foreach (var (index, d, question, grade) in toWrite)
        {
            var learnerId = requests[index].LearnerId;
            if (!inserted.Contains((d.Id, learnerId)))
            {
                outcomes[index] = new AnswerOutcome(AnswerStatus.AlreadyAnswered, earlierCorrect.GetValueOrDefault((d.Id, learnerId)), question);
                continue;
            }
            outcomes[index] = new AnswerOutcome(AnswerStatus.Recorded, grade.Correct, question, d.CohortId);
            if (!localDates.TryGetValue(d.CohortId, out var date))
                localDates[d.CohortId] = date = LocalDateIn(await CohortStore.GetAsync(s, d.CohortId));
            awards.Add(new Award(learnerId, d.CohortId, date, $"answer/{d.Id}", "answer",
                grade.Correct ? _rules.CorrectAnswerPoints : _rules.WrongAnswerPoints, null));
        }
        foreach (var (index, earlier) in repeats)
            outcomes[index] = outcomes[earlier] with { Status = AnswerStatus.AlreadyAnswered, CohortId = 0 };
        await AwardManyAsync(s, awards);
        return outcomes;
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
            await AwardAsync(s, learnerId, cohortId, IsoDate(today), $"checkin/{day}", "checkin", _rules.CheckInPoints, null);
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
        public long Id { get; init; }
        public long CohortId { get; init; }
        public long? GroupId { get; init; }
        public long? LearnerId { get; init; }
        public long? QuestionId { get; init; }
        public string Kind { get; init; } = "";

        public DeliveryTarget Target => new(Id, CohortId, GroupId, LearnerId, DeliveryKind.Question, null, QuestionId, null);
    }

    private static async Task<bool> IsEnrolledAsync(DbSession s, long cohortId, long learnerId) =>
        await s.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM enrollments WHERE cohort_id = @cohortId AND learner_id = @learnerId", new { cohortId, learnerId }) > 0;

    /// <summary>
    /// Credits points and minutes for something done in the cohort (an exam, a survey), once per
    /// <paramref name="sourceKey"/>, dated by the cohort's local date today. Daily caps apply here.
    /// </summary>
    /// <param name="minutes">What the thing itself is worth (an exam's credit_minutes); null: the course's credit rule for the kind, else 0.</param>
    public async Task CreditAsync(DbSession s, long cohortId, long learnerId, string sourceKey, string kind, long points, long? minutes)
    {
        ArgumentNullException.ThrowIfNull(s);
        await AwardAsync(s, learnerId, cohortId, LocalDateIn(await CohortStore.GetAsync(s, cohortId)), sourceKey, kind, points, minutes);
    }

    // Minutes: what the cause itself is worth (a lesson's or an exam's own figure); null when it brings none.
    private sealed record Award(long LearnerId, long CohortId, string LocalDate, string SourceKey, string Kind, long Points, long? Minutes);

    private Task AwardAsync(DbSession s, long learnerId, long cohortId, string localDate, string sourceKey, string kind, long points, long? minutes) =>
        AwardManyAsync(s, [new Award(learnerId, cohortId, localDate, sourceKey, kind, points, minutes)]);

    // An award's local date is the cohort's date of it: daily caps count by it. The course's credit rule
    // for the kind sets the minutes of what brings none of its own (answers, check-ins, surveys, an exam
    // without credit_minutes): the cause's own figure wins, the rule is the default. The rule may cap the day's total.
    // Awards are credited in order, each once per (learner, source key), as if one at a time.
    private async Task AwardManyAsync(DbSession s, IReadOnlyList<Award> awards)
    {
        if (awards.Count == 0) return;
        var rules = new Dictionary<long, CreditRules>();
        foreach (var cohortId in awards.Select(a => a.CohortId).Distinct())
            rules[cohortId] = (await CourseRulesStore.ForCohortAsync(s, cohortId)).Credit;

        // Already credited (a re-run), or twice in this batch: skipped, so they take no room under a cap.
        var learnerIds = awards.Select(a => a.LearnerId).Distinct().ToList();
        var keys = awards.Select(a => a.SourceKey).Distinct().ToList();
        var credited = (await s.QueryAsync<(long LearnerId, string SourceKey)>(
            "SELECT learner_id, source_key FROM ledger WHERE learner_id IN @learnerIds AND source_key IN @keys", new { learnerIds = SqlList.Of(learnerIds), keys = SqlList.Of(keys) })).ToHashSet();
        var fresh = new List<Award>();
        foreach (var a in awards)
            if (credited.Add((a.LearnerId, a.SourceKey)))
                fresh.Add(a with { Minutes = a.Minutes ?? rules[a.CohortId].For(a.Kind).Minutes ?? 0 });

        var capped = fresh.Where(a => a.Minutes > 0 && rules[a.CohortId].For(a.Kind).DailyCap is not null).ToList();
        var used = new Dictionary<(long LearnerId, long CohortId, string Kind, string LocalDate), long>();
        foreach (var cohort in capped.GroupBy(a => a.CohortId))
        {
            var cohortId = cohort.Key;
            var ids = cohort.Select(a => a.LearnerId).Distinct().Order().ToList();
            var kinds = cohort.Select(a => a.Kind).Distinct().ToList();
            var dates = cohort.Select(a => a.LocalDate).Distinct().ToList();
            // Two transactions crediting one learner on the same day must not both see room under the cap:
            // a no-op update locks the learners' enrollment rows (PostgreSQL) until commit, so the second
            // waits and then sums what the first wrote; SQLite write transactions are serialised already.
            await s.ExecuteAsync("UPDATE enrollments SET role = role WHERE cohort_id = @cohortId AND learner_id IN @ids", new { cohortId, ids = SqlList.Of(ids) });
            foreach (var row in await s.QueryAsync<(long LearnerId, string Kind, string LocalDate, long Minutes)>(
                         """
                         SELECT learner_id, kind, local_date, CAST(COALESCE(SUM(credit_minutes), 0) AS BIGINT) FROM ledger
                         WHERE cohort_id = @cohortId AND learner_id IN @ids AND kind IN @kinds AND local_date IN @dates
                         GROUP BY learner_id, kind, local_date
                         """, new { cohortId, ids = SqlList.Of(ids), kinds = SqlList.Of(kinds), dates = SqlList.Of(dates) }))
                used[(row.LearnerId, cohortId, row.Kind, row.LocalDate)] = row.Minutes;
        }
        var rows = new List<object?[]>(fresh.Count);
        var now = Now();
        foreach (var a in fresh)
        {
            var minutes = a.Minutes ?? 0;
            if (minutes > 0 && rules[a.CohortId].For(a.Kind).DailyCap is { } cap)
            {
                var key = (a.LearnerId, a.CohortId, a.Kind, a.LocalDate);
                minutes = Math.Clamp(cap - used.GetValueOrDefault(key), 0, minutes);
                used[key] = used.GetValueOrDefault(key) + minutes;
            }
            rows.Add([a.LearnerId, a.CohortId, a.SourceKey, a.Kind, a.Points, minutes, a.LocalDate, now]);
        }
        await MultiRow.InsertAsync(s, "ledger (learner_id, cohort_id, source_key, kind, points, credit_minutes, local_date, at)", rows,
            "ON CONFLICT (learner_id, source_key) DO NOTHING");
    }

    private string LocalDateIn(StoredCohort? cohort) => cohort is null ? "" : IsoDate(cohort.Calendar.LocalDate(time.GetUtcNow()));

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string IsoDate(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
