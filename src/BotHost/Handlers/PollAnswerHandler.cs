using Academy.BotHost.Channels;
using Academy.BotHost.Pipeline;
using Academy.Learning.Assessment;
using Academy.Learning.Model;
using Academy.Learning.Record;
using Academy.Learning.Storage;

namespace Academy.BotHost.Handlers;

/// <summary>
/// A vote on a native quiz poll: counted once against the delivery the poll was sent for. The
/// platform shows the verdict and explanation itself; a retracted vote changes nothing. The vote's
/// minutes may be the last the learner needed for the certificate.
/// </summary>
public sealed class PollAnswerHandler(LearnerRecord record, Completion completion, Operations.AcademyMetrics? metrics = null)
    : Pipeline.EventHandler(ChatEventKind.PollAnswer), IBatchTurnHandler
{
    public override Task HandleAsync(TurnContext turn) => HandleManyAsync([turn]);

    public async Task HandleManyAsync(IReadOnlyList<TurnContext> turns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        var votes = turns.Where(t => t.Event.PollOptions.Count > 0).ToList();
        if (votes.Count == 0) return;
        var s = votes[0].Session;
        var deliveryOf = new Dictionary<(string Channel, string PollId), long>();
        foreach (var channel in votes.GroupBy(t => t.Event.Channel))
        {
            var polls = channel.Select(t => t.Event.PollId).Distinct().ToList();
            foreach (var (pollId, deliveryId) in await s.QueryAsync<(string PollId, long DeliveryId)>(
                         "SELECT poll_id, delivery_id FROM poll_links WHERE channel = @channel AND poll_id IN @polls", new { channel = channel.Key, polls = SqlList.Of(polls) }))
                deliveryOf[(channel.Key, pollId)] = deliveryId;
        }
        var requests = votes
            .Where(t => t.Event.PollId is { } poll && deliveryOf.ContainsKey((t.Event.Channel, poll)))
            .Select(t => new AnswerRequest(deliveryOf[(t.Event.Channel, t.Event.PollId!)], t.Learner!.Id, Response.Choose(t.Event.PollOptions.ToArray())))
            .ToList();
        var outcomes = await record.RecordAnswersAsync(s, requests);
        foreach (var outcome in outcomes)
            if (outcome.Status == AnswerStatus.Recorded) metrics?.AnswerRecorded();
        await CompletionAfterAnswers.CheckAsync(completion, s, requests, outcomes);
    }
}
