using Academy.Learning.Model;

namespace Academy.Learning.People;

/// <summary>
/// What a person's enrollments let them do where they are. Admin rights are global; a liaison runs
/// their own study groups; everyone else is a learner.
/// </summary>
public static class Roles
{
    /// <summary>
    /// The role a person has in a chat: an admin anywhere; a liaison in private, in their own groups'
    /// chats, and in a chat not bound to a group yet (where /bind then checks the group named); else a learner.
    /// </summary>
    /// <param name="groupId">The study group the chat is bound to, null when none.</param>
    public static Role Here(IEnumerable<Enrollment> enrollments, long? groupId, bool isPrivate)
    {
        ArgumentNullException.ThrowIfNull(enrollments);
        var list = enrollments as IReadOnlyCollection<Enrollment> ?? enrollments.ToList();
        if (list.Any(x => x.Role == Role.Admin)) return Role.Admin;
        if (list.Any(x => x.Role == Role.Liaison && (isPrivate || groupId is null || x.GroupId == groupId))) return Role.Liaison;
        return Role.Learner;
    }

    /// <summary>Whether the person runs <paramref name="groupId"/>: an admin, or a liaison of that very group.</summary>
    public static bool Runs(IEnumerable<Enrollment> enrollments, long groupId)
    {
        ArgumentNullException.ThrowIfNull(enrollments);
        return enrollments.Any(e => e.Role == Role.Admin || (e.Role == Role.Liaison && e.GroupId == groupId));
    }

    /// <summary>The strongest role held anywhere (learner when none).</summary>
    public static Role Highest(IEnumerable<Enrollment> enrollments)
    {
        ArgumentNullException.ThrowIfNull(enrollments);
        return enrollments.Select(e => e.Role).DefaultIfEmpty(Role.Learner).Max();
    }
}
