using System.Collections.Concurrent;
using Academy.Learning.Storage;
using Academy.Learning.Content;

namespace Academy.BotHost.Channels.BotFramework;

/// <summary>Where to POST to reach one of Academy's Bot Framework chats.</summary>
/// <param name="ChatId">Academy's address (see <see cref="BotFrameworkMapper"/>).</param>
/// <param name="ConversationId">The connector's conversation id.</param>
public sealed record ConversationReference(string ChatId, string ConversationId, string ServiceUrl, string ChannelId,
    string BotId, string? TenantId, bool IsGroup)
{
    /// <summary>The reference an Activity proves (it came signed from the connector), or null when it names no conversation.</summary>
    public static ConversationReference? Of(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.Conversation?.Id is not { Length: > 0 } conversationId || activity.From?.Id is not { Length: > 0 }
            || activity.ServiceUrl is not { Length: > 0 } serviceUrl || activity.Recipient?.Id is not { Length: > 0 } botId)
            return null;
        var isPrivate = BotFrameworkMapper.IsPrivate(activity);
        return new ConversationReference(
            BotFrameworkMapper.ChatIdOf(activity),
            isPrivate ? conversationId : BotFrameworkMapper.BaseConversationId(conversationId),
            serviceUrl.TrimEnd('/'), activity.ChannelId ?? "", botId,
            activity.Conversation.TenantId ?? TenantOf(activity), !isPrivate);
    }

    private static string? TenantOf(Activity activity) =>
        activity.ChannelData is { ValueKind: System.Text.Json.JsonValueKind.Object } data
        && data.TryGetProperty("tenant", out var tenant) && tenant.ValueKind == System.Text.Json.JsonValueKind.Object
        && tenant.TryGetProperty("id", out var id) && id.ValueKind == System.Text.Json.JsonValueKind.String
            ? id.GetString() : null;
}

/// <summary>
/// The stored conversation references: written from every signed Activity, read by the channel
/// client for replies and for pushes the scheduler makes into any bound chat, on any host. The
/// in-memory copy only spares a write when nothing changed; reads go to the store.
/// </summary>
public sealed class ConversationReferences(AcademyDatabase database, TimeProvider time)
{
    private static readonly TimeSpan Remembered = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, (ConversationReference Reference, DateTimeOffset At)> _written = new();

    public async Task RememberAsync(ConversationReference reference, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var now = time.GetUtcNow();
        if (_written.TryGetValue(reference.ChatId, out var known) && known.Reference == reference && now - known.At < Remembered) return;
        await using (var s = await database.BeginAsync(ct))
        {
            await s.ExecuteAsync(
                """
                INSERT INTO botframework_conversations (chat_id, conversation_id, service_url, channel_id, bot_id, tenant_id, is_group, updated_at)
                VALUES (@ChatId, @ConversationId, @ServiceUrl, @ChannelId, @BotId, @TenantId, @group, @now)
                ON CONFLICT (chat_id) DO UPDATE SET conversation_id = excluded.conversation_id, service_url = excluded.service_url,
                    channel_id = excluded.channel_id, bot_id = excluded.bot_id, tenant_id = excluded.tenant_id,
                    is_group = excluded.is_group, updated_at = excluded.updated_at
                """,
                new
                {
                    reference.ChatId, reference.ConversationId, reference.ServiceUrl, reference.ChannelId, reference.BotId,
                    reference.TenantId, group = reference.IsGroup ? 1 : 0, now = now.ToUnixTimeMilliseconds(),
                });
            await s.CommitAsync(ct);
        }
        _written[reference.ChatId] = (reference, now);
    }

    public async Task<ConversationReference?> FindAsync(string chatId, CancellationToken ct = default)
    {
        await using var s = await database.BeginReadAsync(ct);
        var row = await s.QuerySingleOrDefaultAsync<Row>(
            """
            SELECT chat_id AS ChatId, conversation_id AS ConversationId, service_url AS ServiceUrl, channel_id AS ChannelId,
                bot_id AS BotId, tenant_id AS TenantId, is_group AS IsGroup
            FROM botframework_conversations WHERE chat_id = @chatId
            """, new { chatId });
        return row is null ? null
            : new ConversationReference(row.ChatId, row.ConversationId, row.ServiceUrl, row.ChannelId, row.BotId, row.TenantId, row.IsGroup != 0);
    }

    private sealed class Row
    {
        public string ChatId { get; init; } = "";
        public string ConversationId { get; init; } = "";
        public string ServiceUrl { get; init; } = "";
        public string ChannelId { get; init; } = "";
        public string BotId { get; init; } = "";
        public string? TenantId { get; init; }
        public long IsGroup { get; init; }
    }
}
