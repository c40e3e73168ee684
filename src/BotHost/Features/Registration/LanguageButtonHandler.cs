using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Registration;

/// <summary>A language chosen at /start (or later): remembered, then the phone number is asked for.</summary>
public sealed class LanguageButtonHandler(Catalog catalog, Learning.People.Registration registration, IEnumerable<Channels.IChannelAccounts> accounts, Refusals refusals) : ButtonHandler(Prefix)
{
    public const string Prefix = "lang";

    public override bool RequiresRegistration => false;

    public override ChatScope Scope => ChatScope.Private;

    public override async Task HandleAsync(TurnContext turn)
    {
        // Only the languages offered: anything else is a forged press, and nothing is saved.
        if (Fields(turn) is not [var chosen] ||
            await registration.ChooseLanguageAsync(turn.Session, turn.Event.Channel, turn.Event.From!.Id, turn.Learner, chosen) is not { } language)
        {
            await refusals.RefuseButtonAsync(turn, Academy.Learning.Daily.Access.Unknown);
            return;
        }
        turn.Text = catalog.For(language);
        await turn.AnswerButtonAsync(null);
        if (turn.Learner is not null) await turn.ReplyAsync(turn.Text["start.language_saved"]);
        // Where no contact can be shared (Teams, Web Chat), the number is typed.
        else if (accounts.Any(a => a.Channel == turn.Event.Channel)) await turn.ReplyAsync(turn.Text["phone.type_it"]);
        else
            await turn.SendAsync(new OutgoingMessage
            {
                To = turn.Event.Chat!,
                Text = turn.Text["start.share_phone"],
                RequestContactLabel = turn.Text["start.share_phone_button"],
            });
        // The language is chosen: its buttons are done, and show the choice.
        await turn.SpendButtonsAsync(turn.Text["language.name." + language]);
    }
}
