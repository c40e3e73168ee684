using Academy.BotHost.Channels;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;

namespace Academy.BotHost.Features.Groups;

/// <summary>
/// The bot was added to a group: explain how to bind it, once per arrival (Telegram reports an arrival
/// twice: my_chat_member and the new_chat_members service message).
/// </summary>
public sealed class BotAddedHandler(Academy.Learning.People.LearnerDirectory directory) : ChatEventHandler(ChatEventKind.BotAdded)
{
    public override bool RequiresRegistration => false;

    public override ChatScope Scope => ChatScope.Group;

    public override async Task HandleAsync(TurnContext turn)
    {
        if (turn.Event.Chat is not { } chat || !await directory.RecordArrivalAsync(turn.Session, chat with { ThreadId = null })) return;
        if (turn.GroupId is null) await turn.ReplyAsync(turn.Text["group.added"]);
    }
}

/// <summary>
/// The bot was removed from a group (its chat goes inactive; the binding is kept for a re-add), or
/// blocked by a person in private (their private chat is unreachable until they start it again).
/// </summary>
public sealed class BotRemovedHandler(Academy.Learning.People.LearnerDirectory directory) : ChatEventHandler(ChatEventKind.BotRemoved)
{
    public override bool RequiresRegistration => false;

    public override async Task HandleAsync(TurnContext turn)
    {
        if (turn.Event.Chat is not { } chat) return;
        await directory.MarkUnreachableAsync(turn.Session, chat);
        await Academy.Learning.People.LearnerDirectory.RecordDepartureAsync(turn.Session, chat with { ThreadId = null });
    }
}

/// <summary>
/// A group upgraded to a supergroup has a new chat id: the binding and the messages still waiting to
/// be sent move with it, so the group is not lost.
/// </summary>
public sealed class ChatMigratedHandler(Academy.Learning.People.LearnerDirectory directory) : ChatEventHandler(ChatEventKind.ChatMigrated)
{
    public override bool RequiresRegistration => false;

    public override async Task HandleAsync(TurnContext turn)
    {
        if (turn.Event.Chat is not { } chat || turn.Event.MigratedToChatId is not { } newId) return;
        await directory.MoveChatAsync(turn.Session, chat, newId);
    }
}
