using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.People;

/// <summary>
/// Finds people by phone or by their account on a channel, links channel accounts to roster
/// learners, and answers what role and language a person has.
/// </summary>
public sealed class LearnerDirectory(TimeProvider time)
{
    private const string SelectLearner = "SELECT id, name, phone, language, email FROM learners";

    public async Task<Learner?> FindByPhoneAsync(DbSession s, string phone)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (!PhoneNumber.TryNormalize(phone, out var e164)) return null;
        return Map(await s.QuerySingleOrDefaultAsync<LearnerRow>(SelectLearner + " WHERE phone = @e164", new { e164 }));
    }

    /// <summary>The learner whose roster e-mail is <paramref name="email"/>, ignoring case; null when none or several share it.</summary>
    public async Task<Learner?> FindByEmailAsync(DbSession s, string? email)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@', StringComparison.Ordinal)) return null;
        var found = (await s.QueryAsync<LearnerRow>(SelectLearner + " WHERE LOWER(email) = LOWER(@email) LIMIT 2", new { email = email.Trim() })).ToList();
        return found.Count == 1 ? Map(found[0]) : null;
    }

    public async Task<Learner?> FindByIdentityAsync(DbSession s, string channel, string externalId) =>
        (await FindByIdentitiesAsync(s, channel, [externalId])).GetValueOrDefault(externalId);

    /// <summary>The learners behind accounts on a channel, by account id (those linked).</summary>
    public async Task<IReadOnlyDictionary<string, Learner>> FindByIdentitiesAsync(DbSession s, string channel, IReadOnlyCollection<string> externalIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(externalIds);
        if (externalIds.Count == 0) return new Dictionary<string, Learner>();
        var rows = await s.QueryAsync<IdentityRow>(
            """
            SELECT ci.external_id AS ExternalId, l.id, l.name, l.phone, l.language, l.email
            FROM channel_identities ci JOIN learners l ON l.id = ci.learner_id
            WHERE ci.channel = @channel AND ci.external_id IN @ids
            """, new { channel, ids = SqlList.Of(externalIds) });
        return rows.ToDictionary(r => r.ExternalId, r => Map(r)!, StringComparer.Ordinal);
    }

    /// <summary>
    /// Binds a channel account to a learner. An account already bound to someone else moves to this
    /// learner (a shared phone handed on, a corrected roster): the latest proof of identity wins.
    /// </summary>
    public async Task LinkIdentityAsync(DbSession s, string channel, string externalId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        await s.ExecuteAsync(
            """
            INSERT INTO channel_identities (channel, external_id, learner_id, linked_at) VALUES (@channel, @externalId, @learnerId, @now)
            ON CONFLICT (channel, external_id) DO UPDATE SET learner_id = excluded.learner_id, linked_at = excluded.linked_at,
                unreachable_at = NULL
            """, new { channel, externalId, learnerId, now = time.GetUtcNow().ToUnixTimeMilliseconds() });
    }

    /// <summary>
    /// Marks a chat the platform refuses for good: a group chat goes inactive; a person's private
    /// chat is noted as unreachable (they blocked the bot or never started it) until they link again.
    /// </summary>
    public async Task MarkUnreachableAsync(DbSession s, ChatAddress chat)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(chat);
        await s.ExecuteAsync("UPDATE group_chats SET active = 0 WHERE channel = @Channel AND chat_id = @ChatId", new { chat.Channel, chat.ChatId });
        await s.ExecuteAsync(
            "UPDATE channel_identities SET unreachable_at = @now WHERE channel = @Channel AND external_id = @ChatId AND unreachable_at IS NULL",
            new { chat.Channel, chat.ChatId, now = time.GetUtcNow().ToUnixTimeMilliseconds() });
    }

    /// <summary>
    /// Records that the bot was added to <paramref name="chat"/>. True only for the first report of an
    /// arrival: a platform that reports it twice (Telegram: my_chat_member and the new_chat_members
    /// service message), or an update delivered again, gets false, so the chat is greeted once.
    /// </summary>
    public async Task<bool> RecordArrivalAsync(DbSession s, ChatAddress chat)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(chat);
        return await s.ExecuteAsync(
            "INSERT INTO chat_arrivals (channel, chat_id, arrived_at) VALUES (@Channel, @ChatId, @now) ON CONFLICT (channel, chat_id) DO NOTHING",
            new { chat.Channel, chat.ChatId, now = time.GetUtcNow().ToUnixTimeMilliseconds() }) > 0;
    }

    /// <summary>The bot left <paramref name="chat"/> (removed, or blocked in private): its next arrival is a new one.</summary>
    public static Task RecordDepartureAsync(DbSession s, ChatAddress chat)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(chat);
        return s.ExecuteAsync("DELETE FROM chat_arrivals WHERE channel = @Channel AND chat_id = @ChatId", new { chat.Channel, chat.ChatId });
    }

    /// <summary>Whether the person can be written to privately on a channel (linked, and not refused).</summary>
    public static async Task<bool> IsReachableAsync(DbSession s, string channel, string externalId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await s.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM channel_identities WHERE channel = @channel AND external_id = @externalId AND unreachable_at IS NULL",
            new { channel, externalId }) > 0;
    }

    /// <summary>The learner's enrollments, newest cohort first.</summary>
    public async Task<IReadOnlyList<Enrollment>> EnrollmentsAsync(DbSession s, long learnerId) =>
        (await EnrollmentsOfAsync(s, [learnerId]))[learnerId].ToList();

    /// <summary>Each learner's enrollments, newest cohort first.</summary>
    public async Task<ILookup<long, Enrollment>> EnrollmentsOfAsync(DbSession s, IReadOnlyCollection<long> learnerIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(learnerIds);
        if (learnerIds.Count == 0) return Array.Empty<Enrollment>().ToLookup(e => e.LearnerId);
        var rows = await s.QueryAsync<EnrollmentRow>(
            """
            SELECT e.cohort_id, e.learner_id, e.group_id, e.role FROM enrollments e JOIN cohorts c ON c.id = e.cohort_id
            WHERE e.learner_id IN @ids ORDER BY c.start_date DESC, c.id DESC
            """, new { ids = SqlList.Of(learnerIds) });
        return rows.Select(r => new Enrollment(r.CohortId, r.LearnerId, r.GroupId, Enum.Parse<Role>(r.Role, ignoreCase: true)))
            .ToLookup(e => e.LearnerId);
    }

    /// <summary>The strongest role a person holds anywhere: admin rights are global.</summary>
    public async Task<Role> HighestRoleAsync(DbSession s, long learnerId)
    {
        var roles = (await EnrollmentsAsync(s, learnerId)).Select(e => e.Role).ToList();
        return roles.Count == 0 ? Role.Learner : roles.Max();
    }

    /// <summary>
    /// The language to speak to a learner: their own choice, else their group's, else their cohort's,
    /// else English.
    /// </summary>
    public async Task<string> LanguageOfAsync(DbSession s, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var language = await s.QuerySingleOrDefaultAsync<string?>(
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
        return Languages.Normalize(language) ?? Languages.English;
    }

    /// <summary>
    /// <see cref="LanguageOfAsync"/> for many learners in one read: their own choice, else the group's or
    /// cohort's of their newest enrollment, else English.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, string>> LanguagesOfAsync(DbSession s, IReadOnlyCollection<long> learnerIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(learnerIds);
        var result = new Dictionary<long, string>();
        if (learnerIds.Count == 0) return result;
        var rows = await s.QueryAsync<(long LearnerId, string? Language)>(
            """
            SELECT l.id, COALESCE(l.language, g.language, c.language)
            FROM learners l
            LEFT JOIN enrollments e ON e.learner_id = l.id
            LEFT JOIN study_groups g ON g.id = e.group_id
            LEFT JOIN cohorts c ON c.id = e.cohort_id
            WHERE l.id IN @ids
            ORDER BY c.start_date DESC, c.id DESC
            """, new { ids = SqlList.Of(learnerIds) });
        foreach (var (learnerId, language) in rows)
            result.TryAdd(learnerId, Languages.Normalize(language) ?? Languages.English);
        return result;
    }

    /// <summary>
    /// Binds a chat on a channel to a study group (a group may have one chat per channel). Binding
    /// again re-activates the chat; binding a chat to another group moves it.
    /// </summary>
    public async Task BindGroupChatAsync(DbSession s, long groupId, ChatAddress chat)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(chat);
        // One chat per group and channel: an earlier chat of this group on this channel is let go.
        await s.ExecuteAsync(
            "UPDATE group_chats SET active = 0 WHERE group_id = @groupId AND channel = @Channel AND chat_id <> @ChatId",
            new { groupId, chat.Channel, chat.ChatId });
        await s.ExecuteAsync(
            """
            INSERT INTO group_chats (channel, chat_id, group_id, thread_id, active, bound_at)
            VALUES (@Channel, @ChatId, @groupId, @ThreadId, 1, @now)
            ON CONFLICT (channel, chat_id) DO UPDATE SET group_id = excluded.group_id, thread_id = excluded.thread_id,
                active = 1, bound_at = excluded.bound_at
            """, new { chat.Channel, chat.ChatId, groupId, chat.ThreadId, now = time.GetUtcNow().ToUnixTimeMilliseconds() });
    }

    /// <summary>The study group a chat is bound to, or null.</summary>
    public static async Task<long?> GroupOfChatAsync(DbSession s, string channel, string chatId) =>
        (await GroupsOfChatsAsync(s, channel, [chatId])).TryGetValue(chatId, out var g) ? g : null;

    /// <summary>The study groups chats on a channel are bound to, by chat id (those bound).</summary>
    public static async Task<IReadOnlyDictionary<string, long>> GroupsOfChatsAsync(DbSession s, string channel, IReadOnlyCollection<string> chatIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(chatIds);
        if (chatIds.Count == 0) return new Dictionary<string, long>();
        var rows = await s.QueryAsync<(string ChatId, long GroupId)>(
            "SELECT chat_id, group_id FROM group_chats WHERE channel = @channel AND chat_id IN @ids AND active = 1", new { channel, ids = SqlList.Of(chatIds) });
        return rows.ToDictionary(r => r.ChatId, r => r.GroupId, StringComparer.Ordinal);
    }

    /// <summary>Study groups' cohorts and the language their chats speak, by group id.</summary>
    public static async Task<IReadOnlyDictionary<long, (long CohortId, string Language)>> GroupsAsync(DbSession s, IReadOnlyCollection<long> groupIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(groupIds);
        if (groupIds.Count == 0) return new Dictionary<long, (long, string)>();
        var rows = await s.QueryAsync<(long Id, long CohortId, string? Language)>(
            "SELECT id, cohort_id, language FROM study_groups WHERE id IN @ids", new { ids = SqlList.Of(groupIds) });
        return rows.ToDictionary(r => r.Id, r => (r.CohortId, Languages.Normalize(r.Language) ?? Languages.English));
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
    /// A chat got a new id (a Telegram group upgraded to a supergroup): its group binding and the
    /// messages still waiting to be sent move with it, so the group is not lost.
    /// </summary>
    public async Task MoveChatAsync(DbSession s, ChatAddress chat, string newChatId)
    {
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

    /// <summary>The language a not-yet-registered person picked at /start, if any.</summary>
    public static Task<string?> ChosenLanguageAsync(DbSession s, string channel, string userId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.QuerySingleOrDefaultAsync<string?>(
            "SELECT language FROM conversation_state WHERE channel = @channel AND user_id = @userId", new { channel, userId });
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
