using Academy.BotHost.Channels;
using Academy.Learning.Messaging;
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
/// /start in private: a known learner is greeted; on a channel that knows people by their
/// organisation account (Teams) a roster e-mail matching it registers them at once; anyone else
/// chooses a language first.
/// </summary>
public sealed class StartHandler(IEnumerable<IChannelAccounts> accounts, Learning.People.Registration registration, RegistrationFlow flow)
    : CommandHandler("start")
{
    /// <summary>The directory is asked while the turn's transaction is open: it must answer quickly or not at all.</summary>
    public static readonly TimeSpan LookUpTimeout = TimeSpan.FromSeconds(5);

    public override bool RequiresRegistration => false;

    public override ChatScope Scope => ChatScope.Private;

    public override async Task HandleAsync(TurnContext turn)
    {
        if (turn.Learner is { } learner)
        {
            await turn.ReplyAsync(turn.Text.Get("start.welcome_back", ("name", learner.Name)));
            return;
        }
        if (accounts.FirstOrDefault(a => a.Channel == turn.Event.Channel) is { } directoryOfChannel)
        {
            using var timeout = new CancellationTokenSource(LookUpTimeout);
            var profile = await directoryOfChannel.LookUpAsync(turn.Event.Chat!, turn.Event.From!.Id, timeout.Token);
            var match = await registration.MatchOrganisationAccountAsync(turn.Session, profile?.Email, profile?.UserPrincipalName);
            if (match is not null)
            {
                await flow.CompleteAsync(turn, match, "organisation e-mail");
                return;
            }
        }
        await turn.ReplyAsync(turn.Text["start.choose_language"], [LanguageButtons(turn.Text)]);
    }

    /// <summary>One button per language, each named in its own language.</summary>
    public static IReadOnlyList<Button> LanguageButtons(Learning.Localization.Localizer text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Languages.All.Select(l => new Button(text["language.name." + l], $"{LanguageButtonHandler.Prefix}:{l}")).ToList();
    }
}
