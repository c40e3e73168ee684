using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Model;

/// <summary>
/// Where a message goes, in channel-neutral terms: a channel name ("telegram", "playground", …),
/// the chat id as the channel spells it, and an optional thread (forum topic) inside that chat.
/// </summary>
public sealed record ChatAddress(string Channel, string ChatId, string? ThreadId = null)
{
    public override string ToString() => ThreadId is null ? $"{Channel}:{ChatId}" : $"{Channel}:{ChatId}#{ThreadId}";
}
