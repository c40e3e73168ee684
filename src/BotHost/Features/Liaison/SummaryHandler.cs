using System.Globalization;
using Academy.Learning.Exports;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Liaison;

/// <summary>
/// /summary [GROUP] [DAY] (liaison of the group, admin): the day's table — learner, check-in time,
/// quiz, exam, notes — as an xlsx and a CSV document. Without a day: today's programme day (the last
/// one once the programme is over). Asked in a group chat, the files go to the asker's private chat:
/// they hold every learner's figures, which are the liaison's to share, not the bot's.
/// </summary>
public sealed class SummaryHandler(LiaisonGroups liaisonGroups, Refusals refusals, TimeProvider time) : CommandHandler("summary")
{
    public override Role RequiredRole => Role.Liaison;

    public override async Task HandleAsync(TurnContext turn)
    {
        int? day = null;
        string? code = null;
        foreach (var arg in turn.Event.Args)
        {
            if (int.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) day = n;
            else if (turn.Event.IsPrivate) code = arg;
            else
            {
                await turn.ReplyAsync(turn.Text["summary.usage"]);
                return;
            }
        }
        var groups = await liaisonGroups.ResolveAsync(turn, code);
        if (groups.Count == 0) return;

        var personal = await refusals.PersonalTextAsync(turn);
        var to = turn.Event.Chat!;
        if (!turn.Event.IsPrivate)
        {
            if (!await LearnerDirectory.IsReachableAsync(turn.Session, turn.Event.Channel, turn.Event.From!.Id))
            {
                await turn.ReplyAsync(turn.Text["summary.cannot_write_privately"]);
                return;
            }
            to = new ChatAddress(turn.Event.Channel, turn.Event.From.Id);
        }
        foreach (var group in groups)
        {
            var calendar = group.Cohort.Calendar;
            var lessons = group.Cohort.LessonCount;
            var which = day ?? Math.Clamp(calendar.DaysElapsed(calendar.LocalDate(time.GetUtcNow())), 1, Math.Max(1, lessons));
            if (which < 1 || which > lessons)
            {
                await turn.ReplyAsync(turn.Text.Get("summary.bad_day", ("max", lessons)));
                return;
            }
            var table = await DaySummary.BuildAsync(turn.Session, group.Cohort, group.Id, which, personal);
            var date = calendar.DateOf(which).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await turn.SendAsync(new OutgoingMessage
            {
                To = to,
                Text = personal.Get("summary.caption", ("code", group.Code), ("day", which), ("date", date), ("count", table.Rows.Count)),
                Attachment = new Attachment(AttachmentKind.Document, DaySummary.FileName(group.Code, which, "xlsx"), Content: TableWriter.ToXlsx(table)),
            });
            await turn.SendAsync(new OutgoingMessage
            {
                To = to,
                Attachment = new Attachment(AttachmentKind.Document, DaySummary.FileName(group.Code, which, "csv"), Content: TableWriter.ToCsv(table)),
            });
        }
        if (!turn.Event.IsPrivate) await turn.ReplyAsync(turn.Text["summary.sent_privately"]);
    }
}
