using Academy.BotHost.Channels;
using Academy.BotHost.Pipeline;

namespace Academy.BotHost.Handlers;

/// <summary>The bot was added to a group: explain how to bind it.</summary>
public sealed class BotAddedHandler() : Pipeline.EventHandler(ChatEventKind.BotAdded)
{
    public override bool RequiresRegistration => false;

    public override ChatScope Scope => ChatScope.Group;

    public override Task HandleAsync(TurnContext turn) =>
        turn.GroupId is null ? turn.ReplyAsync(turn.Text["group.added"]) : Task.CompletedTask;
}

/// <summary>
/// The bot was removed from a group (its chat goes inactive; the binding is kept for a re-add), or
/// blocked by a person in private (their private chat is unreachable until they start it again).
/// </summary>
public sealed class BotRemovedHandler(Learning.Record.LearnerDirectory directory) : Pipeline.EventHandler(ChatEventKind.BotRemoved)
{
    public override bool RequiresRegistration => false;

    public override async Task HandleAsync(TurnContext turn)
    {
        if (turn.Event.Chat is { } chat) await directory.MarkUnreachableAsync(turn.Session, chat);
    }
}

/// <summary>
/// A group upgraded to a supergroup has a new chat id: the binding and the messages still waiting to
/// be sent move with it, so the group is not lost.
/// </summary>
public sealed class ChatMigratedHandler() : Pipeline.EventHandler(ChatEventKind.ChatMigrated)
{
    public override bool RequiresRegistration => false;

    public override async Task HandleAsync(TurnContext turn)
    {
        if (turn.Event.Chat is not { } chat || turn.Event.MigratedToChatId is not { } newId) return;
        await ChatMigration.MoveAsync(turn.Session, chat.Channel, chat.ChatId, newId);
    }
}

/// <summary>Moves a chat's binding and pending messages to its new id.</summary>
public static class ChatMigration
{
    public static async Task MoveAsync(Learning.Storage.DbSession s, string channel, string oldId, string newId)
    {
        ArgumentNullException.ThrowIfNull(s);
        await s.ExecuteAsync(
            """
            INSERT INTO group_chats (channel, chat_id, group_id, thread_id, active, bound_at)
            SELECT channel, @newId, group_id, thread_id, active, bound_at FROM group_chats WHERE channel = @channel AND chat_id = @oldId
            ON CONFLICT (channel, chat_id) DO NOTHING
            """, new { channel, oldId, newId });
        await s.ExecuteAsync("UPDATE group_chats SET active = 0 WHERE channel = @channel AND chat_id = @oldId", new { channel, oldId });
        await s.ExecuteAsync(
            "UPDATE outbox SET chat_id = @newId WHERE channel = @channel AND chat_id = @oldId AND status = 'pending'",
            new { channel, oldId, newId });
    }
}
