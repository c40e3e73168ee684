using Academy.Learning.Model;
using Academy.Learning.Storage;

namespace Academy.Learning.People;

/// <summary>
/// The statements on people and where they can be reached: learners, enrollments,
/// channel_identities, group_chats and chat_arrivals. Rules about them (who is linked to whom, which
/// language, which role) are <see cref="LearnerDirectory"/>'s, <see cref="Registration"/>'s and
/// <see cref="Roles"/>'.
/// </summary>
public static class PeopleStore
{
    private const string SelectLearner = "SELECT id, name, phone, language, email FROM learners";

    /// <summary>The learner whose roster phone is <paramref name="e164"/> (already normalised), or null.</summary>
    public static async Task<Learner?> FindByPhoneAsync(DbSession s, string e164)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Map(await s.QuerySingleOrDefaultAsync<LearnerRow>(SelectLearner + " WHERE phone = @e164", new { e164 }));
    }

    /// <summary>At most two learners whose roster e-mail is <paramref name="email"/>, ignoring case (two: it is not unique).</summary>
    public static async Task<IReadOnlyList<Learner>> FindByEmailAsync(DbSession s, string email)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<LearnerRow>(SelectLearner + " WHERE LOWER(email) = LOWER(@email) LIMIT 2", new { email }))
            .Select(r => Map(r)!).ToList();
    }

    /// <summary>A learner's roster name, or null when there is no such learner.</summary>
    public static Task<string?> NameAsync(DbSession s, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.QuerySingleOrDefaultAsync<string?>("SELECT name FROM learners WHERE id = @learnerId", new { learnerId });
    }

    /// <summary>Sets the language a learner chose.</summary>
    public static Task SetLanguageAsync(DbSession s, long learnerId, string language)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.ExecuteAsync("UPDATE learners SET language = @language WHERE id = @learnerId", new { language, learnerId });
    }

    private static readonly DialectSql ByIdentities = new(d =>
        $"""
        SELECT ci.external_id AS ExternalId, l.id, l.name, l.phone, l.language, l.email
        FROM channel_identities ci JOIN learners l ON l.id = ci.learner_id
        WHERE ci.channel = @channel AND {d.InList("ci.external_id", "ids")}
        """);

    /// <summary>The learners behind accounts on a channel, by account id (those linked).</summary>
    public static async Task<IReadOnlyDictionary<string, Learner>> FindByIdentitiesAsync(DbSession s, string channel, IReadOnlyCollection<string> externalIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(externalIds);
        if (externalIds.Count == 0) return new Dictionary<string, Learner>();
        var rows = await s.QueryAsync<IdentityRow>(ByIdentities[s.Dialect], new { channel, ids = SqlList.Of(externalIds) });
        return rows.ToDictionary(r => r.ExternalId, r => Map(r)!, StringComparer.Ordinal);
    }

    /// <summary>Binds a channel account to a learner, moving it from anyone it was bound to, and makes it reachable again.</summary>
    public static Task LinkIdentityAsync(DbSession s, string channel, string externalId, long learnerId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.ExecuteAsync(
            """
            INSERT INTO channel_identities (channel, external_id, learner_id, linked_at) VALUES (@channel, @externalId, @learnerId, @now)
            ON CONFLICT (channel, external_id) DO UPDATE SET learner_id = excluded.learner_id, linked_at = excluded.linked_at,
                unreachable_at = NULL
            """, new { channel, externalId, learnerId, now = now.ToUnixTimeMilliseconds() });
    }

    /// <summary>Whether the learner is linked on <paramref name="channel"/> through an account other than <paramref name="externalId"/>.</summary>
    public static async Task<bool> IsLinkedElsewhereAsync(DbSession s, string channel, long learnerId, string externalId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await s.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM channel_identities WHERE channel = @channel AND learner_id = @learnerId AND external_id <> @externalId",
            new { channel, learnerId, externalId }) > 0;
    }

    /// <summary>A group chat goes inactive; a person's private chat is noted unreachable (from <paramref name="now"/>, if not already).</summary>
    public static async Task MarkUnreachableAsync(DbSession s, ChatAddress chat, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(chat);
        await s.ExecuteAsync("UPDATE group_chats SET active = 0 WHERE channel = @Channel AND chat_id = @ChatId", new { chat.Channel, chat.ChatId });
        await s.ExecuteAsync(
            "UPDATE channel_identities SET unreachable_at = @now WHERE channel = @Channel AND external_id = @ChatId AND unreachable_at IS NULL",
            new { chat.Channel, chat.ChatId, now = now.ToUnixTimeMilliseconds() });
    }

    /// <summary>Whether the person can be written to privately on a channel (linked, and not refused).</summary>
    public static async Task<bool> IsReachableAsync(DbSession s, string channel, string externalId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await s.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM channel_identities WHERE channel = @channel AND external_id = @externalId AND unreachable_at IS NULL",
            new { channel, externalId }) > 0;
    }

    /// <summary>Records the bot's arrival in a chat; true only when it was not recorded yet.</summary>
    public static async Task<bool> RecordArrivalAsync(DbSession s, ChatAddress chat, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(chat);
        return await s.ExecuteAsync(
            "INSERT INTO chat_arrivals (channel, chat_id, arrived_at) VALUES (@Channel, @ChatId, @now) ON CONFLICT (channel, chat_id) DO NOTHING",
            new { chat.Channel, chat.ChatId, now = now.ToUnixTimeMilliseconds() }) > 0;
    }

    /// <summary>Forgets the bot's arrival in a chat.</summary>
    public static Task RecordDepartureAsync(DbSession s, ChatAddress chat)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(chat);
        return s.ExecuteAsync("DELETE FROM chat_arrivals WHERE channel = @Channel AND chat_id = @ChatId", new { chat.Channel, chat.ChatId });
    }

    private static readonly DialectSql EnrollmentsOf = new(d =>
        $"""
        SELECT e.cohort_id, e.learner_id, e.group_id, e.role FROM enrollments e JOIN cohorts c ON c.id = e.cohort_id
        WHERE {d.InList("e.learner_id", "ids")} ORDER BY c.start_date DESC, c.id DESC
        """);

    /// <summary>Each learner's enrollments, newest cohort first.</summary>
    public static async Task<ILookup<long, Enrollment>> EnrollmentsOfAsync(DbSession s, IReadOnlyCollection<long> learnerIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(learnerIds);
        if (learnerIds.Count == 0) return Array.Empty<Enrollment>().ToLookup(e => e.LearnerId);
        var rows = await s.QueryAsync<EnrollmentRow>(EnrollmentsOf[s.Dialect], new { ids = SqlList.Of(learnerIds) });
        return rows.Select(r => new Enrollment(r.CohortId, r.LearnerId, r.GroupId, Enum.Parse<Role>(r.Role, ignoreCase: true)))
            .ToLookup(e => e.LearnerId);
    }

    /// <summary>The (cohort, group) pairs a learner is enrolled in as a learner of a group.</summary>
    public static async Task<IReadOnlyList<(long CohortId, long GroupId)>> LearnerGroupsAsync(DbSession s, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(long CohortId, long GroupId)>(
            "SELECT cohort_id, group_id FROM enrollments WHERE learner_id = @learnerId AND role = 'learner' AND group_id IS NOT NULL",
            new { learnerId })).ToList();
    }

    /// <summary>Where a learner is enrolled in their newest cohort (its name and id, their group and role), or null.</summary>
    public static Task<EnrolledPlace?> NewestPlaceAsync(DbSession s, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.QuerySingleOrDefaultAsync<EnrolledPlace>(
            """
            SELECT c.name AS Cohort, c.id AS CohortId, g.code AS GroupCode, g.name AS GroupName, e.role AS Role FROM enrollments e
            JOIN cohorts c ON c.id = e.cohort_id LEFT JOIN study_groups g ON g.id = e.group_id
            WHERE e.learner_id = @learnerId ORDER BY c.start_date DESC LIMIT 1
            """, new { learnerId });
    }

    /// <summary>A learner's own language, else their newest enrollment's group's or cohort's; null when none is set.</summary>
    public static Task<string?> LanguageOfAsync(DbSession s, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.QuerySingleOrDefaultAsync<string?>(
            """
            SELECT COALESCE(l.language, g.language, c.language)
            FROM learners l
            LEFT JOIN enrollments e ON e.learner_id = l.id
            LEFT JOIN study_groups g ON g.id = e.group_id
            LEFT JOIN cohorts c ON c.id = e.cohort_id
            WHERE l.id = @learnerId
            ORDER BY c.start_date DESC
            LIMIT 1
            """, new { learnerId });
    }

    private static readonly DialectSql LanguagesOf = new(d =>
        $"""
        SELECT l.id, COALESCE(l.language, g.language, c.language)
        FROM learners l
        LEFT JOIN enrollments e ON e.learner_id = l.id
        LEFT JOIN study_groups g ON g.id = e.group_id
        LEFT JOIN cohorts c ON c.id = e.cohort_id
        WHERE {d.InList("l.id", "ids")}
        ORDER BY c.start_date DESC, c.id DESC
        """);

    /// <summary>
    /// <see cref="LanguageOfAsync"/> for many learners: one row per enrollment (or one for none), the
    /// newest cohort first, so the first row of each learner is theirs.
    /// </summary>
    public static async Task<IReadOnlyList<(long LearnerId, string? Language)>> LanguagesOfAsync(DbSession s, IReadOnlyCollection<long> learnerIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(learnerIds);
        if (learnerIds.Count == 0) return [];
        return (await s.QueryAsync<(long LearnerId, string? Language)>(LanguagesOf[s.Dialect], new { ids = SqlList.Of(learnerIds) })).ToList();
    }

    /// <summary>
    /// Makes <paramref name="chat"/> the chat of <paramref name="groupId"/> on its channel: any other chat
    /// of the group on that channel is let go, and the chat is (re)activated or moved to this group.
    /// </summary>
    public static async Task BindGroupChatAsync(DbSession s, long groupId, ChatAddress chat, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(chat);
        await s.ExecuteAsync(
            "UPDATE group_chats SET active = 0 WHERE group_id = @groupId AND channel = @Channel AND chat_id <> @ChatId",
            new { groupId, chat.Channel, chat.ChatId });
        await s.ExecuteAsync(
            """
            INSERT INTO group_chats (channel, chat_id, group_id, thread_id, active, bound_at)
            VALUES (@Channel, @ChatId, @groupId, @ThreadId, 1, @now)
            ON CONFLICT (channel, chat_id) DO UPDATE SET group_id = excluded.group_id, thread_id = excluded.thread_id,
                active = 1, bound_at = excluded.bound_at
            """, new { chat.Channel, chat.ChatId, groupId, chat.ThreadId, now = now.ToUnixTimeMilliseconds() });
    }

    private static readonly DialectSql GroupsOfChats = new(d =>
        $"SELECT chat_id, group_id FROM group_chats WHERE channel = @channel AND {d.InList("chat_id", "ids")} AND active = 1");

    /// <summary>The study groups chats on a channel are bound to, by chat id (those bound).</summary>
    public static async Task<IReadOnlyDictionary<string, long>> GroupsOfChatsAsync(DbSession s, string channel, IReadOnlyCollection<string> chatIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(chatIds);
        if (chatIds.Count == 0) return new Dictionary<string, long>();
        var rows = await s.QueryAsync<(string ChatId, long GroupId)>(GroupsOfChats[s.Dialect], new { channel, ids = SqlList.Of(chatIds) });
        return rows.ToDictionary(r => r.ChatId, r => r.GroupId, StringComparer.Ordinal);
    }

    /// <summary>The active chats of a study group, one per channel.</summary>
    public static async Task<IReadOnlyList<ChatAddress>> ChatsOfGroupAsync(DbSession s, long groupId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var rows = await s.QueryAsync<(string Channel, string ChatId, string? ThreadId)>(
            "SELECT channel, chat_id, thread_id FROM group_chats WHERE group_id = @groupId AND active = 1 ORDER BY channel", new { groupId });
        return rows.Select(r => new ChatAddress(r.Channel, r.ChatId, r.ThreadId)).ToList();
    }

    /// <summary>
    /// A chat's new id takes over its binding (the old id goes inactive), and the messages still
    /// waiting for the old id go to the new one.
    /// </summary>
    public static async Task MoveChatAsync(DbSession s, ChatAddress chat, string newChatId)
    {
        // The outbox statement belongs with the outbox's own store; it stays beside the binding's move,
        // in the same transaction, until that store offers it.
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(chat);
        var p = new { chat.Channel, oldId = chat.ChatId, newChatId };
        await s.ExecuteAsync(
            """
            INSERT INTO group_chats (channel, chat_id, group_id, thread_id, active, bound_at)
            SELECT channel, @newChatId, group_id, thread_id, active, bound_at FROM group_chats WHERE channel = @Channel AND chat_id = @oldId
            ON CONFLICT (channel, chat_id) DO NOTHING
            """, p);
        await s.ExecuteAsync("UPDATE group_chats SET active = 0 WHERE channel = @Channel AND chat_id = @oldId", p);
        await s.ExecuteAsync("UPDATE outbox SET chat_id = @newChatId WHERE channel = @Channel AND chat_id = @oldId AND status = 'pending'", p);
    }

    private static Learner? Map(LearnerRow? r) => r is null ? null : new Learner(r.Id, r.Name, r.Phone, r.Language, r.Email);

    private sealed class IdentityRow : LearnerRow
    {
        public string ExternalId { get; init; } = "";
    }

    private class LearnerRow
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public string Phone { get; init; } = "";
        public string? Language { get; init; }
        public string? Email { get; init; }
    }

    private sealed class EnrollmentRow
    {
        public long CohortId { get; init; }
        public long LearnerId { get; init; }
        public long? GroupId { get; init; }
        public string Role { get; init; } = "";
    }
}

/// <summary>Where a learner is enrolled: the cohort's stored name and id, their group's code and stored name (none for an admin), their role.</summary>
public sealed class EnrolledPlace
{
    public string Cohort { get; init; } = "";
    public long? CohortId { get; init; }
    public string? GroupCode { get; init; }
    public string? GroupName { get; init; }
    public string Role { get; init; } = "learner";
}
