using Academy.BotHost.Channels;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;

namespace Academy.BotHost.Pipeline;

/// <summary>
/// One turn: the event, who sent it (resolved against the roster), where (the study group a chat is
/// bound to), the language to answer in, and the transaction every effect and reply goes through.
/// </summary>
public sealed class TurnContext(ChatEvent @event, DbSession session, Outbox outbox, Localizer text)
{
    private int _replies;

    public ChatEvent Event { get; } = @event;
    public DbSession Session { get; } = session;
    public Localizer Text { get; set; } = text;

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
    public Task SendAsync(OutgoingMessage message) =>
        outbox.EnqueueAsync(Session, $"turn/{Event.Channel}/{Event.UpdateId}/{_replies++}", message);

    /// <summary>Acknowledges a button press, with a short notice shown to the presser.</summary>
    public Task AnswerButtonAsync(string? notice)
    {
        if (Event.CallbackId is null || Event.Chat is null) return Task.CompletedTask;
        return SendAsync(new OutgoingMessage { To = Event.Chat, AnswersCallbackId = Event.CallbackId, Text = notice });
    }
}
