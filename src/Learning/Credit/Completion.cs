using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Credit;

/// <summary>One exam the rule asks to pass, its title (null for a code the course does not have), and the learner's counted result there, if any.</summary>
public sealed record ExamCondition(string Code, CountedResult? Result, LocalizedText? Title = null)
{
    public bool Met => Result is { Passed: true };
}

/// <summary>One survey the rule asks to submit.</summary>
public sealed record SurveyCondition(string Code, LocalizedText? Title, bool Submitted);

/// <summary>Where a learner stands against the course's completion rule.</summary>
/// <param name="CompletedAt">Unix ms of the completion, once recorded.</param>
public sealed record CompletionStatus(
    int RequiredLessonsRead, int RequiredLessonsNeeded,
    IReadOnlyList<ExamCondition> Exams, IReadOnlyList<SurveyCondition> Surveys,
    long Minutes, int MinutesNeeded, long? CompletedAt)
{
    public bool LessonsMet => RequiredLessonsRead >= RequiredLessonsNeeded;

    public bool MinutesMet => Minutes >= MinutesNeeded;

    /// <summary>Every condition holds now (a recorded completion stays recorded even if content changes later).</summary>
    public bool AllMet => LessonsMet && MinutesMet && Exams.All(e => e.Met) && Surveys.All(x => x.Submitted);
}

/// <summary>
/// The course's completion rule (required lessons, post-test pass mark, survey, credit minutes).
/// Called, inside the caller's transaction, after anything that can complete a learner: a finished
/// exam, a submitted survey, a lesson read, and (set-wise, <see cref="CheckAfterCreditAsync"/>) the
/// minutes of quiz answers and check-ins. When the rule is met for the first time it asks
/// <see cref="Certificates"/> to issue the certificate.
/// </summary>
public sealed class Completion(Certificates certificates, ExamResults exams, TimeProvider time)
{
    /// <summary>
    /// Evaluates the rule for one learner; on first completion records it and issues the certificate.
    /// A learner already complete costs one key lookup.
    /// </summary>
    /// <returns>True when this call completed the learner.</returns>
    public async Task<bool> CheckAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (await LedgerStore.CompletedAtAsync(s, cohortId, learnerId) is not null) return false;
        var status = await EvaluateAsync(s, cohortId, learnerId);
        if (!status.AllMet) return false;
        // The key decides between two concurrent checks: only the one that inserts issues.
        if (!await LedgerStore.RecordCompletionAsync(s, cohortId, learnerId, time.GetUtcNow().ToUnixTimeMilliseconds())) return false;
        await certificates.IssueAsync(s, cohortId, learnerId);
        return true;
    }

    /// <summary>
    /// After credit minutes were recorded for <paramref name="learnerIds"/> in the cohort (quiz answers,
    /// check-ins, a batch of them at a time): completes, and issues the certificate to, each learner for
    /// whom those minutes were the last missing condition. Built for the answer path, where nearly every
    /// learner is far from completion: SQL keeps the learners not yet complete who meet every condition
    /// as far as a few index probes each tell, and only they get the full <see cref="CheckAsync"/>.
    /// </summary>
    public async Task CheckAfterCreditAsync(DbSession s, long cohortId, IReadOnlyCollection<long> learnerIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(learnerIds);
        if (learnerIds.Count == 0) return;
        var rule = (await CourseRulesStore.ForCohortAsync(s, cohortId)).Completion;
        // With no minutes to reach, minutes cannot be the last condition: whatever met the last one checked then.
        if (rule.MinimumMinutes == 0) return;
        // Bounded statements: far below both engines' limits on parameters per statement.
        foreach (var chunk in learnerIds.Distinct().Chunk(500))
        {
            // A few learners (one turn's answer or check-in): the plain minutes filter first, since compiling
            // and planning the full filter costs several times what running the plain one does. A batch:
            // the full filter at once, since summing every learner's ledger is then what costs.
            IReadOnlyList<long> candidates = chunk;
            if (chunk.Length <= FewLearners)
            {
                candidates = await LedgerStore.WithMinutesAsync(s, cohortId, rule.MinimumMinutes, chunk);
                if (candidates.Count == 0) continue;
            }
            foreach (var learnerId in await LedgerStore.CandidatesAsync(s, cohortId, rule, candidates))
                await CheckAsync(s, cohortId, learnerId);
        }
    }

    // Up to how many learners the minutes filter goes first: about where the two ways cost the same (measured on both engines).
    private const int FewLearners = 16;

    /// <summary>
    /// After a batch of quiz answers: an answer's minutes may be the last a learner needed for the
    /// certificate, so the learners of the recorded ones are checked, per cohort.
    /// </summary>
    public async Task CheckAfterAnswersAsync(DbSession s, IReadOnlyList<AnswerRequest> requests, IReadOnlyList<AnswerOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(outcomes);
        foreach (var cohort in requests.Zip(outcomes).Where(p => p.Second.Status == AnswerStatus.Recorded).GroupBy(p => p.Second.CohortId))
            await CheckAfterCreditAsync(s, cohort.Key, cohort.Select(p => p.First.LearnerId).Distinct().ToList());
    }

    /// <summary>Each condition of the rule for one learner, as <c>/me</c> shows it.</summary>
    public async Task<CompletionStatus> EvaluateAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var rule = (await CourseRulesStore.ForCohortAsync(s, cohortId)).Completion;
        var lessons = await LedgerStore.RequiredLessonsReadAsync(s, cohortId, learnerId);
        var needed = (int)Math.Min(rule.RequiredLessons ?? lessons.Required, lessons.Required);

        var examCodes = rule.PostTests ?? await LedgerStore.ClosingExamCodesAsync(s, cohortId);
        var results = examCodes.Count == 0 ? [] : await exams.ForLearnerAsync(s, cohortId, learnerId);
        var titles = examCodes.Count == 0 ? new Dictionary<string, LocalizedText>() : await LedgerStore.ExamTitlesAsync(s, cohortId);
        var examConditions = examCodes.Select(c => new ExamCondition(c, results.FirstOrDefault(r => r.ExamCode == c), titles.GetValueOrDefault(c))).ToList();

        var surveys = await LedgerStore.SurveysAsync(s, cohortId, learnerId);
        var surveyConditions = rule.Surveys is { } codes
            ? codes.Select(code => surveys.FirstOrDefault(x => x.Code == code) ?? new SurveyCondition(code, null, false)).ToList()
            : surveys.ToList();

        var minutes = rule.MinimumMinutes == 0 ? 0 : await LedgerStore.MinutesAsync(s, cohortId, learnerId);
        return new CompletionStatus((int)lessons.Read, needed, examConditions, surveyConditions, minutes, rule.MinimumMinutes,
            await LedgerStore.CompletedAtAsync(s, cohortId, learnerId));
    }
}
