using System.Globalization;
using Academy.BotHost.Channels;
using Academy.Learning.Announcements;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Announcements;

/// <summary>An admin's announcement button <c>an:ID:ACTION[:ARG]</c> whose action is one of <paramref name="actions"/>.</summary>
public abstract class AnnouncementButtonHandler(Refusals refusals, params string[] actions) : TurnHandler
{
    public override Role RequiredRole => Role.Admin;

    public override ChatScope Scope => ChatScope.Private;

    public override bool Matches(ChatEvent e) =>
        e.Kind == ChatEventKind.Button && e.ButtonData is { } data && data.Split(':') is [AnnouncementButtons.Prefix, _, var action, ..]
        && actions.Contains(action);

    protected Refusals Refusals { get; } = refusals;

    /// <summary>The actions it answers (<c>an:ID:ACTION</c>).</summary>
    public IReadOnlyList<string> Actions => actions;

    /// <summary>Actions that name one more thing (a cohort, a group): <c>an:ID:ACTION:ARG</c>.</summary>
    protected virtual IReadOnlyList<string> ActionsWithArgument => [];

    /// <summary>
    /// The announcement the press names, once it exists and the presser may act on it (a draft is its
    /// author's); any other press is refused and audited.
    /// </summary>
    public override async Task HandleAsync(TurnContext turn)
    {
        var fields = turn.Event.ButtonData!.Split(':');
        var wanted = ActionsWithArgument.Contains(fields[2]) ? 4 : 3;
        var announcement = fields.Length == wanted && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? await Academy.Learning.Announcements.AnnouncementService.GetAsync(turn.Session, id) : null;
        long? arg = wanted == 4 && fields.Length == 4 && long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : null;
        if (announcement is null || wanted == 4 && arg is null)
        {
            await Refusals.RefuseButtonAsync(turn, Access.Unknown);
            return;
        }
        if (!announcement.MayBeHandledBy(turn.Learner!.Id))
        {
            await Refusals.RefuseButtonAsync(turn, Access.NotYours);
            return;
        }
        await HandleAsync(turn, announcement, fields[2], arg);
    }


    protected abstract Task HandleAsync(TurnContext turn, Announcement announcement, string action, long? arg);

    /// <summary>Buttons of a draft do nothing once it has been sent or cancelled: a toast says so, and they come off.</summary>
    protected static async Task<bool> StillDraftAsync(TurnContext turn, Announcement a)
    {
        if (a.Status == AnnouncementStatus.Draft) return true;
        await turn.AnswerButtonAsync(turn.Text.Get("announce.not_draft", ("id", a.Id)));
        await turn.SpendButtonsAsync();
        return false;
    }
}

/// <summary>Who an announcement goes to: all groups, a cohort (then which), chosen groups (toggles, then Done), or all learners privately.</summary>
public sealed class AnnouncementAudienceButtonHandler(TimeProvider time, Refusals refusals) : AnnouncementButtonHandler(refusals,
    AnnouncementButtons.AllGroups, AnnouncementButtons.PickCohort, AnnouncementButtons.Cohort, AnnouncementButtons.PickGroups,
    AnnouncementButtons.ToggleGroup, AnnouncementButtons.GroupsDone, AnnouncementButtons.Learners)
{
    protected override IReadOnlyList<string> ActionsWithArgument => [AnnouncementButtons.Cohort, AnnouncementButtons.ToggleGroup];

    protected override async Task HandleAsync(TurnContext turn, Announcement a, string action, long? arg)
    {
        if (!await StillDraftAsync(turn, a)) return;
        var s = turn.Session;
        switch (action)
        {
            case AnnouncementButtons.AllGroups or AnnouncementButtons.Learners:
                await Chosen(new Audience(action == AnnouncementButtons.AllGroups ? AudienceKind.AllGroups : AudienceKind.Learners),
                    turn.Text[action == AnnouncementButtons.AllGroups ? "announce.audience.all_groups" : "announce.audience.learners"]);
                break;
            case AnnouncementButtons.PickCohort:
                await turn.AnswerButtonAsync(null);
                var cohorts = (await s.QueryAsync<(long Id, string Name)>("SELECT id, name FROM cohorts ORDER BY code")).ToList();
                if (cohorts.Count == 0)
                {
                    await turn.ReplyAsync(turn.Text["announce.no_cohorts"]);
                    return;
                }
                await turn.ReplyAsync(turn.Text["announce.pick_cohort"],
                    [.. cohorts.Chunk(2).Select(row => (IReadOnlyList<Learning.Messaging.Button>)row
                        .Select(c => new Learning.Messaging.Button(Learning.Storage.StoredText.In(c.Name, turn.Text.Language),
                            AnnouncementButtons.Data(a.Id, AnnouncementButtons.Cohort, c.Id))).ToList()),
                     [AnnouncementFlow.CancelButton(turn, a.Id)]]);
                await turn.SpendButtonsAsync(turn.Text["announce.audience.cohort"]);
                break;
            case AnnouncementButtons.Cohort when arg is { } cohortId:
                if (await CohortStore.GetAsync(s, cohortId) is null)
                {
                    await Refusals.RefuseButtonAsync(turn, Access.Unknown);
                    return;
                }
                await Chosen(new Audience(AudienceKind.Cohort, CohortId: cohortId),
                    await s.QuerySingleOrDefaultAsync<string?>("SELECT code FROM cohorts WHERE id = @cohortId", new { cohortId }));
                break;
            case AnnouncementButtons.PickGroups:
                await turn.AnswerButtonAsync(null);
                var start = a.Audience is { Kind: AudienceKind.Groups } ? a.Audience : new Audience(AudienceKind.Groups, GroupIds: []);
                await Academy.Learning.Announcements.AnnouncementService.SetAudienceAsync(s, a.Id, start);
                await AnnouncementFlow.SetStepAsync(turn, a.Id, AnnouncementFlow.GroupsStep, time);
                await AnnouncementFlow.ShowGroupsAsync(turn, a with { Audience = start });
                await turn.SpendButtonsAsync(turn.Text["announce.audience.groups"]);
                break;
            case AnnouncementButtons.ToggleGroup when arg is { } groupId:
                if (!(await LearnerDirectory.GroupsAsync(s, [groupId])).ContainsKey(groupId))
                {
                    await Refusals.RefuseButtonAsync(turn, Access.Unknown);
                    return;
                }
                await turn.AnswerButtonAsync(null);
                var chosen = (a.Audience?.GroupIds ?? []).ToList();
                if (!chosen.Remove(groupId)) chosen.Add(groupId);
                var toggled = new Audience(AudienceKind.Groups, GroupIds: chosen);
                await Academy.Learning.Announcements.AnnouncementService.SetAudienceAsync(s, a.Id, toggled);
                await AnnouncementFlow.ShowGroupsAsync(turn, a with { Audience = toggled });
                break;
            case AnnouncementButtons.GroupsDone:
                if (a.Audience is not { Kind: AudienceKind.Groups, GroupIds.Count: > 0 })
                {
                    await turn.AnswerButtonAsync(turn.Text["announce.groups_none"]);
                    return;
                }
                var names = (await AnnouncementFlow.GroupsAsync(s)).Where(g => a.Audience.GroupIds.Contains(g.Id)).Select(g => g.Label);
                await Chosen(a.Audience, string.Join(", ", names));
                break;
            default:
                await turn.AnswerButtonAsync(null);
                break;
        }

        // The audience is settled: the message that chose it shows the choice instead of its buttons.
        async Task Chosen(Audience audience, string? choice)
        {
            await turn.AnswerButtonAsync(null);
            await Academy.Learning.Announcements.AnnouncementService.SetAudienceAsync(s, a.Id, audience);
            await AnnouncementFlow.ClearStepAsync(turn);
            await AnnouncementFlow.AskWhenAsync(turn, a.Id);
            await turn.SpendButtonsAsync(choice);
        }
    }
}

/// <summary>Send now (straight to the preview) or at a time (asks for it, naming the time zone it is read in).</summary>
public sealed class AnnouncementWhenButtonHandler(TimeProvider time, IServiceProvider services, Refusals refusals)
    : AnnouncementButtonHandler(refusals, AnnouncementButtons.Now, AnnouncementButtons.Later)
{
    protected override async Task HandleAsync(TurnContext turn, Announcement a, string action, long? arg)
    {
        if (!await StillDraftAsync(turn, a)) return;
        if (a.Audience is null || !a.HasContent)
        {
            await turn.AnswerButtonAsync(turn.Text["announce.no_audience"]);
            return;
        }
        await turn.AnswerButtonAsync(null);
        if (action == AnnouncementButtons.Now)
        {
            await Academy.Learning.Announcements.AnnouncementService.SetSendAtAsync(turn.Session, a.Id, null);
            await AnnouncementFlow.PreviewAsync(turn, a with { SendAt = null });
            await turn.SpendButtonsAsync(turn.Text["announce.send_now"]);
            return;
        }
        if (services.GetService(typeof(Scheduler.OneOffJobs)) is null)
        {
            await turn.ReplyAsync(turn.Text["announce.no_scheduler"]);
            return;
        }
        var (_, zoneId, cohorts) = await AnnouncementFlow.ZoneAsync(turn.Session, a.Audience, turn.Text.Language);
        await AnnouncementFlow.SetStepAsync(turn, a.Id, AnnouncementFlow.TimeStep, time);
        await turn.ReplyAsync(turn.Text.Get("announce.ask_time", ("zone", zoneId), ("cohorts", cohorts)), [[AnnouncementFlow.CancelButton(turn, a.Id)]]);
        await turn.SpendButtonsAsync(turn.Text["announce.send_later"]);
    }
}

/// <summary>Confirm: sends now (copies queued, the live report posted) or schedules the one-off job.</summary>
public sealed class AnnouncementConfirmButtonHandler(Academy.Learning.Announcements.AnnouncementService announcements, TimeProvider time, IServiceProvider services, Refusals refusals)
    : AnnouncementButtonHandler(refusals, AnnouncementButtons.Confirm)
{
    protected override async Task HandleAsync(TurnContext turn, Announcement a, string action, long? arg)
    {
        if (!await StillDraftAsync(turn, a)) return;
        await turn.AnswerButtonAsync(null);
        if (a.SendAt is { } at)
        {
            var (zone, zoneId, _) = await AnnouncementFlow.ZoneAsync(turn.Session, a.Audience, turn.Text.Language);
            if (at <= time.GetUtcNow())
            {
                await turn.ReplyAsync(turn.Text.Get("announce.past_time", ("time", $"{AnnouncementFlow.Local(at, zone)} ({zoneId})")));
                await AnnouncementFlow.AskWhenAsync(turn, a.Id);
                await turn.SpendButtonsAsync(); // this preview is out of date: a new one follows the new time
                return;
            }
            if (services.GetService(typeof(Scheduler.OneOffJobs)) is null)
            {
                await turn.ReplyAsync(turn.Text["announce.no_scheduler"]);
                return;
            }
            // The job itself is set by AnnouncementReporter once this turn has committed.
            if (!await announcements.ScheduleAsync(turn.Session, a.Id, at))
            {
                await turn.ReplyAsync(turn.Text["announce.no_audience"]);
                return;
            }
            await turn.ReplyAsync(turn.Text.Get("announce.scheduled", ("id", a.Id), ("time", AnnouncementFlow.Local(at, zone)), ("zone", zoneId)));
            await turn.SpendButtonsAsync(turn.Text["announce.confirm"]);
            return;
        }
        var sent = await announcements.SendAsync(turn.Session, a.Id);
        if (sent is null)
        {
            await turn.ReplyAsync(turn.Text["announce.no_audience"]);
            return;
        }
        await turn.ReplyAsync(turn.Text.Get("announce.sending", ("id", a.Id), ("copies", sent.Copies)));
        await announcements.QueueReportAsync(turn.Session, a.Id);
        await turn.SpendButtonsAsync(turn.Text["announce.confirm"]);
    }
}

/// <summary>Cancel: a draft is dropped; a scheduled announcement is cancelled and its job removed, so it never sends.</summary>
public sealed class AnnouncementCancelButtonHandler(Refusals refusals) : AnnouncementButtonHandler(refusals, AnnouncementButtons.Cancel)
{
    protected override async Task HandleAsync(TurnContext turn, Announcement a, string action, long? arg)
    {
        if (!await Academy.Learning.Announcements.AnnouncementService.CancelAsync(turn.Session, a.Id))
        {
            await turn.AnswerButtonAsync(turn.Text.Get("announce.cannot_cancel", ("id", a.Id), ("status", turn.Text["announce.status." + a.Status])));
            return;
        }
        // The status alone stops it (the job sends only a scheduled announcement); AnnouncementReporter removes the job.
        await AnnouncementFlow.ClearStepAsync(turn);
        await turn.AnswerButtonAsync(null);
        await turn.ReplyAsync(turn.Text.Get("announce.cancelled", ("id", a.Id)));
    }
}

/// <summary>Refresh under the live report: brings it up to date now, without waiting for the next round.</summary>
public sealed class AnnouncementRefreshButtonHandler(Academy.Learning.Announcements.AnnouncementService announcements, Refusals refusals)
    : AnnouncementButtonHandler(refusals, AnnouncementButtons.Refresh)
{
    protected override async Task HandleAsync(TurnContext turn, Announcement a, string action, long? arg)
    {
        var edited = await announcements.RefreshReportAsync(turn.Session, a.Id);
        await turn.AnswerButtonAsync(turn.Text[edited ? "announce.refreshed" : "announce.up_to_date"]);
    }
}
