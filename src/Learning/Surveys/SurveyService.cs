using System.Globalization;
using System.Security.Cryptography;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Credit;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;

namespace Academy.Learning.Surveys;

/// <summary>A survey of the cohort's course with its database id.</summary>
public sealed record StoredSurvey(long Id, SurveyDefinition Definition);

/// <summary>Where a learner is in a survey: the item to ask next (<see cref="Position"/> = item index).</summary>
public sealed record SurveyProgress(StoredSurvey Survey, int Position)
{
    public SurveyItem? Current => Position < Survey.Definition.Items.Count ? Survey.Definition.Items[Position] : null;
}

public enum SurveyStep
{
    /// <summary>The answer was stored; <see cref="SurveyOutcome.Progress"/> names the next item.</summary>
    Next,
    /// <summary>That was the last item: the survey is submitted.</summary>
    Submitted,
    /// <summary>Submitted before; nothing changed.</summary>
    AlreadySubmitted,
    /// <summary>The press answers an item already answered (a re-delivered or old button): ignored.</summary>
    Stale,
    TooShort,
    TooLong,
    /// <summary>Not open to this learner (yet).</summary>
    NotOpen,
    /// <summary>No current survey of the learner's course has that id (retired, another course's, or none).</summary>
    Unknown,
    /// <summary>The press names an option the item does not have, or the item takes no choice: nothing recorded.</summary>
    Invalid,
}

/// <summary>What an answer did. <see cref="Length"/> is the answer's length in text elements (for too short/long).</summary>
public sealed record SurveyOutcome(SurveyStep Step, SurveyProgress? Progress = null, int Length = 0, bool CompletedCourse = false);

/// <summary>
/// Evaluation surveys taken in private chat: one item at a time, resumable, submitted once. An
/// anonymous survey's submitted answers carry no learner id, a random id and only the local date;
/// only <c>survey_completions</c> says that the learner submitted it.
/// </summary>
public sealed class SurveyService(LearnerRecord record, Completion completion, ExamResults exams, TimeProvider time)
{
    /// <summary>The surveys of the cohort's course open to the learner today, not yet submitted, with where they stand.</summary>
    public async Task<IReadOnlyList<SurveyProgress>> OpenForAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var result = new List<SurveyProgress>();
        foreach (var survey in await ForCohortAsync(s, cohortId))
        {
            if (await IsSubmittedAsync(s, survey.Id, cohortId, learnerId) || !await IsOpenAsync(s, survey, cohortId, learnerId)) continue;
            var position = await s.QuerySingleOrDefaultAsync<long?>(
                "SELECT position FROM survey_drafts WHERE survey_id = @Id AND cohort_id = @cohortId AND learner_id = @learnerId",
                new { survey.Id, cohortId, learnerId });
            result.Add(new SurveyProgress(survey, (int)(position ?? 0)));
        }
        return result;
    }

    /// <summary>The current (non-retired) surveys of the cohort's course, by code.</summary>
    public static async Task<IReadOnlyList<StoredSurvey>> ForCohortAsync(DbSession s, long cohortId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var rows = await s.QueryAsync<SurveyRow>(
            """
            SELECT v.id AS Id, v.definition AS Definition FROM surveys v JOIN cohorts c ON c.course_id = v.course_id
            WHERE c.id = @cohortId AND v.retired = 0 ORDER BY v.code
            """, new { cohortId });
        return rows.Select(r => r.ToSurvey()).ToList();
    }

    /// <summary>Starts the survey or resumes it where the learner stopped.</summary>
    public async Task<SurveyOutcome> StartAsync(DbSession s, long surveyId, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var survey = (await ForCohortAsync(s, cohortId)).FirstOrDefault(x => x.Id == surveyId);
        if (survey is null) return new SurveyOutcome(SurveyStep.Unknown);
        if (!await IsOpenAsync(s, survey, cohortId, learnerId)) return new SurveyOutcome(SurveyStep.NotOpen);
        if (await IsSubmittedAsync(s, surveyId, cohortId, learnerId)) return new SurveyOutcome(SurveyStep.AlreadySubmitted);
        await s.ExecuteAsync(
            """
            INSERT INTO survey_drafts (survey_id, cohort_id, learner_id, position, answers, updated_at)
            VALUES (@surveyId, @cohortId, @learnerId, 0, '{}', @now)
            ON CONFLICT (survey_id, cohort_id, learner_id) DO NOTHING
            """, new { surveyId, cohortId, learnerId, now = Now() });
        var draft = await DraftAsync(s, surveyId, cohortId, learnerId);
        return new SurveyOutcome(SurveyStep.Next, new SurveyProgress(survey, draft!.Position));
    }

    /// <summary>A choice pressed for the item at <paramref name="position"/>; counted once.</summary>
    public async Task<SurveyOutcome> ChooseAsync(DbSession s, long surveyId, long cohortId, long learnerId, int position, int option)
    {
        ArgumentNullException.ThrowIfNull(s);
        var (survey, draft, early) = await LoadAsync(s, surveyId, cohortId, learnerId);
        if (early is not null) return early;
        if (draft!.Position != position) return new SurveyOutcome(SurveyStep.Stale, new SurveyProgress(survey!, draft.Position));
        if (survey!.Definition.Items.ElementAtOrDefault(position) is not { Kind: SurveyItemKind.Choice } item || option < 0 || option >= item.Options.Count)
            return new SurveyOutcome(SurveyStep.Invalid, new SurveyProgress(survey, draft.Position));
        return await AdvanceAsync(s, survey, draft, cohortId, learnerId, item, new DraftAnswer(option, null));
    }

    /// <summary>Text typed in private: the answer to the text item the learner was last asked, if any.</summary>
    /// <returns>Null when no survey of the learner is waiting for text (the message is not for us).</returns>
    public async Task<SurveyOutcome?> WriteAsync(DbSession s, long cohortId, long learnerId, string text)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(text);
        var drafts = await s.QueryAsync<long>(
            "SELECT survey_id FROM survey_drafts WHERE cohort_id = @cohortId AND learner_id = @learnerId ORDER BY updated_at DESC",
            new { cohortId, learnerId });
        foreach (var surveyId in drafts)
        {
            var (survey, draft, early) = await LoadAsync(s, surveyId, cohortId, learnerId);
            if (early is not null || survey!.Definition.Items.ElementAtOrDefault(draft!.Position) is not { Kind: SurveyItemKind.Text } item)
                continue;
            var answer = text.Trim();
            var length = new StringInfo(answer).LengthInTextElements;
            if (length < item.MinLength) return new SurveyOutcome(SurveyStep.TooShort, new SurveyProgress(survey, draft.Position), length);
            if (length > item.MaxLength) return new SurveyOutcome(SurveyStep.TooLong, new SurveyProgress(survey, draft.Position), length);
            return await AdvanceAsync(s, survey, draft, cohortId, learnerId, item, new DraftAnswer(null, answer));
        }
        return null;
    }

    /// <summary>Whether one of the learner's surveys in progress is waiting for a written answer.</summary>
    public async Task<bool> WaitsForTextAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var drafts = (await s.QueryAsync<(long SurveyId, long Position)>(
            "SELECT survey_id, position FROM survey_drafts WHERE cohort_id = @cohortId AND learner_id = @learnerId",
            new { cohortId, learnerId })).ToList();
        if (drafts.Count == 0) return false;
        var surveys = await ForCohortAsync(s, cohortId);
        return drafts.Any(d => surveys.FirstOrDefault(x => x.Id == d.SurveyId)?.Definition.Items.ElementAtOrDefault((int)d.Position)
            is { Kind: SurveyItemKind.Text });
    }

    private async Task<SurveyOutcome> AdvanceAsync(DbSession s, StoredSurvey survey, Draft draft, long cohortId, long learnerId,
        SurveyItem item, DraftAnswer answer)
    {
        var answers = new Dictionary<string, DraftAnswer>(draft.Answers) { [item.Code] = answer };
        // Compare-and-set on the position: of two deliveries of the same press only one advances.
        var moved = await s.ExecuteAsync(
            """
            UPDATE survey_drafts SET position = @next, answers = @answers, updated_at = @now
            WHERE survey_id = @surveyId AND cohort_id = @cohortId AND learner_id = @learnerId AND position = @position
            """, new { next = draft.Position + 1, answers = StoredJson.Serialize(answers), now = Now(), surveyId = survey.Id,
                cohortId, learnerId, position = draft.Position });
        if (moved == 0) return new SurveyOutcome(SurveyStep.Stale, new SurveyProgress(survey, draft.Position));
        var progress = new SurveyProgress(survey, draft.Position + 1);
        if (progress.Current is not null) return new SurveyOutcome(SurveyStep.Next, progress);
        return await SubmitAsync(s, survey, cohortId, learnerId, answers);
    }

    private async Task<SurveyOutcome> SubmitAsync(DbSession s, StoredSurvey survey, long cohortId, long learnerId,
        Dictionary<string, DraftAnswer> answers)
    {
        var now = time.GetUtcNow();
        var key = new { surveyId = survey.Id, cohortId, learnerId };
        await s.ExecuteAsync("DELETE FROM survey_drafts WHERE survey_id = @surveyId AND cohort_id = @cohortId AND learner_id = @learnerId", key);
        var first = await s.ExecuteAsync(
            """
            INSERT INTO survey_completions (survey_id, cohort_id, learner_id, submitted_at) VALUES (@surveyId, @cohortId, @learnerId, @at)
            ON CONFLICT (survey_id, cohort_id, learner_id) DO NOTHING
            """, new { key.surveyId, cohortId, learnerId, at = now.ToUnixTimeMilliseconds() });
        if (first == 0) return new SurveyOutcome(SurveyStep.AlreadySubmitted);

        var anonymous = survey.Definition.Anonymous;
        var cohort = await CohortStore.GetAsync(s, cohortId);
        var localDate = cohort!.Calendar.LocalDate(now).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var responseId = RandomNumberGenerator.GetInt32(1, int.MaxValue) * (long)int.MaxValue + RandomNumberGenerator.GetInt32(int.MaxValue);
        await s.ExecuteAsync(
            """
            INSERT INTO survey_responses (id, survey_id, cohort_id, learner_id, submitted_on, submitted_at)
            VALUES (@responseId, @surveyId, @cohortId, @learner, @localDate, @at)
            """, new { responseId, key.surveyId, cohortId, learner = anonymous ? (long?)null : learnerId, localDate,
                at = anonymous ? (long?)null : now.ToUnixTimeMilliseconds() });
        foreach (var item in survey.Definition.Items)
            if (answers.TryGetValue(item.Code, out var a))
                await s.ExecuteAsync(
                    "INSERT INTO survey_answers (response_id, item_code, choice, text) VALUES (@responseId, @Code, @Choice, @Text)",
                    new { responseId, item.Code, a.Choice, a.Text });
        await record.CreditAsync(s, cohortId, learnerId, $"survey/{survey.Id}", "survey", 0, null);
        var completed = await completion.CheckAsync(s, cohortId, learnerId);
        return new SurveyOutcome(SurveyStep.Submitted, new SurveyProgress(survey, survey.Definition.Items.Count), CompletedCourse: completed);
    }

    private async Task<(StoredSurvey?, Draft?, SurveyOutcome?)> LoadAsync(DbSession s, long surveyId, long cohortId, long learnerId)
    {
        var survey = (await ForCohortAsync(s, cohortId)).FirstOrDefault(x => x.Id == surveyId);
        if (survey is null) return (null, null, new SurveyOutcome(SurveyStep.Unknown));
        var draft = await DraftAsync(s, surveyId, cohortId, learnerId);
        if (draft is null)
            return (survey, null, new SurveyOutcome(await IsSubmittedAsync(s, surveyId, cohortId, learnerId) ? SurveyStep.AlreadySubmitted : SurveyStep.NotOpen));
        return (survey, draft, null);
    }

    private async Task<bool> IsOpenAsync(DbSession s, StoredSurvey survey, long cohortId, long learnerId)
    {
        var cohort = await CohortStore.GetAsync(s, cohortId);
        if (cohort is null) return false;
        var today = cohort.Calendar.LocalDate(time.GetUtcNow());
        return survey.Definition.Opens switch
        {
            SurveyOpening.Start => today >= cohort.Calendar.Start,
            SurveyOpening.LastDay => today >= cohort.Calendar.End,
            _ => (await exams.ForLearnerAsync(s, cohortId, learnerId)).Any(r => r.ExamCode == survey.Definition.OpensAfterExam && r.Passed),
        };
    }

    private static async Task<bool> IsSubmittedAsync(DbSession s, long surveyId, long cohortId, long learnerId) =>
        await s.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM survey_completions WHERE survey_id = @surveyId AND cohort_id = @cohortId AND learner_id = @learnerId",
            new { surveyId, cohortId, learnerId }) > 0;

    private static async Task<Draft?> DraftAsync(DbSession s, long surveyId, long cohortId, long learnerId)
    {
        var row = await s.QuerySingleOrDefaultAsync<DraftRow>(
            "SELECT position AS Position, answers AS Answers FROM survey_drafts WHERE survey_id = @surveyId AND cohort_id = @cohortId AND learner_id = @learnerId",
            new { surveyId, cohortId, learnerId });
        return row is null ? null : new Draft((int)row.Position, StoredJson.Deserialize<Dictionary<string, DraftAnswer>>(row.Answers));
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private sealed record DraftAnswer(int? Choice, string? Text);

    private sealed record Draft(int Position, Dictionary<string, DraftAnswer> Answers);

    private sealed class DraftRow
    {
        public long Position { get; init; }
        public string Answers { get; init; } = "";
    }

    private sealed class SurveyRow
    {
        public long Id { get; init; }
        public string Definition { get; init; } = "";

        public StoredSurvey ToSurvey() => new(Id, StoredJson.Deserialize<SurveyDefinition>(Definition));
    }
}
