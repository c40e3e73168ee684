using Academy.BotHost.Channels;
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
/// A vote on a native quiz poll: counted once against the delivery the poll was sent for, for a learner
/// of the group it was sent to (a poll forwarded elsewhere still reports its votes: a stranger's is
/// refused and audited). The platform shows the verdict and explanation itself; a retracted vote
/// changes nothing. The vote's minutes may be the last the learner needed for the certificate.
/// </summary>
public sealed class PollAnswerHandler(LearnerRecord record, Completion completion, Refusals refusals, Operations.AcademyMetrics? metrics = null)
    : ChatEventHandler(ChatEventKind.PollAnswer), IBatchTurnHandler
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
        var counted = new List<(TurnContext Turn, AnswerRequest Request)>();
        foreach (var vote in votes)
        {
            if (vote.Event.PollId is { } poll && deliveryOf.TryGetValue((vote.Event.Channel, poll), out var deliveryId))
                counted.Add((vote, new AnswerRequest(deliveryId, vote.Learner!.Id, Response.Choose(vote.Event.PollOptions.ToArray()))));
            else await refusals.RefuseButtonAsync(vote, Access.Unknown); // a poll we never sent: nothing to count it against
        }
        var requests = counted.Select(c => c.Request).ToList();
        var outcomes = await record.RecordAnswersAsync(s, requests);
        for (int i = 0; i < outcomes.Count; i++)
        {
            switch (outcomes[i].Status)
            {
                case AnswerStatus.Recorded:
                    metrics?.AnswerRecorded();
                    break;
                case AnswerStatus.NotYours or AnswerStatus.NotEnrolled:
                    await refusals.RefuseButtonAsync(counted[i].Turn, Access.NotYours);
                    break;
                case AnswerStatus.UnknownDelivery or AnswerStatus.InvalidResponse:
                    await refusals.RefuseButtonAsync(counted[i].Turn, Access.Unknown);
                    break;
            }
        }
        await completion.CheckAfterAnswersAsync(s, requests, outcomes);
    }
}
