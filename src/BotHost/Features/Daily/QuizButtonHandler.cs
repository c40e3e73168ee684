using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Content;
using Academy.Learning.Credit;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Daily;

/// <summary>
/// A quiz answered by button (<c>q:DELIVERY:OPTION</c>, and <c>q:DELIVERY:submit</c> for several
/// answers), where the channel has no native quiz poll or the question does not fit one: counted
/// once, and the verdict with the explanation shown. A card with tick boxes sends <c>q:DELIVERY:submit:0,2</c>.
/// </summary>
public sealed class QuizButtonHandler(LearnerRecord record, Completion completion, Refusals refusals, TimeProvider time, Operations.AcademyMetrics? metrics = null)
    : ButtonHandler(Programme.QuizButton), IBatchTurnHandler
{
    public override Task HandleAsync(TurnContext turn) => HandleManyAsync([turn]);

    public async Task HandleManyAsync(IReadOnlyList<TurnContext> turns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        if (turns.Count == 0) return;
        var s = turns[0].Session;
        // Whose each press is, for the whole batch at once: a delivery of another group (or none) records nothing.
        var named = turns.Select(t => (Turn: t, Delivery: Fields(t).Length >= 2 ? LongField(t, 0) : null)).ToList();
        var checks = await DeliveryAccess.CheckAsync(s,
            named.Where(n => n.Delivery is not null).Select(n => (n.Delivery!.Value, n.Turn.Learner!.Id)).ToList(), DeliveryKind.Question);
        var access = new Dictionary<TurnContext, (DeliveryTarget? Delivery, Access Access)>();
        foreach (var ((turn, _), check) in named.Where(n => n.Delivery is not null).Zip(checks)) access[turn] = check;
        var multipleQuestions = await ContentStore.GetQuestionsAsync(s, checks
            .Where(c => c.Access == Access.Granted && c.Delivery!.QuestionType == QuestionType.Multiple).Select(c => c.Delivery!.QuestionId!.Value).Distinct().ToList());

        var answers = new List<(TurnContext Turn, AnswerRequest Request)>();
        foreach (var turn in turns)
        {
            if (!access.TryGetValue(turn, out var check))
            {
                await refusals.RefuseButtonAsync(turn, Access.Unknown);
                continue;
            }
            if (check.Access != Access.Granted)
            {
                await refusals.RefuseButtonAsync(turn, check.Access);
                continue;
            }
            var fields = Fields(turn);
            var delivery = check.Delivery!;
            var learnerId = turn.Learner!.Id;
            var text = turn.Personal;
            if (delivery.QuestionType != QuestionType.Multiple)
            {
                if (fields.Length != 2 || LongField(turn, 1) is not ({ } option and >= 0 and <= int.MaxValue)) { await refusals.RefuseButtonAsync(turn, Access.Unknown); continue; }
                answers.Add((turn, new AnswerRequest(delivery.Id, learnerId, Response.Choose((int)option))));
            }
            else if (fields[1] != "submit")
            {
                // Several answers: a press ticks or unticks an option until Submit. The draft is written at
                // once, so a Submit later in the batch reads it as it would one update later.
                if (fields.Length != 2 || LongField(turn, 1) is not ({ } option and >= 0 and <= int.MaxValue)
                    || !multipleQuestions.TryGetValue(delivery.QuestionId!.Value, out var question) || option >= question.OptionCount)
                {
                    await refusals.RefuseButtonAsync(turn, Access.Unknown);
                    continue;
                }
                var ticked = await DraftAsync(turn, delivery.Id, learnerId);
                if (!ticked.Remove((int)option)) ticked.Add((int)option);
                await turn.Session.ExecuteAsync(
                    """
                    INSERT INTO quiz_drafts (delivery_id, learner_id, options, updated_at) VALUES (@deliveryId, @learnerId, @options, @now)
                    ON CONFLICT (delivery_id, learner_id) DO UPDATE SET options = excluded.options, updated_at = excluded.updated_at
                    """, new { deliveryId = delivery.Id, learnerId, options = string.Join(',', ticked.Order()), now = time.GetUtcNow().ToUnixTimeMilliseconds() });
                var letters = string.Join(", ", ticked.Order().Select(i => (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                await turn.AnswerButtonAsync(ticked.Count == 0 ? text["quiz.nothing_ticked"] : text.Get("quiz.ticked", ("options", letters)));
            }
            else
            {
                // A card that ticks in place (Bot Framework) submits its ticks with the press: q:D:submit:0,2.
                if (fields.Length > 3 || fields.Length == 3 && ParseTicks(fields[2]) is null) { await refusals.RefuseButtonAsync(turn, Access.Unknown); continue; }
                var ticked = fields.Length == 3 ? ParseTicks(fields[2])! : await DraftAsync(turn, delivery.Id, learnerId);
                if (ticked.Count == 0) { await turn.AnswerButtonAsync(text["quiz.nothing_ticked"]); continue; }
                answers.Add((turn, new AnswerRequest(delivery.Id, learnerId, Response.Choose([.. ticked]))));
            }
        }
        if (answers.Count == 0) return;
        var outcomes = await record.RecordAnswersAsync(s, answers.Select(a => a.Request).ToList());
        for (int i = 0; i < answers.Count; i++)
        {
            var (turn, _) = answers[i];
            switch (outcomes[i].Status)
            {
                case AnswerStatus.Recorded:
                    metrics?.AnswerRecorded();
                    break;
                case AnswerStatus.NotYours or AnswerStatus.NotEnrolled:
                    await refusals.RefuseButtonAsync(turn, Access.NotYours);
                    continue;
                case AnswerStatus.UnknownDelivery or AnswerStatus.InvalidResponse:
                    await refusals.RefuseButtonAsync(turn, Access.Unknown);
                    continue;
            }
            await turn.AnswerButtonAsync(QuizVerdict.Text(outcomes[i], turn.Personal));
        }
        await CompletionAfterAnswers.CheckAsync(completion, s, answers.Select(a => a.Request).ToList(), outcomes);
    }

    // "0,2" → {0, 2}; null when any part is not an option number (a forged press).
    private static HashSet<int>? ParseTicks(string ticks)
    {
        var set = new HashSet<int>();
        foreach (var t in ticks.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i)) return null;
            set.Add(i);
        }
        return set;
    }

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
