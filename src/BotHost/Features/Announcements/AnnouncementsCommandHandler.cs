using System.Text;
using Academy.Learning.Announcements;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Announcements;

/// <summary>/announcements in private (admin): the latest announcements with their figures; Cancel for scheduled ones.</summary>
public sealed class AnnouncementsCommandHandler() : CommandHandler("announcements")
{
    private const int Shown = 10;
    private const int ExcerptLength = 60;

    public override Role RequiredRole => Role.Admin;

    public override ChatScope Scope => ChatScope.Private;

    public override async Task HandleAsync(TurnContext turn)
    {
        var recent = await Academy.Learning.Announcements.AnnouncementService.RecentAsync(turn.Session, Shown);
        if (recent.Count == 0)
        {
            await turn.ReplyAsync(turn.Text["announce.list.empty"]);
            return;
        }
        var text = new StringBuilder(turn.Text["announce.list.title"]);
        var buttons = new List<IReadOnlyList<Button>>();
        foreach (var a in recent)
        {
            var report = await DeliveryReport.ComputeAsync(turn.Session, a);
            var (zone, zoneId, _) = await AnnouncementFlow.ZoneAsync(turn.Session, a.Audience, turn.Text.Language);
            var when = (a.Status == AnnouncementStatus.Scheduled ? a.SendAt : a.SentAt ?? a.SendAt ?? a.CreatedAt) is { } at
                ? $"{AnnouncementFlow.Local(at, zone)} ({zoneId})" : "";
            var excerpt = a.Text.Length > ExcerptLength ? a.Text[..ExcerptLength] + "…" : a.Text;
            if (excerpt.Length == 0 && a.Attachment is { } file) excerpt = turn.Text.Get("announce.attachment_label", ("file", file.FileName));
            text.Append("\n\n").Append(turn.Text.Get("announce.list.item", ("id", a.Id), ("status", turn.Text["announce.status." + a.Status]),
                ("when", when), ("excerpt", excerpt.ReplaceLineEndings(" ")), ("sent", report.Sent), ("copies", report.Copies),
                ("failed", report.Failed), ("read", report.Read), ("learners", report.Learners)));
            if (a.Status == AnnouncementStatus.Scheduled)
                buttons.Add([new Button(turn.Text.Get("announce.list.cancel", ("id", a.Id)), AnnouncementButtons.Data(a.Id, AnnouncementButtons.Cancel))]);
        }
        await turn.ReplyAsync(text.ToString(), buttons);
    }
}
