using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Credit;
using Academy.Learning.Statistics;
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
    private readonly Ledger _ledger = new(time);

    /// <summary>Records a delivery, or finds the one already recorded under the same key. Returns its id.</summary>
    public Task<long> RecordDeliveryAsync(DbSession s, Delivery d) => DeliveryStore.RecordAsync(s, d, Now());

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
        var deliveries = await DeliveryStore.FindForAnswersAsync(s, requests.Select(r => r.DeliveryId).Distinct().ToList());
        var questions = await ContentStore.GetQuestionsAsync(s,
            deliveries.Values.Where(d => d.Kind == DeliveryKind.Question && d.QuestionId is not null).Select(d => d.QuestionId!.Value).Distinct().ToList());
        var enrolled = await AudienceStore.EnrollmentsAsync(s, requests.Select(r => r.LearnerId).Distinct().ToList());

        // The answers to write: a learner's second answer to a delivery within the batch is not one of them.
        var toWrite = new List<(int Index, DeliveryTarget Delivery, Question Question, Grade Grade)>();
        var first = new Dictionary<(long DeliveryId, long LearnerId), int>();
        var repeats = new List<(int Index, int First)>();
        for (int i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            if (!deliveries.TryGetValue(r.DeliveryId, out var d) || d.Kind != DeliveryKind.Question ||
                d.QuestionId is not { } questionId || !questions.TryGetValue(questionId, out var question))
                outcomes[i] = new AnswerOutcome(AnswerStatus.UnknownDelivery, false, null);
            else if (!enrolled.TryGetValue((d.CohortId, r.LearnerId), out var group))
                outcomes[i] = new AnswerOutcome(AnswerStatus.NotEnrolled, false, question);
            else if (DeliveryAccess.Check(d, DeliveryKind.Question, r.LearnerId, true, group) != Access.Granted)
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

        var inserted = await DeliveryStore.RecordAnswersAsync(s, toWrite.Select(w => new DeliveryStore.NewAnswer(
            w.Delivery.Id, requests[w.Index].LearnerId, w.Delivery.CohortId, w.Delivery.QuestionId!.Value, requests[w.Index].Response.Encode(),
            w.Grade.Correct)).ToList(), Now());

        // Answered before this batch: the first answer stands, and the learner is told how it went.
        var before = toWrite.Where(w => !inserted.Contains((w.Delivery.Id, requests[w.Index].LearnerId))).ToList();
        var earlierCorrect = before.Count == 0 ? [] : await DeliveryStore.AnswersCorrectAsync(s,
            before.Select(w => w.Delivery.Id).Distinct().ToList(), before.Select(w => requests[w.Index].LearnerId).Distinct().ToList());

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
        await _ledger.AwardAsync(s, awards);
        return outcomes;
    }

    /// <summary>Checks a learner in for today's programme day, inside the cohort's check-in window.</summary>
    public async Task<CheckInOutcome> CheckInAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        // The cohort id comes from a button's data: a stale or forged press names a cohort that is not
        // there, which is the presser's problem (not enrolled), not a failure of the update.
        if (await CohortStore.GetAsync(s, cohortId) is not { } cohort || !await AudienceStore.IsEnrolledAsync(s, cohortId, learnerId))
            return new CheckInOutcome(CheckInStatus.NotEnrolled, 0, 0);
        var calendar = cohort.Calendar;
        var now = time.GetUtcNow();
        var today = calendar.LocalDate(now);
        if (calendar.DayNumber(today) is not { } day) return new CheckInOutcome(CheckInStatus.NoProgrammeToday, 0, 0);
        if (now < calendar.At(today, cohort.Cohort.Schedule.CheckInOpen)) return new CheckInOutcome(CheckInStatus.NotOpenYet, day, 0);
        if (now >= calendar.At(today, cohort.Cohort.Schedule.CheckInClose)) return new CheckInOutcome(CheckInStatus.Closed, day, 0);

        var recorded = await CheckInStore.RecordCheckInAsync(s, cohortId, learnerId, day, IsoDate(today), now.ToUnixTimeMilliseconds());
        if (recorded)
            await AwardAsync(s, learnerId, cohortId, IsoDate(today), $"checkin/{day}", "checkin", _rules.CheckInPoints, null);
        var (streak, _) = Streaks.Compute(await CheckInStore.CheckInDaysAsync(s, cohortId, learnerId), day);
        return new CheckInOutcome(recorded ? CheckInStatus.Recorded : CheckInStatus.AlreadyCheckedIn, day, streak);
    }

    /// <summary>Marks a lesson as studied and credits its minutes, once.</summary>
    /// <returns>True when this call recorded it.</returns>
    public async Task<bool> MarkLessonReadAsync(DbSession s, long cohortId, long learnerId, long lessonId)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (!await AudienceStore.IsEnrolledAsync(s, cohortId, learnerId)) return false;
        if (await CohortStore.LessonCreditMinutesAsync(s, cohortId, lessonId) is not { } minutes) return false;
        var recorded = await DeliveryStore.RecordLessonReadAsync(s, cohortId, learnerId, lessonId, Now());
        if (recorded)
            await AwardAsync(s, learnerId, cohortId, LocalDateIn(await CohortStore.GetAsync(s, cohortId)), $"lesson/{lessonId}", "lesson", 0, minutes);
        return recorded;
    }

    /// <summary>The learner's progress in a cohort as of now.</summary>
    public async Task<Progress> GetProgressAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var cohort = await CohortStore.GetAsync(s, cohortId) ?? throw new ArgumentException($"No cohort {cohortId}.", nameof(cohortId));
        var calendar = cohort.Calendar;
        var elapsed = calendar.DaysElapsed(calendar.LocalDate(time.GetUtcNow()));
        var counts = await StatisticsStore.LearnerCountsAsync(s, cohortId, cohort.CourseId, learnerId);
        var days = await CheckInStore.CheckInDaysAsync(s, cohortId, learnerId);
        var (current, best) = Streaks.Compute(days, elapsed);
        return new Progress(elapsed, (int)counts.LessonsDelivered, (int)counts.LessonsRead, (int)counts.RequiredLessons, (int)counts.RequiredLessonsRead,
            (int)counts.QuestionsAnswered, (int)counts.QuestionsCorrect, days.Count, current, best, counts.Points, counts.CreditMinutes);
    }

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

    private Task AwardAsync(DbSession s, long learnerId, long cohortId, string localDate, string sourceKey, string kind, long points, long? minutes) =>
        _ledger.AwardAsync(s, [new Award(learnerId, cohortId, localDate, sourceKey, kind, points, minutes)]);

    private string LocalDateIn(StoredCohort? cohort) => cohort is null ? "" : IsoDate(cohort.Calendar.LocalDate(time.GetUtcNow()));

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string IsoDate(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
