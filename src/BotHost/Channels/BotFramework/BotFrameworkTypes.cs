using System.Text.Json;
using System.Text.Json.Serialization;

namespace Academy.BotHost.Channels.BotFramework;

// The parts of the Bot Framework Activity schema Academy reads. Unknown fields are ignored; every
// field is optional, because channels differ in what they fill in.

public sealed record Activity
{
    public string? Type { get; init; }
    public string? Id { get; init; }
    public string? Timestamp { get; init; }
    public string? ServiceUrl { get; init; }
    public string? ChannelId { get; init; }
    public ChannelAccount? From { get; init; }
    public ConversationAccount? Conversation { get; init; }
    public ChannelAccount? Recipient { get; init; }
    public string? Text { get; init; }
    public string? Locale { get; init; }
    public string? Name { get; init; }
    public string? ReplyToId { get; init; }
    /// <summary>installationUpdate: add or remove.</summary>
    public string? Action { get; init; }
    public JsonElement? Value { get; init; }
    public IReadOnlyList<ChannelAccount>? MembersAdded { get; init; }
    public IReadOnlyList<ChannelAccount>? MembersRemoved { get; init; }
    public IReadOnlyList<Entity>? Entities { get; init; }
    public JsonElement? ChannelData { get; init; }
}

public sealed record ChannelAccount
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public string? AadObjectId { get; init; }
    public string? Role { get; init; }
}

public sealed record ConversationAccount
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public bool? IsGroup { get; init; }
    /// <summary>Teams: personal, groupChat or channel.</summary>
    public string? ConversationType { get; init; }
    public string? TenantId { get; init; }
}

public sealed record Entity
{
    public string? Type { get; init; }
    public string? Text { get; init; }
    public ChannelAccount? Mentioned { get; init; }
}

/// <summary>A member as the connector's roster API returns it (Teams adds e-mail and UPN).</summary>
public sealed record ConversationMember
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public string? Email { get; init; }
    public string? UserPrincipalName { get; init; }
}

internal static class BotFrameworkJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
