using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Channels;

/// <summary>What the bot is allowed to do in a group chat, as far as the platform says.</summary>
/// <param name="CanSend">The bot may post messages there.</param>
/// <param name="IsAdministrator">The bot is an administrator (sees members join and leave).</param>
/// <param name="SeesAllMessages">The bot receives every message, not just commands and replies (Telegram privacy mode off).</param>
public sealed record ChatAbilities(bool CanSend, bool IsAdministrator, bool SeesAllMessages)
{
    /// <summary>A catalog key with what the channel cannot check or works differently, said after the checks.</summary>
    public string? NoteKey { get; init; }
}

/// <summary>A channel that can tell what the bot may do in a chat (used when a group is bound).</summary>
public interface IChatInspector
{
    string Channel { get; }

    /// <summary>The bot's abilities in the chat, or null when the platform did not answer in time.</summary>
    Task<ChatAbilities?> InspectAsync(ChatAddress chat, CancellationToken ct);
}
