using Academy.Learning.Model;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Announcements;

/// <summary>/announce in private (admin): starts a draft and asks for its text.</summary>
public sealed class AnnounceCommandHandler(Academy.Learning.Announcements.AnnouncementService announcements, TimeProvider time) : CommandHandler("announce")
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
