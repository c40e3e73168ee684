using Academy.BotHost.Channels;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Chat;

/// <summary>
/// One turn: the event, who sent it (resolved against the roster), where (the study group a chat is
/// bound to), the language to answer in, and the transaction every effect and reply goes through.
/// </summary>
public sealed class TurnContext(ChatEvent @event, DbSession session, Outbox outbox, Localizer text, ReplyBuffer? replies = null)
{
    private int _replies;
    private Localizer? _personal;

    public ChatEvent Event { get; } = @event;
    public DbSession Session { get; } = session;

    /// <summary>The language of the chat: a group's own in its chat, the person's in private. Replies to the chat use it.</summary>
    public Localizer Text { get; set; } = text;

    /// <summary>
    /// The language the sender reads, even in a group chat that speaks another: what is said to them
    /// alone (a toast, a private notice) uses it. Known for every button press and every turn outside a
    /// group's chat; <see cref="Refusals.PersonalTextAsync"/> finds it for the rest.
    /// </summary>
    public Localizer Personal
    {
        get => Event.IsPrivate ? Text : _personal ?? Text;
        set => _personal = value;
    }

    /// <summary>Whether <see cref="Personal"/> is the sender's own language rather than the group chat's.</summary>
    public bool KnowsPersonal => Event.IsPrivate || _personal is not null;

    /// <summary>The roster learner behind the sender, or null for someone not (yet) registered.</summary>
    public Learner? Learner { get; init; }

    /// <summary>The sender's role here: admin anywhere; liaison in their own group chats (and in private); else learner.</summary>
    public Role Role { get; init; }

    /// <summary>The study group the chat is bound to (group chats only).</summary>
    public long? GroupId { get; init; }

    /// <summary>The cohort of that group, or of the sender's latest enrollment in private.</summary>
    public long? CohortId { get; init; }

    /// <summary>Queues a reply into the chat the event came from (same transaction as the turn's effects).</summary>
    public Task ReplyAsync(string text, IReadOnlyList<IReadOnlyList<Button>>? buttons = null, TextFormat format = TextFormat.Plain) =>
        SendAsync(new OutgoingMessage
        {
            To = Event.Chat ?? throw new InvalidOperationException("This event has no chat to reply to."),
            Text = text,
            Buttons = buttons ?? [],
            Format = format,
        });

    /// <summary>Queues any message; its idempotency key derives from the update, so a re-run queues nothing new.</summary>
    public Task SendAsync(OutgoingMessage message)
    {
        var key = $"turn/{Event.Channel}/{Event.UpdateId}/{_replies++}";
        if (replies is null) return outbox.EnqueueAsync(Session, key, message);
        replies.Add(this, key, message);
        return Task.CompletedTask;
    }

    /// <summary>Acknowledges a button press, with a short notice shown to the presser.</summary>
    public Task AnswerButtonAsync(string? notice)
    {
        if (Event.CallbackId is null || Event.Chat is null) return Task.CompletedTask;
        return SendAsync(new OutgoingMessage { To = Event.Chat, AnswersCallbackId = Event.CallbackId, Text = notice });
    }

    /// <summary>
    /// The buttons of the message just pressed are spent (a one-time choice was made, or they no
    /// longer apply): they are taken off it, and <paramref name="choice"/>, when given, is shown in
    /// their place. Queue it after the turn's replies: on a paced chat it need not hold them up.
    /// </summary>
    public Task SpendButtonsAsync(string? choice = null)
    {
        if (Event.ButtonMessageId is null || Event.Chat is null) return Task.CompletedTask;
        return SendAsync(SpentButtons.Message(Event.Chat, choice, Text) with { EditMessageId = Event.ButtonMessageId });
    }
}

/// <summary>Taking spent buttons off an earlier message.</summary>
public static class SpentButtons
{
    /// <summary>
    /// The change that takes the buttons off an earlier message (name it with Edits or EditMessageId),
    /// with "✓ choice" shown in their place when a choice is given.
    /// </summary>
    public static OutgoingMessage Message(ChatAddress chat, string? choice, Localizer text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new OutgoingMessage
        {
            To = chat,
            EditsButtonsOnly = true,
            Text = string.IsNullOrWhiteSpace(choice) ? null : text.Get("buttons.chosen", ("choice", choice)),
        };
    }
}

/// <summary>
/// The replies of a batch of turns, queued together when the batch is done (one multi-row insert for
/// all of them instead of one statement each), in the order of the turns and, within one, of its replies.
/// </summary>
public sealed class ReplyBuffer
{
    private readonly Dictionary<TurnContext, int> _order = [];
    private readonly List<(int Turn, int Seq, string Key, OutgoingMessage Message)> _queued = [];

    /// <summary>Gives a turn its place: its replies go after those of the turns placed before it.</summary>
    public void Place(TurnContext turn) => _order.TryAdd(turn, _order.Count);

    internal void Add(TurnContext turn, string key, OutgoingMessage message)
    {
        Place(turn);
        _queued.Add((_order[turn], _queued.Count, key, message));
    }

    /// <summary>Queues everything added, in turn order, into the outbox inside <paramref name="s"/>.</summary>
    public async Task FlushAsync(Outbox outbox, DbSession s)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        if (_queued.Count == 0) return;
        await outbox.EnqueueManyAsync(s, _queued.OrderBy(q => q.Turn).ThenBy(q => q.Seq).Select(q => (q.Key, q.Message)).ToList());
        _queued.Clear();
    }
}
