using Academy.Learning.Storage;

namespace Academy.Learning.People;

/// <summary>
/// Where a person is in a conversation with the bot (conversation_state, one row per person and
/// channel): the state a feature names (registration's <c>awaiting_contact</c>, an announcement
/// draft's step …) and the language picked at /start before they are registered. Kept in the store,
/// so a restart or another host continues the conversation.
/// </summary>
public static class ConversationStore
{
    /// <summary>The state a person is in on a channel, or null.</summary>
    public static Task<string?> StateAsync(DbSession s, string channel, string userId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.QuerySingleOrDefaultAsync<string?>(
            "SELECT state FROM conversation_state WHERE channel = @channel AND user_id = @userId", new { channel, userId });
    }

    /// <summary>The language a person picked at /start, if any.</summary>
    public static Task<string?> ChosenLanguageAsync(DbSession s, string channel, string userId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.QuerySingleOrDefaultAsync<string?>(
            "SELECT language FROM conversation_state WHERE channel = @channel AND user_id = @userId", new { channel, userId });
    }

    /// <summary>Puts the person in <paramref name="state"/> with the language they chose.</summary>
    public static Task SetStateAndLanguageAsync(DbSession s, string channel, string userId, string state, string language, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.ExecuteAsync(
            """
            INSERT INTO conversation_state (channel, user_id, state, language, updated_at) VALUES (@channel, @userId, @state, @language, @now)
            ON CONFLICT (channel, user_id) DO UPDATE SET state = excluded.state, language = excluded.language, updated_at = excluded.updated_at
            """, new { channel, userId, state, language, now = now.ToUnixTimeMilliseconds() });
    }

    /// <summary>Puts the person in <paramref name="state"/>, keeping any language they chose.</summary>
    public static Task SetStateAsync(DbSession s, string channel, string userId, string state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.ExecuteAsync(
            """
            INSERT INTO conversation_state (channel, user_id, state, updated_at) VALUES (@channel, @userId, @state, @now)
            ON CONFLICT (channel, user_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
            """, new { channel, userId, state, now = now.ToUnixTimeMilliseconds() });
    }

    /// <summary>Forgets where the person is, and the language they picked (registered, it is theirs).</summary>
    public static Task ClearAsync(DbSession s, string channel, string userId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.ExecuteAsync("DELETE FROM conversation_state WHERE channel = @channel AND user_id = @userId", new { channel, userId });
    }

    /// <summary>Forgets where the person is when their state begins with <paramref name="prefix"/> (a feature's own states), leaving any other.</summary>
    public static Task ClearStateStartingWithAsync(DbSession s, string channel, string userId, string prefix)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        // LIKE's wildcards in a prefix would widen it: feature prefixes are letters and a colon.
        if (prefix.AsSpan().IndexOfAny('%', '_') >= 0) throw new ArgumentException("A state prefix cannot hold LIKE wildcards.", nameof(prefix));
        return s.ExecuteAsync("DELETE FROM conversation_state WHERE channel = @channel AND user_id = @userId AND state LIKE @pattern",
            new { channel, userId, pattern = prefix + "%" });
    }
}
