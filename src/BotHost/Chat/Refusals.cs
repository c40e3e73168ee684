using Academy.BotHost.Channels;
using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Chat;

/// <summary>
/// Polite, audited refusals in the language of the person refused, and that language itself. The
/// pipeline refuses by role and registration; handlers refuse through here too when the rule depends
/// on what was asked (a liaison naming another group, a forged button).
/// </summary>
public sealed class Refusals(LearnerDirectory directory, Catalog catalog, TimeProvider time)
{
    /// <summary>Audits the refusal and tells the person: a toast for a button, a reply in the chat for a command.</summary>
    public async Task RefuseAsync(TurnContext turn, string refusal, string detail)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var e = turn.Event;
        await AuditStore.RecordAsync(turn.Session, time.GetUtcNow(), $"{e.Channel}:{e.From?.Id}", "refused", detail);
        if (e.Kind == ChatEventKind.Button) await turn.AnswerButtonAsync(refusal);
        else if (e.Chat is not null) await turn.ReplyAsync(refusal);
    }

    /// <summary>The person's own role refusal ("only a liaison can…").</summary>
    public async Task RefuseRoleAsync(TurnContext turn, Role required, string detail)
    {
        var text = await PersonalTextAsync(turn);
        await RefuseAsync(turn, text.Get("turn.refused", ("role", required.ToString().ToLowerInvariant())), detail);
    }

    /// <summary>The catalog in the language the sender reads, even in a group chat that speaks another.</summary>
    public async Task<Localizer> PersonalTextAsync(TurnContext turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        if (!turn.KnowsPersonal) turn.Personal = catalog.For(await PersonalLanguageAsync(turn.Session, turn.Event, turn.Learner));
        return turn.Personal;
    }

    /// <summary>A press that names what is not the presser's (another group's delivery, someone's attempt) or nothing at all: refused and audited.</summary>
    public async Task RefuseButtonAsync(TurnContext turn, Access access)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var text = await PersonalTextAsync(turn);
        await RefuseAsync(turn, text[access == Access.NotYours ? "button.not_yours" : "button.invalid"], Detail(turn.Event));
    }

    /// <summary>What an audit row names of a press or vote: the button's data, or the poll and options voted.</summary>
    public static string Detail(ChatEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Kind == ChatEventKind.PollAnswer
            ? $"poll:{e.PollId}:{string.Join(',', e.PollOptions)}"
            : e.ButtonData ?? e.Kind.ToString();
    }

    /// <summary>
    /// A person's language: their own choice, else what they picked at /start, else their roster
    /// group's or cohort's, else what their app is set to.
    /// </summary>
    public async Task<string> PersonalLanguageAsync(DbSession s, ChatEvent e, Learner? learner)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(e);
        if (learner is not null && learner.Language is not null) return learner.Language;
        if (e.From is not null)
        {
            if (Languages.Normalize(await ConversationStore.ChosenLanguageAsync(s, e.Channel, e.From.Id)) is { } c) return c;
        }
        if (learner is not null) return await directory.LanguageOfAsync(s, learner.Id);
        return Languages.Normalize(e.From?.LanguageCode) ?? Languages.English;
    }
}
