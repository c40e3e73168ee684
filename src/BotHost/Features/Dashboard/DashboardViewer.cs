using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Dashboard;

/// <summary>A cohort the viewer may look at, and which of its groups (null: all of them).</summary>
public sealed record VisibleCohort(long Id, string Code, LocalizedText Name, IReadOnlySet<long>? GroupIds)
{
    public bool Shows(long groupId) => GroupIds is null || GroupIds.Contains(groupId);
}

/// <summary>
/// Who is looking at the dashboard and what they may see: an admin every cohort and group, a liaison
/// only the groups they run. Read afresh on every request, so a role withdrawn by a roster import
/// takes effect at once.
/// </summary>
public sealed record DashboardViewer(DashboardSession Session, long LearnerId, string Name, bool IsAdmin, IReadOnlyList<VisibleCohort> Cohorts, Localizer Text)
{
    public VisibleCohort? Cohort(long id) => Cohorts.FirstOrDefault(c => c.Id == id);

    /// <summary>Every group the viewer may see, or null for an admin (all).</summary>
    public IReadOnlyCollection<long>? AllGroupIds => IsAdmin ? null : Cohorts.SelectMany(c => c.GroupIds ?? new HashSet<long>()).ToHashSet();

    public static async Task<DashboardViewer?> LoadAsync(DbSession s, DashboardSession session, Catalog catalog, LearnerDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(session);
        var name = await PeopleStore.NameAsync(s, session.LearnerId);
        if (name is null) return null;
        var roles = (await directory.EnrollmentsAsync(s, session.LearnerId)).Where(e => e.Role is Role.Admin or Role.Liaison).ToList();
        if (roles.Count == 0) return null;
        var isAdmin = roles.Any(r => r.Role == Role.Admin);
        var cohorts = await CohortStore.AllAsync(s); // a handful of cohorts, not thousands
        var visible = cohorts
            .Select(c => new VisibleCohort(c.Id, c.Cohort.Code, c.Cohort.Name, isAdmin ? null
                : roles.Where(r => r.Role == Role.Liaison && r.CohortId == c.Id && r.GroupId is not null).Select(r => r.GroupId!.Value).ToHashSet()))
            .Where(c => c.GroupIds is null || c.GroupIds.Count > 0)
            .ToList();
        var language = Languages.Normalize(session.Language) ?? await directory.LanguageOfAsync(s, session.LearnerId);
        return new DashboardViewer(session, session.LearnerId, name, isAdmin, visible, catalog.For(language));
    }
}
