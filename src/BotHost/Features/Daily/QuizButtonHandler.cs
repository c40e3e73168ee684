using Academy.Learning.Model;
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
public sealed class QuizButtonHandler(LearnerRecord record, Completion completion, QuizTicks ticks, Refusals refusals, Operations.AcademyMetrics? metrics = null)
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
                // Several answers: a press ticks or unticks an option until Submit.
                if (fields.Length != 2 || LongField(turn, 1) is not { } option
                    || !multipleQuestions.TryGetValue(delivery.QuestionId!.Value, out var question)
                    || await ticks.TickAsync(turn.Session, delivery.Id, learnerId, question, option) is not { } ticked)
                {
                    await refusals.RefuseButtonAsync(turn, Access.Unknown);
                    continue;
                }
                await turn.AnswerButtonAsync(QuizTicks.Acknowledgement(ticked, text));
            }
            else
            {
                // A card that ticks in place (Bot Framework) submits its ticks with the press: q:D:submit:0,2.
                if (fields.Length > 3 || await ticks.SubmittedAsync(turn.Session, delivery.Id, learnerId, fields.Length == 3 ? fields[2] : null) is not { } ticked)
                {
                    await refusals.RefuseButtonAsync(turn, Access.Unknown);
                    continue;
                }
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
        await completion.CheckAfterAnswersAsync(s, answers.Select(a => a.Request).ToList(), outcomes);
    }
}
