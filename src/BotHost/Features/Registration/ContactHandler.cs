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
public sealed class ContactHandler(Learning.People.Registration registration, RegistrationFlow flow) : ChatEventHandler(ChatEventKind.ContactShared)
{
    public override bool RequiresRegistration => false;

    public override ChatScope Scope => ChatScope.Private;

    public override async Task HandleAsync(TurnContext turn)
    {
        var e = turn.Event;
        var match = await registration.MatchContactAsync(turn.Session, e.From!.Id, e.ContactUserId, e.ContactPhone);
        if (match.Refusal is { } refusal) await turn.ReplyAsync(turn.Text[Learning.People.Registration.MessageKey(refusal)]);
        else await flow.CompleteAsync(turn, match.Learner!, "shared contact");
    }
}
