using Academy.BotHost.Channels;
using Academy.BotHost.Pipeline;
using Academy.Learning.Assessment;
using Academy.Learning.Model;
using Academy.Learning.Record;

namespace Academy.BotHost.Handlers;

/// <summary>
/// A vote on a native quiz poll: counted once against the delivery the poll was sent for. The
/// platform shows the verdict and explanation itself; a retracted vote changes nothing. The vote's
/// minutes may be the last the learner needed for the certificate.
/// </summary>
public sealed class PollAnswerHandler(LearnerRecord record, Completion completion, Operations.AcademyMetrics? metrics = null)
    : Pipeline.EventHandler(ChatEventKind.PollAnswer)
{
    public override async Task HandleAsync(TurnContext turn)
    {
        var e = turn.Event;
        if (e.PollOptions.Count == 0) return;
        var deliveryId = await turn.Session.QuerySingleOrDefaultAsync<long?>(
            "SELECT delivery_id FROM poll_links WHERE channel = @Channel AND poll_id = @PollId", new { e.Channel, e.PollId });
        if (deliveryId is null) return;
        var outcome = await record.RecordAnswerAsync(turn.Session, deliveryId.Value, turn.Learner!.Id, Response.Choose(e.PollOptions.ToArray()));
        if (outcome.Status == AnswerStatus.Recorded) metrics?.AnswerRecorded();
        if (outcome.Status == AnswerStatus.Recorded) await completion.CheckAfterCreditAsync(turn.Session, outcome.CohortId, [turn.Learner.Id]);
    }
}
