using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Liaison;

/// <summary>A study group a liaison command is about, with its cohort.</summary>
public sealed record LiaisonGroup(long Id, string Code, StoredCohort Cohort);

/// <summary>
/// Which study groups a liaison command (<c>/today</c>, <c>/summary</c>, the nudge button) is about,
/// and whether this person runs them: in a group chat, its bound group; in private, the group named
/// by code (an admin any, a liaison only their own) or, unnamed, the liaison's own groups in their
/// newest cohort. Anything else gets a clear answer here, so handlers only act on what comes back.
/// </summary>
public sealed class LiaisonGroups(LearnerDirectory directory, Refusals refusals)
{
    public async Task<IReadOnlyList<LiaisonGroup>> ResolveAsync(TurnContext turn, string? code)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var s = turn.Session;
        var command = "/" + turn.Event.Command;
        if (!turn.Event.IsPrivate)
        {
            if (turn.GroupId is not { } bound)
            {
                await turn.ReplyAsync(turn.Text["liaison.not_bound"]);
                return [];
            }
            return [await GroupAsync(s, bound)];
        }
        var enrollments = await directory.EnrollmentsAsync(s, turn.Learner!.Id);
        var admin = enrollments.Any(e => e.Role == Role.Admin);
        if (code is null)
        {
            var own = enrollments.Where(e => e.Role == Role.Liaison && e.GroupId is not null).ToList();
            if (admin || own.Count == 0)
            {
                await turn.ReplyAsync(turn.Text.Get("liaison.name_group", ("command", command)));
                return [];
            }
            var newest = own[0].CohortId;
            var groups = new List<LiaisonGroup>();
            foreach (var e in own.Where(e => e.CohortId == newest)) groups.Add(await GroupAsync(s, e.GroupId!.Value));
            return groups.OrderBy(g => g.Code, StringComparer.Ordinal).ToList();
        }
        // Group codes repeat across cohorts: the newest cohort's group is meant.
        var id = (await CohortStore.FindGroupsByCodeAsync(s, code)).FirstOrDefault()?.Id;
        if (id is null)
        {
            await turn.ReplyAsync(turn.Text.Get("liaison.unknown_group", ("code", code)));
            return [];
        }
        if (!await RunsAsync(turn, id.Value))
        {
            await refusals.RefuseAsync(turn, turn.Text.Get("liaison.not_your_group", ("code", code)), $"{command} {code}");
            return [];
        }
        return [await GroupAsync(s, id.Value)];
    }

    /// <summary>Whether the sender is an admin or a liaison of <paramref name="groupId"/>.</summary>
    public async Task<bool> RunsAsync(TurnContext turn, long groupId)
    {
        ArgumentNullException.ThrowIfNull(turn);
        if (turn.Learner is null) return false;
        return Roles.Runs(await directory.EnrollmentsAsync(turn.Session, turn.Learner.Id), groupId);
    }

    public static async Task<LiaisonGroup> GroupAsync(DbSession s, long groupId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var group = (await CohortStore.StudyGroupsAsync(s, [groupId]))[groupId];
        return new LiaisonGroup(groupId, group.Code, (await CohortStore.GetAsync(s, group.CohortId))!);
    }
}
