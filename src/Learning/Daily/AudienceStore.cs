using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;

namespace Academy.Learning.Daily;

/// <summary>A study group the programme writes to: its language and its active chats (none when it has no chat bound).</summary>
public sealed record GroupAudience(long Id, string Language, List<ChatAddress> Chats);

/// <summary>A learner's account on a channel, for writing to them privately (or tagging them in a group).</summary>
/// <param name="UnreachableAt">When the channel said the bot may not write to them (blocked); null while it may.</param>
public sealed record LearnerAccount(long LearnerId, string? Language, string? Channel, string? ExternalId, long? UnreachableAt);

/// <summary>A person with a role and one of their reachable private chats, as the digests address them.</summary>
public sealed record RoleHolderChat(long LearnerId, long? GroupId, string? Language, string Channel, string ExternalId, long LinkedAt);

/// <summary>
/// Whom the daily programme reaches and who may answer it: the reads of study groups, their chats,
/// enrolments and private chats that delivering, reminding, nudging, digesting and checking a press
/// need. Read-only; those tables are written by the people and content stores.
/// </summary>
public static class AudienceStore
{
    /// <summary>The cohort's groups (or one group) by id, each with its active chats by channel.</summary>
    public static async Task<List<GroupAudience>> GroupsAsync(DbSession s, long cohortId, long? onlyGroup)
    {
        ArgumentNullException.ThrowIfNull(s);
        var groups = (await s.QueryAsync<(long Id, string? Language)>(
                onlyGroup is null ? GroupsOfCohort : OneGroup, new { cohortId, onlyGroup }))
            .Select(g => new GroupAudience(g.Id, Languages.Normalize(g.Language) ?? Languages.English, []))
            .ToList();
        var byId = groups.ToDictionary(g => g.Id);
        var chats = await s.QueryAsync<(long GroupId, string Channel, string ChatId, string? ThreadId)>(
            onlyGroup is null ? ChatsOfCohort : ChatsOfGroup, new { cohortId, onlyGroup });
        foreach (var c in chats)
            if (byId.TryGetValue(c.GroupId, out var g)) g.Chats.Add(new ChatAddress(c.Channel, c.ChatId, c.ThreadId));
        return groups;
    }

    private const string GroupsOfCohort = "SELECT g.id, g.language FROM study_groups g WHERE g.cohort_id = @cohortId ORDER BY g.id";
    private const string OneGroup = "SELECT g.id, g.language FROM study_groups g WHERE g.id = @onlyGroup ORDER BY g.id";
    private const string ChatsOfCohort = ChatsOf + " WHERE g.cohort_id = @cohortId AND gc.active = 1 ORDER BY gc.group_id, gc.channel";
    private const string ChatsOfGroup = ChatsOf + " WHERE g.id = @onlyGroup AND gc.active = 1 ORDER BY gc.group_id, gc.channel";
    private const string ChatsOf = "SELECT gc.group_id, gc.channel, gc.chat_id, gc.thread_id FROM group_chats gc JOIN study_groups g ON g.id = gc.group_id";

    /// <summary>Every account of the cohort's enrolled people, the account linked last at the end.</summary>
    public static Task<IEnumerable<(long LearnerId, string Channel, string ExternalId)>> AccountsInCohortAsync(DbSession s, long cohortId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.QueryAsync<(long, string, string)>(
            """
            SELECT ci.learner_id, ci.channel, ci.external_id FROM channel_identities ci
            JOIN enrollments e ON e.learner_id = ci.learner_id AND e.cohort_id = @cohortId
            ORDER BY ci.linked_at
            """, new { cohortId });
    }

    /// <summary>
    /// The learners of a group with their language and each of their accounts (the account linked last
    /// first); a learner with no account has one row with no channel.
    /// </summary>
    public static async Task<ILookup<long, LearnerAccount>> AccountsInGroupAsync(DbSession s, long cohortId, long groupId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(long LearnerId, string? Language, string? Channel, string? ExternalId, long? UnreachableAt)>(
            """
            SELECT l.id, l.language, ci.channel, ci.external_id, ci.unreachable_at
            FROM enrollments e JOIN learners l ON l.id = e.learner_id
            LEFT JOIN channel_identities ci ON ci.learner_id = l.id
            WHERE e.cohort_id = @cohortId AND e.group_id = @groupId AND e.role = 'learner'
            ORDER BY ci.linked_at DESC
            """, new { cohortId, groupId }))
            .Select(r => new LearnerAccount(r.LearnerId, r.Language, r.Channel, r.ExternalId, r.UnreachableAt))
            .ToLookup(p => p.LearnerId);
    }

    private static readonly DialectSql Enrollments = new(d =>
        $"SELECT cohort_id, learner_id, group_id FROM enrollments WHERE {d.InList("learner_id", "learnerIds")}");

    /// <summary>Each learner's group per cohort they are enrolled in (null group: enrolled without one).</summary>
    public static async Task<IReadOnlyDictionary<(long CohortId, long LearnerId), long?>> EnrollmentsAsync(DbSession s, IReadOnlyCollection<long> learnerIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(learnerIds);
        if (learnerIds.Count == 0) return new Dictionary<(long, long), long?>();
        var rows = await s.QueryAsync<(long CohortId, long LearnerId, long? GroupId)>(Enrollments[s.Dialect], new { learnerIds = SqlList.Of(learnerIds) });
        return rows.ToDictionary(r => (r.CohortId, r.LearnerId), r => r.GroupId);
    }

    /// <summary>Whether the learner is enrolled in the cohort, in any role.</summary>
    public static async Task<bool> IsEnrolledAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await s.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM enrollments WHERE cohort_id = @cohortId AND learner_id = @learnerId", new { cohortId, learnerId }) > 0;
    }

    /// <summary>
    /// The cohort's liaisons (with their group) or, for <c>admin</c>, every admin (admin rights are
    /// global), each with every private chat the bot may write to.
    /// </summary>
    public static async Task<IReadOnlyList<RoleHolderChat>> RoleHolderChatsAsync(DbSession s, long cohortId, string role)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<RoleHolderRow>(role == "admin" ? AdminChats : RoleChats, new { role, cohortId }))
            .Select(r => new RoleHolderChat(r.LearnerId, r.GroupId, r.Language, r.Channel, r.ExternalId, r.LinkedAt)).ToList();
    }

    private const string AdminChats = """
        SELECT p.learner_id AS LearnerId, p.group_id AS GroupId, COALESCE(l.language, g.language) AS Language,
               ci.channel AS Channel, ci.external_id AS ExternalId, ci.linked_at AS LinkedAt
        FROM (SELECT DISTINCT learner_id, CAST(NULL AS BIGINT) AS group_id FROM enrollments WHERE role = 'admin') p
        """ + RoleChatsJoins;

    private const string RoleChats = """
        SELECT p.learner_id AS LearnerId, p.group_id AS GroupId, COALESCE(l.language, g.language) AS Language,
               ci.channel AS Channel, ci.external_id AS ExternalId, ci.linked_at AS LinkedAt
        FROM (SELECT learner_id, group_id FROM enrollments WHERE role = @role AND cohort_id = @cohortId) p
        """ + RoleChatsJoins;

    private const string RoleChatsJoins = """

        JOIN learners l ON l.id = p.learner_id
        LEFT JOIN study_groups g ON g.id = p.group_id
        JOIN channel_identities ci ON ci.learner_id = p.learner_id AND ci.unreachable_at IS NULL
        """;

    /// <summary>The cohort's liaisons with no private chat the bot can write to (never started it, or blocked it), by group and name.</summary>
    public static async Task<IReadOnlyList<(string Name, LocalizedText? Group)>> UnreachableLiaisonsAsync(DbSession s, long cohortId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var rows = await s.QueryAsync<(string Name, string? Group)>(
            """
            SELECT l.name, g.name FROM enrollments e
            JOIN learners l ON l.id = e.learner_id
            LEFT JOIN study_groups g ON g.id = e.group_id
            WHERE e.cohort_id = @cohortId AND e.role = 'liaison'
              AND NOT EXISTS (SELECT 1 FROM channel_identities ci WHERE ci.learner_id = e.learner_id AND ci.unreachable_at IS NULL)
            ORDER BY g.code, l.name
            """, new { cohortId });
        return rows.Select(r => (r.Name, r.Group is null ? null : StoredJson.Deserialize<LocalizedText>(r.Group))).ToList();
    }

    private sealed class RoleHolderRow
    {
        public long LearnerId { get; init; }
        public long? GroupId { get; init; }
        public string? Language { get; init; }
        public string Channel { get; init; } = "";
        public string ExternalId { get; init; } = "";
        public long LinkedAt { get; init; }
    }
}
