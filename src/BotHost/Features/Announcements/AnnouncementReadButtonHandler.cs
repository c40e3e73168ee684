using Academy.Learning.Announcements;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Daily;
using Academy.Learning.People;

namespace Academy.BotHost.Features.Announcements;

/// <summary>
/// "I have read" under a copy (<c>ar:ID</c>), in a group or in private: counted once per learner of the
/// audience; anyone else's press is refused and audited.
/// </summary>
public sealed class AnnouncementReadButtonHandler(Refusals refusals, TimeProvider time) : ButtonHandler(Academy.Learning.Announcements.AnnouncementService.ReadButton)
{
    public override async Task HandleAsync(TurnContext turn)
    {
        if (Fields(turn).Length != 1 || LongField(turn, 0) is not { } id)
        {
            await refusals.RefuseButtonAsync(turn, Access.Unknown);
            return;
        }
        var outcome = await Academy.Learning.Announcements.AnnouncementService.RecordReadAsync(turn.Session, id, turn.Learner!.Id, time.GetUtcNow());
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
