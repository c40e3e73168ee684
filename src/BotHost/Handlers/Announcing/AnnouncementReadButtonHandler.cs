using Academy.BotHost.Pipeline;
using Academy.Learning.Announcements;
using Academy.Learning.Record;

namespace Academy.BotHost.Handlers.Announcing;

/// <summary>
/// "I have read" under a copy (<c>ar:ID</c>), in a group or in private: counted once per learner of the
/// audience; anyone else's press is refused and audited.
/// </summary>
public sealed class AnnouncementReadButtonHandler(Refusals refusals, TimeProvider time) : ButtonHandler(Learning.Announcements.Announcements.ReadButton)
{
    public override async Task HandleAsync(TurnContext turn)
    {
        if (Fields(turn).Length != 1 || LongField(turn, 0) is not { } id)
        {
            await refusals.RefuseButtonAsync(turn, Access.Unknown);
            return;
        }
        var outcome = await Learning.Announcements.Announcements.RecordReadAsync(turn.Session, id, turn.Learner!.Id, time.GetUtcNow());
        var text = turn.Personal;
        switch (outcome)
        {
            case ReadOutcome.Recorded or ReadOutcome.AlreadyRecorded:
                await turn.AnswerButtonAsync(text[outcome == ReadOutcome.Recorded ? "announce.read_recorded" : "announce.read_already"]);
                // A private copy is this learner's alone: once read, its button is spent (a group's copy stays for the others).
                if (turn.Event.IsPrivate) await turn.SpendButtonsAsync();
                break;
            case ReadOutcome.NotAddressed:
                await refusals.RefuseAsync(turn, text["announce.read_not_addressed"], Refusals.Detail(turn.Event));
                break;
            default:
                await refusals.RefuseButtonAsync(turn, Access.Unknown);
                break;
        }
    }
}
