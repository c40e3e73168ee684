using Academy.BotHost.Chat;
using Academy.Learning.Localization;
using Academy.Learning.Model;

namespace Academy.BotHost.Features.Registration;

/// <summary>
/// The last step of registration in the chat, however the person proved who they are (a shared
/// contact, an organisation e-mail, a typed number): <see cref="Learning.People.Registration"/> links
/// them and composes the welcome; this sends it, in their language from now on, and offers a pre-test
/// open from enrolment with its Start button.
/// </summary>
public sealed class RegistrationFlow(Learning.People.Registration registration, Catalog catalog,
    Learning.Exams.ExamService exams, Features.Exams.ExamFlow examFlow)
{
    public async Task CompleteAsync(TurnContext turn, Learner learner, string how)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(learner);
        var e = turn.Event;
        var done = await registration.CompleteAsync(turn.Session, e.Channel, e.From!.Id, learner, how);
        turn.Text = catalog.For(done.Language);
        // The number is given: the keyboard that asked for it goes (where the channel shows one).
        await turn.SendAsync(new Learning.Messaging.OutgoingMessage
        {
            To = e.Chat ?? throw new InvalidOperationException("Registration happens in a chat."),
            Text = done.Welcome,
            EndsContactRequest = true,
        });
        if (done.OfferExamsOfCohort is { } cohortId && e.Chat is { } chat)
            await examFlow.InviteAsync(turn.Session, exams, cohortId, learner.Id, chat, turn.Text.Language);
    }
}
