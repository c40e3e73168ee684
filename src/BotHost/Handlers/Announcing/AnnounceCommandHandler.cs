using Academy.BotHost.Pipeline;
using Academy.Learning.Model;

namespace Academy.BotHost.Handlers.Announcing;

/// <summary>/announce in private (admin): starts a draft and asks for its text.</summary>
public sealed class AnnounceCommandHandler(Learning.Announcements.Announcements announcements, TimeProvider time) : CommandHandler("announce")
{
    public override Role RequiredRole => Role.Admin;

    public override ChatScope Scope => ChatScope.Private;

    public override async Task HandleAsync(TurnContext turn)
    {
        var id = await announcements.CreateDraftAsync(turn.Session, turn.Learner!.Id, turn.Event.Chat!);
        await AnnouncementFlow.SetStepAsync(turn, id, AnnouncementFlow.TextStep, time);
        await turn.ReplyAsync(turn.Text.Get("announce.ask_text", ("id", id)), [[AnnouncementFlow.CancelButton(turn, id)]]);
    }
}
