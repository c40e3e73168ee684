using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Exams;
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

    public static async Task<DashboardViewer?> LoadAsync(DbSession s, DashboardSession session, Catalog catalog, Academy.Learning.People.LearnerDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(session);
        var name = await s.QuerySingleOrDefaultAsync<string?>("SELECT name FROM learners WHERE id = @id", new { id = session.LearnerId });
        if (name is null) return null;
        var roles = (await s.QueryAsync<(long CohortId, long? GroupId, string Role)>(
            "SELECT cohort_id, group_id, role FROM enrollments WHERE learner_id = @id AND role IN ('admin', 'liaison')", new { id = session.LearnerId })).ToList();
        if (roles.Count == 0) return null;
        var isAdmin = roles.Any(r => r.Role == "admin");
        var ids = await s.QueryAsync<long>("SELECT id FROM cohorts ORDER BY start_date DESC, code");
        var cohorts = new List<StoredCohort>();
        foreach (var id in ids) cohorts.Add((await CohortStore.GetAsync(s, id))!); // a handful of cohorts, not thousands
        var visible = cohorts
            .Select(c => new VisibleCohort(c.Id, c.Cohort.Code, c.Cohort.Name, isAdmin ? null
                : roles.Where(r => r.Role == "liaison" && r.CohortId == c.Id && r.GroupId is not null).Select(r => r.GroupId!.Value).ToHashSet()))
            .Where(c => c.GroupIds is null || c.GroupIds.Count > 0)
            .ToList();
        var language = Languages.Normalize(session.Language) ?? await directory.LanguageOfAsync(s, session.LearnerId);
        return new DashboardViewer(session, session.LearnerId, name, isAdmin, visible, catalog.For(language));
    }
}
