using System.Globalization;
using Academy.BotHost.Channels;
using Academy.Learning.Announcements;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;

namespace Academy.BotHost.Features.Announcements;

/// <summary>
/// What an admin types while composing an announcement: its text (or a photo or document with a
/// caption), group codes, or the time to send it. Other private messages are not its business.
/// </summary>
public sealed class AnnouncementDraftMessageHandler(TimeProvider time) : ChatEventHandler(ChatEventKind.Message)
{
    /// <summary>Telegram's limit on a message, and on a caption.</summary>
    public const int MaxTextLength = 4096;
    public const int MaxCaptionLength = 1024;

    public override bool RequiresRegistration => false;

    public override ChatScope Scope => ChatScope.Any;

    public override bool Matches(ChatEvent e) => base.Matches(e) && e.IsPrivate;

    public override async Task HandleAsync(TurnContext turn)
    {
        if (turn.Role < Learning.Model.Role.Admin || await AnnouncementFlow.StepAsync(turn) is not { } step) return;
        var draft = await Academy.Learning.Announcements.AnnouncementService.GetAsync(turn.Session, step.Id);
        if (draft is null || draft.Status != AnnouncementStatus.Draft)
        {
            await AnnouncementFlow.ClearStepAsync(turn);
            return;
        }
        switch (step.Step)
        {
            case AnnouncementFlow.TextStep:
                await TextAsync(turn, draft);
                break;
            case AnnouncementFlow.GroupsStep:
                await GroupCodesAsync(turn, draft);
                break;
            case AnnouncementFlow.TimeStep:
                await TimeAsync(turn, draft);
                break;
        }
    }

    private async Task TextAsync(TurnContext turn, Announcement draft)
    {
        var text = turn.Event.Text?.Trim() ?? "";
        var attachment = turn.Event.Attachment;
        if (text.Length == 0 && attachment is null)
        {
            await turn.ReplyAsync(turn.Text["announce.empty"]);
            return;
        }
        var max = attachment is null ? MaxTextLength : MaxCaptionLength;
        if (text.Length > max)
        {
            await turn.ReplyAsync(turn.Text.Get("announce.too_long", ("max", max)));
            return;
        }
        await Academy.Learning.Announcements.AnnouncementService.SetContentAsync(turn.Session, draft.Id, text, attachment);
        await AnnouncementFlow.ClearStepAsync(turn);
        await AnnouncementFlow.AskAudienceAsync(turn, draft.Id);
    }

    // Typed codes toggle groups like the buttons do: "HN-01", or "COHORT/HN-01" where codes repeat across cohorts.
    private static async Task GroupCodesAsync(TurnContext turn, Announcement draft)
    {
        var groups = await AnnouncementFlow.GroupsAsync(turn.Session);
        var chosen = (draft.Audience?.GroupIds ?? []).ToList();
        var unknown = new List<string>();
        foreach (var code in (turn.Event.Text ?? "").Split([' ', ',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = code.Split('/');
            var matches = groups.Where(g => parts.Length == 2
                ? string.Equals(g.CohortCode, parts[0], StringComparison.OrdinalIgnoreCase) && string.Equals(g.Code, parts[1], StringComparison.OrdinalIgnoreCase)
                : string.Equals(g.Code, code, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count == 0) unknown.Add(code);
            foreach (var g in matches.Where(g => !chosen.Contains(g.Id))) chosen.Add(g.Id);
        }
        if (unknown.Count > 0)
        {
            await turn.ReplyAsync(turn.Text.Get("announce.groups_unknown", ("codes", string.Join(", ", unknown)), ("count", unknown.Count)));
            return;
        }
        var audience = new Audience(AudienceKind.Groups, GroupIds: chosen);
        await Academy.Learning.Announcements.AnnouncementService.SetAudienceAsync(turn.Session, draft.Id, audience);
        await AnnouncementFlow.ShowGroupsAsync(turn, draft with { Audience = audience });
    }

    private async Task TimeAsync(TurnContext turn, Announcement draft)
    {
        var input = turn.Event.Text?.Trim() ?? "";
        var (zone, zoneId, _) = await AnnouncementFlow.ZoneAsync(turn.Session, draft.Audience, turn.Text.Language);
        var now = time.GetUtcNow();
        if (ParseLocal(input, zone, now) is not { } at)
        {
            await turn.ReplyAsync(turn.Text.Get("announce.bad_time", ("input", input)));
            return;
        }
        if (at <= now)
        {
            await turn.ReplyAsync(turn.Text.Get("announce.past_time", ("time", $"{AnnouncementFlow.Local(at, zone)} ({zoneId})")));
            return;
        }
        await Academy.Learning.Announcements.AnnouncementService.SetSendAtAsync(turn.Session, draft.Id, at);
        await AnnouncementFlow.ClearStepAsync(turn);
        await AnnouncementFlow.PreviewAsync(turn, draft with { SendAt = at });
    }

    /// <summary>"2026-12-01 09:00" in the zone, or "09:00": its next occurrence. Null when unreadable or not a real local time.</summary>
    internal static DateTimeOffset? ParseLocal(string input, TimeZoneInfo zone, DateTimeOffset now)
    {
        DateTime local;
        if (DateTime.TryParseExact(input, ["yyyy-MM-dd HH:mm", "yyyy-MM-dd H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var full))
            local = full;
        else if (TimeOnly.TryParseExact(input, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock))
        {
            var today = TimeZoneInfo.ConvertTime(now, zone).DateTime.Date;
            local = today + clock.ToTimeSpan();
            if (Convert(local, zone) is { } candidate && candidate <= now) local = local.AddDays(1);
        }
        else return null;
        return Convert(local, zone);
    }

    private static DateTimeOffset? Convert(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(unspecified)) return null; // skipped by a DST change
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(unspecified, zone), TimeSpan.Zero);
    }
}
