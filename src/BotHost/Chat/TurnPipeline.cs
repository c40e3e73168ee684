using Academy.BotHost.Channels;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Chat;

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
        if ((await ResolveAsync([e], s, replies: null))[0] is not { } turn) return;
        if (await AdmitAsync(turn) is { } handler) await handler.HandleAsync(turn);
    }

    /// <summary>
    /// Whether <paramref name="e"/> can be taken with others in <see cref="HandleManyAsync"/>: its
    /// handler is a <see cref="IBatchTurnHandler"/>, whose turns change nothing another turn's
    /// who/where/role/language depends on.
    /// </summary>
    public bool CanBatch(ChatEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return _handlers.FirstOrDefault(h => h.Matches(e)) is IBatchTurnHandler;
    }

    /// <summary>
    /// Runs many events at once inside <paramref name="s"/>, each as <see cref="HandleAsync"/> would,
    /// in order (every one must pass <see cref="CanBatch"/>): who, where, role and language are read
    /// set-wise for all of them, each handler takes all its turns together, and every reply is queued
    /// in one go at the end. The caller commits.
    /// </summary>
    public async Task HandleManyAsync(IReadOnlyList<ChatEvent> events, DbSession s)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.FirstOrDefault(e => !CanBatch(e)) is { } single)
            throw new ArgumentException($"A {single.Kind} event that no batch handler takes cannot run with others.", nameof(events));
        var replies = new ReplyBuffer();
        var byHandler = new Dictionary<TurnHandler, List<TurnContext>>();
        foreach (var turn in await ResolveAsync(events, s, replies))
        {
            if (turn is null) continue;
            replies.Place(turn);
            if (await AdmitAsync(turn) is not { } handler) continue;
            if (!byHandler.TryGetValue(handler, out var turns)) byHandler[handler] = turns = [];
            turns.Add(turn);
        }
        foreach (var (handler, turns) in byHandler) await ((IBatchTurnHandler)handler).HandleManyAsync(turns);
        await replies.FlushAsync(outbox, s);
    }

    // Who, where, which role and language, for every event at once (a few set-wise reads); null for an
    // event that asks nothing of anyone.
    private async Task<TurnContext?[]> ResolveAsync(IReadOnlyList<ChatEvent> events, DbSession s, ReplyBuffer? replies)
    {
        var wanted = events.Select(Wanted).ToArray();
        var learners = new Dictionary<(string, string), Learner>();
        var groupOfChat = new Dictionary<(string, string), long>();
        foreach (var channel in events.Where((_, i) => wanted[i]).GroupBy(e => e.Channel))
        {
            var people = channel.Where(e => e.From is not null).Select(e => e.From!.Id).Distinct(StringComparer.Ordinal).ToList();
            foreach (var (id, learner) in await directory.FindByIdentitiesAsync(s, channel.Key, people)) learners[(channel.Key, id)] = learner;
            var chats = channel.Where(e => e.Chat is not null && !e.IsPrivate).Select(e => e.Chat!.ChatId).Distinct(StringComparer.Ordinal).ToList();
            foreach (var (chat, group) in await LearnerDirectory.GroupsOfChatsAsync(s, channel.Key, chats)) groupOfChat[(channel.Key, chat)] = group;
        }
        var enrollments = await directory.EnrollmentsOfAsync(s, learners.Values.Select(l => l.Id).Distinct().ToList());
        var groups = await LearnerDirectory.GroupsAsync(s, groupOfChat.Values.Distinct().ToList());
        // A press in a group's chat is answered to the presser alone, in their own language: read at once
        // for those who chose none (a batch of quiz presses costs one read, not one each).
        var unchosen = events.Where((e, i) => wanted[i] && PressedInGroup(e, groupOfChat))
            .Select(e => e.From is null ? null : learners.GetValueOrDefault((e.Channel, e.From.Id)))
            .Where(l => l is { Language: null }).Select(l => l!.Id).Distinct().ToList();
        var languageOf = await directory.LanguagesOfAsync(s, unchosen);

        var turns = new TurnContext?[events.Count];
        for (int i = 0; i < events.Count; i++)
        {
            if (!wanted[i]) continue;
            var e = events[i];
            var learner = e.From is null ? null : learners.GetValueOrDefault((e.Channel, e.From.Id));
            long? groupId = e.Chat is not null && !e.IsPrivate && groupOfChat.TryGetValue((e.Channel, e.Chat.ChatId), out var g) ? g : null;
            var mine = learner is null ? [] : enrollments[learner.Id].ToList();
            (long CohortId, string Language)? group = groupId is { } id && groups.TryGetValue(id, out var found) ? found : null;
            // A group chat speaks its group's language; a person in private their own.
            var language = group?.Language ?? await refusals.PersonalLanguageAsync(s, e, learner);
            var turn = turns[i] = new TurnContext(e, s, outbox, catalog.For(language), replies)
            {
                Learner = learner, Role = Roles.Here(mine, groupId, e.IsPrivate), GroupId = groupId,
                CohortId = group?.CohortId ?? mine.FirstOrDefault()?.CohortId,
            };
            if (group is null) turn.Personal = turn.Text;
            else if (PressedInGroup(e, groupOfChat))
                turn.Personal = catalog.For(learner?.Language ?? (learner is not null ? languageOf[learner.Id] : await refusals.PersonalLanguageAsync(s, e, null)));
        }
        return turns;
    }

    private static bool PressedInGroup(ChatEvent e, Dictionary<(string, string), long> groupOfChat) =>
        e.Kind == ChatEventKind.Button && e.Chat is not null && !e.IsPrivate && groupOfChat.ContainsKey((e.Channel, e.Chat.ChatId));

    // What a person does always names the person; an update without its sender (a mangled or
    // anonymous-channel update) has no one to answer or credit, and handlers rely on From. Likewise a
    // message needs the chat it was said in (a button press may lack it: it answers with a toast).
    private static bool Wanted(ChatEvent e) =>
        e is not null && e.Kind != ChatEventKind.Ignored &&
        !(e.From is null && e.Kind is ChatEventKind.Message or ChatEventKind.Command or ChatEventKind.Button
            or ChatEventKind.PollAnswer or ChatEventKind.ContactShared) &&
        !(e.Chat is null && e.Kind is ChatEventKind.Message or ChatEventKind.Command or ChatEventKind.ContactShared);

    // The handler this turn goes to, once it may be used here by this person; null when none (the person
    // was told why, where telling is due).
    private async Task<TurnHandler?> AdmitAsync(TurnContext turn)
    {
        var e = turn.Event;
        TurnHandler? handler = null;
        foreach (var candidate in _handlers.Where(h => h.Matches(e)))
            if (await candidate.WantsAsync(turn)) { handler = candidate; break; }
        if (handler is null)
        {
            // In groups an unknown command may be another bot's: only private chats hear "unknown".
            if (e.Kind == ChatEventKind.Command && e.IsPrivate && e.Chat is not null)
                await turn.ReplyAsync(turn.Text.Get("turn.unknown_command", ("command", "/" + e.Command)));
            // Callbacks come only from our own messages, and none of ours carries such data: forged.
            else if (e.Kind == ChatEventKind.Button && e.From is not null)
                await refusals.RefuseButtonAsync(turn, Access.Unknown);
            return null;
        }
        if (handler.Scope != ChatScope.Any && e.Chat is null) return null; // no chat to tell where the button belongs
        if (handler.Scope == ChatScope.Private && !e.IsPrivate)
        {
            // A button of a private conversation never reaches a group's chat but by forging it.
            if (e.Kind == ChatEventKind.Button) await refusals.RefuseAsync(turn, (await refusals.PersonalTextAsync(turn))["turn.private_only"], Detail(handler, e));
            else await turn.ReplyAsync(turn.Text["turn.private_only"]);
            return null;
        }
        if (handler.Scope == ChatScope.Group && e.IsPrivate)
        {
            if (e.Kind == ChatEventKind.Button) await refusals.RefuseAsync(turn, turn.Text["turn.group_only"], Detail(handler, e));
            else await turn.ReplyAsync(turn.Text["turn.group_only"]);
            return null;
        }
        if (handler.RequiresRegistration && turn.Learner is null)
        {
            // Someone's poll vote or other background event is not a request: only commands and buttons are refused aloud.
            if (e.Kind is ChatEventKind.Command or ChatEventKind.Button)
                // In private they are already where registering starts: only /start is missing.
                await refusals.RefuseAsync(turn, (await refusals.PersonalTextAsync(turn))[e.IsPrivate ? "turn.not_registered_private" : "turn.not_registered"],
                    Detail(handler, e));
            return null;
        }
        if (turn.Role < handler.RequiredRole)
        {
            await refusals.RefuseRoleAsync(turn, handler.RequiredRole, Detail(handler, e));
            return null;
        }
        return handler;
    }

    private static string Detail(TurnHandler handler, ChatEvent e) => handler.Command is { } c ? "/" + c : e.ButtonData ?? e.Kind.ToString();
}
