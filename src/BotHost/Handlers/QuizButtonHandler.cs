using Academy.BotHost.Pipeline;
using Academy.Learning.Assessment;
using Academy.Learning.Model;
using Academy.Learning.Record;
using Academy.Learning.Storage;

namespace Academy.BotHost.Handlers;

/// <summary>
/// A quiz answered by button (<c>q:DELIVERY:OPTION</c>, and <c>q:DELIVERY:submit</c> for several
/// answers), where the channel has no native quiz poll or the question does not fit one: counted
/// once, and the verdict with the explanation shown. A card with tick boxes sends <c>q:DELIVERY:submit:0,2</c>.
/// </summary>
public sealed class QuizButtonHandler(LearnerRecord record, Completion completion, TimeProvider time, Operations.AcademyMetrics? metrics = null)
    : ButtonHandler(Programme.QuizButton), IBatchTurnHandler
{
    public override Task HandleAsync(TurnContext turn) => HandleManyAsync([turn]);

    public async Task HandleManyAsync(IReadOnlyList<TurnContext> turns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        if (turns.Count == 0) return;
        var s = turns[0].Session;
        var deliveryIds = turns.Select(t => LongField(t, 0)).OfType<long>().Distinct().ToList();
        var multiple = (await s.QueryAsync<long>(
            "SELECT d.id FROM deliveries d JOIN questions q ON q.id = d.question_id WHERE d.id IN @deliveryIds AND q.type = 'Multiple'",
            new { deliveryIds = SqlList.Of(deliveryIds) })).ToHashSet();
        var answers = new List<(TurnContext Turn, AnswerRequest Request)>();
        foreach (var turn in turns)
        {
            var fields = Fields(turn);
            if (LongField(turn, 0) is not { } deliveryId || fields.Length < 2)
            {
                await turn.AnswerButtonAsync(null);
                continue;
            }
            var learnerId = turn.Learner!.Id;
            if (!multiple.Contains(deliveryId))
            {
                if (LongField(turn, 1) is not { } option) { await turn.AnswerButtonAsync(null); continue; }
                answers.Add((turn, new AnswerRequest(deliveryId, learnerId, Response.Choose((int)option))));
            }
            else if (fields[1] != "submit")
            {
                // Several answers: a press ticks or unticks an option until Submit. The draft is written at
                // once, so a Submit later in the batch reads it as it would one update later.
                if (LongField(turn, 1) is not { } option) { await turn.AnswerButtonAsync(null); continue; }
                var ticked = await DraftAsync(turn, deliveryId, learnerId);
                if (!ticked.Remove((int)option)) ticked.Add((int)option);
                await turn.Session.ExecuteAsync(
                    """
                    INSERT INTO quiz_drafts (delivery_id, learner_id, options, updated_at) VALUES (@deliveryId, @learnerId, @options, @now)
                    ON CONFLICT (delivery_id, learner_id) DO UPDATE SET options = excluded.options, updated_at = excluded.updated_at
                    """, new { deliveryId, learnerId, options = string.Join(',', ticked.Order()), now = time.GetUtcNow().ToUnixTimeMilliseconds() });
                var letters = string.Join(", ", ticked.Order().Select(i => (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                await turn.AnswerButtonAsync(ticked.Count == 0 ? turn.Text["quiz.nothing_ticked"] : turn.Text.Get("quiz.ticked", ("options", letters)));
            }
            else
            {
                // A card that ticks in place (Bot Framework) submits its ticks with the press: q:D:submit:0,2.
                var ticked = fields.Length > 2 ? ParseTicks(fields[2]) : await DraftAsync(turn, deliveryId, learnerId);
                if (ticked.Count == 0) { await turn.AnswerButtonAsync(turn.Text["quiz.nothing_ticked"]); continue; }
                answers.Add((turn, new AnswerRequest(deliveryId, learnerId, Response.Choose([.. ticked]))));
            }
        }
        if (answers.Count == 0) return;
        var outcomes = await record.RecordAnswersAsync(s, answers.Select(a => a.Request).ToList());
        for (int i = 0; i < answers.Count; i++)
        {
            if (outcomes[i].Status == AnswerStatus.Recorded) metrics?.AnswerRecorded();
            await answers[i].Turn.AnswerButtonAsync(QuizVerdict.Text(outcomes[i], answers[i].Turn.Text));
        }
        await CompletionAfterAnswers.CheckAsync(completion, s, answers.Select(a => a.Request).ToList(), outcomes);
    }

    private static HashSet<int> ParseTicks(string ticks) =>
        ticks.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(t => int.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) ? i : -1)
            .Where(i => i >= 0).ToHashSet();

    private static async Task<HashSet<int>> DraftAsync(TurnContext turn, long deliveryId, long learnerId)
    {
        var options = await turn.Session.QuerySingleOrDefaultAsync<string?>(
            "SELECT options FROM quiz_drafts WHERE delivery_id = @deliveryId AND learner_id = @learnerId", new { deliveryId, learnerId });
        return string.IsNullOrEmpty(options) ? [] : options.Split(',').Select(o => int.Parse(o, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
    }
}

/// <summary>An answer's minutes may be the last a learner needed for the certificate: checked for the recorded ones, per cohort.</summary>
public static class CompletionAfterAnswers
{
    public static async Task CheckAsync(Completion completion, Learning.Storage.DbSession s, IReadOnlyList<AnswerRequest> requests, IReadOnlyList<AnswerOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(completion);
        foreach (var cohort in requests.Zip(outcomes).Where(p => p.Second.Status == AnswerStatus.Recorded).GroupBy(p => p.Second.CohortId))
            await completion.CheckAfterCreditAsync(s, cohort.Key, cohort.Select(p => p.First.LearnerId).Distinct().ToList());
    }
}

/// <summary>What a learner is told after answering.</summary>
public static class QuizVerdict
{
    public static string? Text(AnswerOutcome outcome, Learning.Localization.Localizer text)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(text);
        var explanation = outcome.Question?.Explanation?.In(text.Language);
        return outcome.Status switch
        {
            AnswerStatus.Recorded when outcome.Correct => Join(text["quiz.correct"], explanation),
            AnswerStatus.Recorded => Join(text["quiz.wrong"], explanation),
            AnswerStatus.AlreadyAnswered => text["quiz.already"],
            AnswerStatus.NotEnrolled => text["quiz.not_enrolled"],
            _ => null,
        };
    }

    private static string Join(string verdict, string? explanation) => explanation is null ? verdict : $"{verdict} {explanation}";
}
