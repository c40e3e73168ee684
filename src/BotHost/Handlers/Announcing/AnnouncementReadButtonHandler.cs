using Academy.BotHost.Pipeline;
using Academy.Learning.Announcements;

namespace Academy.BotHost.Handlers.Announcing;

/// <summary>"I have read" under a copy (<c>ar:ID</c>), in a group or in private: counted once per learner of the audience.</summary>
public sealed class AnnouncementReadButtonHandler(TimeProvider time) : ButtonHandler(Learning.Announcements.Announcements.ReadButton)
{
    public override async Task HandleAsync(TurnContext turn)
    {
        if (LongField(turn, 0) is not { } id)
        {
            await turn.AnswerButtonAsync(null);
            return;
        }
        var outcome = await Learning.Announcements.Announcements.RecordReadAsync(turn.Session, id, turn.Learner!.Id, time.GetUtcNow());
        await turn.AnswerButtonAsync(outcome switch
        {
            ReadOutcome.Recorded => turn.Text["announce.read_recorded"],
            ReadOutcome.AlreadyRecorded => turn.Text["announce.read_already"],
            ReadOutcome.NotAddressed => turn.Text["announce.read_not_addressed"],
            _ => null,
        });
        // A private copy is this learner's alone: once read, its button is spent (a group's copy stays for the others).
        if (turn.Event.IsPrivate && outcome is ReadOutcome.Recorded or ReadOutcome.AlreadyRecorded) await turn.SpendButtonsAsync();
    }
}
