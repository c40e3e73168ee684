using System.Globalization;
using Academy.Learning.Announcements;
using Academy.Learning.Messaging;
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
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Announcements;

/// <summary>
/// The steps of composing an announcement in an admin's private chat, shared by its handlers. Where
/// the admin is (waiting for the text, the group codes or the time) is kept in conversation_state as
/// <c>announce:ID:STEP</c>, so a restart or another host continues the conversation.
/// </summary>
internal static class AnnouncementFlow
{
    public const string TextStep = "text";
    public const string GroupsStep = "groups";
    public const string TimeStep = "time";
    private const string StatePrefix = "announce:";

    public static Task SetStepAsync(TurnContext turn, long id, string step, TimeProvider time) =>
        ConversationStore.SetStateAsync(turn.Session, turn.Event.Channel, turn.Event.From!.Id,
            string.Create(CultureInfo.InvariantCulture, $"{StatePrefix}{id}:{step}"), time.GetUtcNow());

    public static Task ClearStepAsync(TurnContext turn) =>
        ConversationStore.ClearStateStartingWithAsync(turn.Session, turn.Event.Channel, turn.Event.From!.Id, StatePrefix);

    /// <summary>The draft and step the admin is at, or null.</summary>
    public static async Task<(long Id, string Step)?> StepAsync(TurnContext turn)
    {
        if (turn.Event.From is null) return null;
        var state = await ConversationStore.StateAsync(turn.Session, turn.Event.Channel, turn.Event.From.Id);
        if (state is null || !state.StartsWith(StatePrefix, StringComparison.Ordinal)) return null;
        var parts = state[StatePrefix.Length..].Split(':');
        return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? (id, parts[1]) : null;
    }

    public static async Task AskAudienceAsync(TurnContext turn, long id) =>
        await turn.ReplyAsync(turn.Text["announce.ask_audience"],
        [
            [new Button(turn.Text["announce.audience.all_groups"], AnnouncementButtons.Data(id, AnnouncementButtons.AllGroups))],
            [new Button(turn.Text["announce.audience.cohort"], AnnouncementButtons.Data(id, AnnouncementButtons.PickCohort))],
            [new Button(turn.Text["announce.audience.groups"], AnnouncementButtons.Data(id, AnnouncementButtons.PickGroups))],
            [new Button(turn.Text["announce.audience.learners"], AnnouncementButtons.Data(id, AnnouncementButtons.Learners))],
            [CancelButton(turn, id)],
        ]);

    public static async Task AskWhenAsync(TurnContext turn, long id) =>
        await turn.ReplyAsync(turn.Text["announce.ask_when"],
        [
            [new Button(turn.Text["announce.send_now"], AnnouncementButtons.Data(id, AnnouncementButtons.Now)),
             new Button(turn.Text["announce.send_later"], AnnouncementButtons.Data(id, AnnouncementButtons.Later))],
            [CancelButton(turn, id)],
        ]);

    public static Button CancelButton(TurnContext turn, long id) =>
        new(turn.Text["announce.cancel"], AnnouncementButtons.Data(id, AnnouncementButtons.Cancel));

    /// <summary>The toggle list of groups (when there are few enough for buttons) and Done.</summary>
    public static async Task ShowGroupsAsync(TurnContext turn, Announcement a)
    {
        var chosen = a.Audience?.GroupIds ?? [];
        var groups = (await GroupsAsync(turn.Session)).ToList();
        var rows = new List<IReadOnlyList<Button>>();
        if (groups.Count <= MaxGroupButtons)
            foreach (var row in groups.Chunk(3))
                rows.Add(row.Select(g => new Button((chosen.Contains(g.Id) ? "✓ " : "") + g.Label,
                    AnnouncementButtons.Data(a.Id, AnnouncementButtons.ToggleGroup, g.Id))).ToList());
        rows.Add([new Button(turn.Text.Get("announce.groups_done", ("count", chosen.Count)), AnnouncementButtons.Data(a.Id, AnnouncementButtons.GroupsDone)),
            CancelButton(turn, a.Id)]);
        var text = turn.Text["announce.pick_groups"];
        if (chosen.Count > 0)
            text += "\n" + turn.Text.Get("announce.groups_chosen", ("groups", string.Join(", ", groups.Where(g => chosen.Contains(g.Id)).Select(g => g.Label))));
        await turn.ReplyAsync(text, rows);
    }

    private const int MaxGroupButtons = 30;

    public sealed record GroupRow(long Id, string Code, string CohortCode)
    {
        public string Label => Code;
    }

    public static async Task<IReadOnlyList<GroupRow>> GroupsAsync(DbSession s) =>
        (await s.QueryAsync<GroupRow>(
            "SELECT g.id AS Id, g.code AS Code, c.code AS CohortCode FROM study_groups g JOIN cohorts c ON c.id = g.cohort_id ORDER BY c.code, g.code"))
        .ToList();

    /// <summary>The time zone a typed time is read in: that of the first cohort the audience concerns, and those cohorts' names.</summary>
    public static async Task<(TimeZoneInfo Zone, string ZoneId, string Cohorts)> ZoneAsync(DbSession s, Audience? audience, string language)
    {
        var cohorts = (await s.QueryAsync<(long Id, string Name, string TimeZone)>("SELECT id, name, time_zone FROM cohorts ORDER BY id")).ToList();
        if (audience is { Kind: AudienceKind.Cohort, CohortId: { } c }) cohorts = cohorts.Where(x => x.Id == c).ToList();
        else if (audience is { Kind: AudienceKind.Groups, GroupIds: { } ids })
        {
            var ofGroups = (await s.QueryAsync<(long Id, long CohortId)>("SELECT id, cohort_id FROM study_groups"))
                .Where(g => ids.Contains(g.Id)).Select(g => g.CohortId).ToHashSet();
            cohorts = cohorts.Where(x => ofGroups.Contains(x.Id)).ToList();
        }
        var zoneId = cohorts.FirstOrDefault().TimeZone ?? "UTC";
        TimeZoneInfo zone;
        try { zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId); }
        catch (TimeZoneNotFoundException) { zone = TimeZoneInfo.Utc; zoneId = "UTC"; }
        var names = cohorts.Where(x => x.TimeZone == zoneId).Select(x => StoredText.In(x.Name, language)).ToList();
        return (zone, zoneId, names.Count == 0 ? zoneId : string.Join(", ", names));
    }

    public static string Local(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Shows what will go, to whom and when, with Confirm and Cancel.</summary>
    public static async Task PreviewAsync(TurnContext turn, Announcement a)
    {
        var audience = a.Audience!;
        var size = await Academy.Learning.Announcements.AnnouncementService.SizeAsync(turn.Session, audience);
        var sizeText = audience.Kind == AudienceKind.Learners
            ? turn.Text.Get("announce.size.learners", ("chats", size.Chats), ("learners", size.Learners), ("missing", size.NotReachable))
            : turn.Text.Get("announce.size.groups", ("chats", size.Chats), ("groups", size.Groups), ("learners", size.Learners), ("missing", size.NotReachable));
        string when;
        if (a.SendAt is { } at)
        {
            var (zone, zoneId, _) = await ZoneAsync(turn.Session, audience, turn.Text.Language);
            when = turn.Text.Get("announce.when.at", ("time", Local(at, zone)), ("zone", zoneId));
        }
        else when = turn.Text["announce.when.now"];
        var body = a.Text;
        if (a.Attachment is { } file) body = (body.Length > 0 ? body + "\n" : "") + turn.Text.Get("announce.attachment_label", ("file", file.FileName));
        await turn.ReplyAsync(turn.Text.Get("announce.preview", ("id", a.Id), ("text", body), ("audience", await DescribeAsync(turn, audience)),
                ("size", sizeText), ("when", when)),
            [[new Button(turn.Text["announce.confirm"], AnnouncementButtons.Data(a.Id, AnnouncementButtons.Confirm)), CancelButton(turn, a.Id)]]);
    }

    public static async Task<string> DescribeAsync(TurnContext turn, Audience audience)
    {
        switch (audience.Kind)
        {
            case AudienceKind.Cohort:
                var name = await turn.Session.QuerySingleOrDefaultAsync<string?>("SELECT name FROM cohorts WHERE id = @CohortId", new { audience.CohortId });
                return turn.Text.Get("announce.audience.cohort_named", ("cohort", name is null ? "?" : StoredText.In(name, turn.Text.Language)));
            case AudienceKind.Groups:
                var ids = audience.GroupIds ?? [];
                var names = (await GroupsAsync(turn.Session)).Where(g => ids.Contains(g.Id)).Select(g => g.Label).ToList();
                return turn.Text.Get("announce.audience.groups_named", ("groups", string.Join(", ", names)), ("count", names.Count));
            case AudienceKind.Learners:
                return turn.Text["announce.audience.learners_named"];
            default:
                return turn.Text["announce.audience.all_groups_named"];
        }
    }
}
