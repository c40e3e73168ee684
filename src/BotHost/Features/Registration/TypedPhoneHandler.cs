using Academy.BotHost.Channels;
using Academy.Learning.Model;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Registration;

/// <summary>
/// A phone number typed in private, on a channel that cannot share a verified contact (Teams, Web
/// Chat), after the person chose a language at /start and no roster e-mail matched their account.
/// A typed number proves less than a shared contact, so it links only a learner whose roster entry
/// has no e-mail (where there is one, the e-mail is the proof) and who is not linked to another
/// account on this channel yet.
/// </summary>
public sealed class TypedPhoneHandler(IEnumerable<IChannelAccounts> accounts, Learning.People.Registration registration, RegistrationFlow flow)
    : ChatEventHandler(ChatEventKind.Message)
{
    private readonly HashSet<string> _channels = accounts.Select(a => a.Channel).ToHashSet();

    public override bool RequiresRegistration => false;

    public override ChatScope Scope => ChatScope.Private;

    public override bool Matches(ChatEvent e) =>
        base.Matches(e) && e.IsPrivate && _channels.Contains(e.Channel) && LooksLikePhone(e.Text);

    // A registered person's typed number is something else (an exam answer, an announcement's text).
    public override Task<bool> WantsAsync(TurnContext turn) => Task.FromResult(turn.Learner is null);

    public override async Task HandleAsync(TurnContext turn)
    {
        var e = turn.Event;
        if (turn.Learner is not null) return;
        var match = await registration.MatchTypedPhoneAsync(turn.Session, e.Channel, e.From!.Id, e.Text);
        if (match.Refusal is { } refusal) await turn.ReplyAsync(turn.Text[Learning.People.Registration.MessageKey(refusal)]);
        else await flow.CompleteAsync(turn, match.Learner!, "typed phone number");
    }

    /// <summary>Digits with the usual separators, and enough of them to be a number rather than a word.</summary>
    internal static bool LooksLikePhone(string? text) =>
        text is { Length: > 0 and <= 32 } t
        && t.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')' or '.')
        && t.Count(char.IsAsciiDigit) >= 6;
}
