using Academy.BotHost.Channels;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Record;
using Academy.Learning.Storage;

namespace Academy.BotHost.Pipeline;

/// <summary>
/// The steps every turn takes before its handler: who (roster learner and role), where (the bound
/// study group), which language, and whether this handler may be used here by this person. A
/// refusal is polite and audited.
/// </summary>
public sealed class TurnPipeline(IEnumerable<TurnHandler> handlers, LearnerDirectory directory, Outbox outbox, Catalog catalog, Refusals refusals)
{
    private readonly IReadOnlyList<TurnHandler> _handlers = handlers.ToList();

    public IReadOnlyList<TurnHandler> Handlers => _handlers;

    /// <summary>Runs one event inside <paramref name="s"/>; the caller commits.</summary>
    public async Task HandleAsync(ChatEvent e, DbSession s)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Kind == ChatEventKind.Ignored) return;
        // What a person does always names the person; an update without its sender (a mangled or
        // anonymous-channel update) has no one to answer or credit, and handlers rely on From.
        if (e.From is null && e.Kind is ChatEventKind.Message or ChatEventKind.Command or ChatEventKind.Button
                or ChatEventKind.PollAnswer or ChatEventKind.ContactShared) return;
        // Likewise a message needs the chat it was said in (a button press may lack it: it answers with a toast).
        if (e.Chat is null && e.Kind is ChatEventKind.Message or ChatEventKind.Command or ChatEventKind.ContactShared) return;

        var learner = e.From is null ? null : await directory.FindByIdentityAsync(s, e.Channel, e.From.Id);
        long? groupId = e.Chat is not null && !e.IsPrivate ? await LearnerDirectory.GroupOfChatAsync(s, e.Channel, e.Chat.ChatId) : null;
        var enrollments = learner is null ? [] : await directory.EnrollmentsAsync(s, learner.Id);
        var role = RoleHere(enrollments, groupId, e.IsPrivate);
        long? cohortId = groupId is { } g
            ? await s.ExecuteScalarAsync<long>("SELECT cohort_id FROM study_groups WHERE id = @g", new { g })
            : enrollments.FirstOrDefault()?.CohortId;
        var language = await LanguageAsync(s, e, learner, groupId);
        var turn = new TurnContext(e, s, outbox, catalog.For(language))
        {
            Learner = learner, Role = role, GroupId = groupId, CohortId = cohortId,
        };

        TurnHandler? handler = null;
        foreach (var candidate in _handlers.Where(h => h.Matches(e)))
            if (await candidate.WantsAsync(turn)) { handler = candidate; break; }
        if (handler is null)
        {
            // In groups an unknown command may be another bot's: only private chats hear "unknown".
            if (e.Kind == ChatEventKind.Command && e.IsPrivate && e.Chat is not null)
                await turn.ReplyAsync(turn.Text.Get("turn.unknown_command", ("command", "/" + e.Command)));
            return;
        }
        if (handler.Scope != ChatScope.Any && e.Chat is null) return; // no chat to tell where the button belongs
        if (handler.Scope == ChatScope.Private && !e.IsPrivate)
        {
            await turn.ReplyAsync(turn.Text["turn.private_only"]);
            return;
        }
        if (handler.Scope == ChatScope.Group && e.IsPrivate)
        {
            await turn.ReplyAsync(turn.Text["turn.group_only"]);
            return;
        }
        if (handler.RequiresRegistration && learner is null)
        {
            // Someone's poll vote or other background event is not a request: only commands and buttons are refused aloud.
            if (e.Kind is ChatEventKind.Command or ChatEventKind.Button)
                await refusals.RefuseAsync(turn, (await refusals.PersonalTextAsync(turn))["turn.not_registered"], Detail(handler, e));
            return;
        }
        if (role < handler.RequiredRole)
        {
            await refusals.RefuseRoleAsync(turn, handler.RequiredRole, Detail(handler, e));
            return;
        }
        await handler.HandleAsync(turn);
    }

    private static string Detail(TurnHandler handler, ChatEvent e) => handler.Command is { } c ? "/" + c : e.ButtonData ?? e.Kind.ToString();

    // Admin rights are global; a liaison is a liaison in private, in their own groups' chats, and in
    // a chat not bound yet (where /bind then checks the group named).
    private static Role RoleHere(IReadOnlyList<Enrollment> enrollments, long? groupId, bool isPrivate)
    {
        if (enrollments.Any(x => x.Role == Role.Admin)) return Role.Admin;
        if (enrollments.Any(x => x.Role == Role.Liaison && (isPrivate || groupId is null || x.GroupId == groupId))) return Role.Liaison;
        return Role.Learner;
    }

    // A group chat speaks its group's language; a person in private their own.
    private async Task<string> LanguageAsync(DbSession s, ChatEvent e, Learner? learner, long? groupId) =>
        groupId is { } g ? await LearnerDirectory.GroupLanguageAsync(s, g) : await refusals.PersonalLanguageAsync(s, e, learner);
}
