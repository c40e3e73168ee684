using System.Globalization;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Statistics;
using Academy.Learning.Storage;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Liaison;

/// <summary>
/// /today [GROUP] (liaison of the group, admin): today's programme day of the group as it stands —
/// who checked in and when, who has not (and who was nudged), who answered the quiz — with a button
/// that nudges the missing ones privately while check-in is open.
/// </summary>
public sealed class TodayHandler(LiaisonGroups liaisonGroups, TimeProvider time) : CommandHandler("today")
{
    /// <summary>Names shown per line before "and N more": a phone screen's worth.</summary>
    public const int NamesShown = 10;

    public override Role RequiredRole => Role.Liaison;

    public override async Task HandleAsync(TurnContext turn)
    {
        var code = turn.Event.IsPrivate ? turn.Event.Args.FirstOrDefault() : null;
        foreach (var group in await liaisonGroups.ResolveAsync(turn, code))
        {
            var (text, buttons) = await ComposeAsync(turn.Session, group, turn.Text, time.GetUtcNow());
            await turn.ReplyAsync(text, buttons);
        }
    }

    /// <summary>The status message and its nudge button (when check-in is open and someone is missing and not yet nudged).</summary>
    public static async Task<(string Text, IReadOnlyList<IReadOnlyList<Button>> Buttons)> ComposeAsync(
        DbSession s, LiaisonGroup group, Localizer text, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(text);
        var cohort = group.Cohort;
        var calendar = cohort.Calendar;
        var date = calendar.LocalDate(now);
        var dateText = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (calendar.DayNumber(date) is not { } day)
            return (text.Get("today.no_day", ("code", group.Code), ("date", dateText)), []);

        var report = (await ProgrammeStatistics.GroupDaysAsync(s, cohort.Id, day, group.Id)).Single();
        var quizzes = await ProgrammeStatistics.LearnerQuizzesAsync(s, cohort.Id, day, group.Id);
        var nudged = await CheckInStore.NudgedAtAsync(s, cohort.Id, group.Id, day);
        string Clock(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, calendar.Zone).ToString("HH:mm", CultureInfo.InvariantCulture);

        var lines = new List<string>
        {
            text.Get("today.heading", ("group", report.Group.Name.In(text.Language)), ("code", group.Code), ("day", day), ("date", dateText)),
        };
        var checkedIn = report.CheckedIn.OrderBy(c => c.At ?? DateTimeOffset.MaxValue).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.At is { } at ? $"{c.Name} {Clock(at)}" : c.Name).ToList();
        lines.Add(Labelled(text, text.Get("today.checked_in", ("count", report.CheckedIn.Count), ("enrolled", report.Enrolled)), checkedIn));
        if (report.Missed.Count == 0)
            lines.Add(text["today.everyone_in"]);
        else
            lines.Add(Labelled(text, text.Get("today.missing", ("count", report.Missed.Count)),
                report.Missed.Select(m => nudged.ContainsKey(m.LearnerId) ? $"{m.Name} ({text["today.nudged"]})" : m.Name).ToList()));

        if (report.Questions.Count == 0)
            lines.Add(text["today.quiz_not_posted"]);
        else
        {
            var answered = report.CheckedIn.Select(c => (c.LearnerId, c.Name)).Concat(report.Missed.Select(m => (m.LearnerId, m.Name)))
                .Where(p => quizzes.ContainsKey(p.LearnerId))
                .OrderByDescending(p => quizzes[p.LearnerId].Answered).ThenBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => $"{p.Name} {quizzes[p.LearnerId].Answered}/{report.Questions.Count}").ToList();
            lines.Add(Labelled(text, text.Get("today.quiz", ("count", answered.Count), ("enrolled", report.Enrolled), ("questions", report.Questions.Count)), answered));
        }

        var schedule = cohort.Cohort.Schedule;
        var open = Nudges.IsCheckInOpen(cohort, day, now) && !report.Closed;
        if (!open)
            lines.Add(now < calendar.At(date, schedule.CheckInOpen)
                ? text.Get("today.checkin_opens", ("time", LocalTimes.Format(schedule.CheckInOpen)))
                : text.Get("today.checkin_closed", ("time", LocalTimes.Format(schedule.CheckInClose))));
        var toNudge = report.Missed.Count(m => !nudged.ContainsKey(m.LearnerId));
        IReadOnlyList<IReadOnlyList<Button>> buttons = open && toNudge > 0
            ? [[new Button(text.Get("today.nudge_button", ("count", toNudge)), NudgeButtonHandler.Data(group.Id, day))]]
            : [];
        return (string.Join('\n', lines), buttons);
    }

    /// <summary>"Label: A, B" in the reader's punctuation (a full-width colon and 、 in Chinese); the label alone for no names.</summary>
    public static string Labelled(Localizer text, string label, IReadOnlyList<string> names, bool capped = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(names);
        return names.Count == 0 ? label
            : text.Get("list.labelled", ("label", label), ("names", capped ? Names(names, text) : string.Join(text["digest.separator"], names)));
    }

    /// <summary>Names joined, at most <see cref="NamesShown"/> of them, then "and N more".</summary>
    public static string Names(IReadOnlyList<string> names, Localizer text)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(text);
        var shown = string.Join(text["digest.separator"], names.Take(NamesShown));
        return names.Count <= NamesShown ? shown : shown + " " + text.Get("list.and_more", ("count", names.Count - NamesShown));
    }
}
