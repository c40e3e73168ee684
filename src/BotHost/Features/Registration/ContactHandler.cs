using Academy.BotHost.Channels;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Daily;
using Academy.Learning.People;

namespace Academy.BotHost.Features.Registration;

/// <summary>A shared phone number: matched to the roster, and the channel account linked to that learner.</summary>
public sealed class ContactHandler(LearnerDirectory directory, Registration registration) : ChatEventHandler(ChatEventKind.ContactShared)
{
    public override bool RequiresRegistration => false;

    public override ChatScope Scope => ChatScope.Private;

    public override async Task HandleAsync(TurnContext turn)
    {
        var e = turn.Event;
        // Only one's own number proves who one is: a forwarded contact card proves nothing.
        if (e.ContactUserId != e.From!.Id)
        {
            await turn.ReplyAsync(turn.Text["contact.not_own"]);
            return;
        }
        var learner = e.ContactPhone is null ? null : await directory.FindByPhoneAsync(turn.Session, e.ContactPhone);
        if (learner is null)
        {
            await turn.ReplyAsync(turn.Text["contact.not_on_roster"]);
            return;
        }
        await registration.CompleteAsync(turn, learner, "shared contact");
    }
}
