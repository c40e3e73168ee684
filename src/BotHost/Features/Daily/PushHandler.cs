using System.Globalization;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
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

namespace Academy.BotHost.Features.Daily;

/// <summary>
/// /push [DAY] in a bound group chat (admin): delivers the day's lesson, check-in prompt and quiz now,
/// as the scheduler would. Without a day: today's programme day (day 1 before the start); nothing on a
/// holiday, and the lesson and quiz without the check-in when a day is named on one.
/// </summary>
public sealed class PushHandler(Programme programme, TimeProvider time) : CommandHandler("push")
{
    public override Role RequiredRole => Role.Admin;

    public override ChatScope Scope => ChatScope.Group;

    public override async Task HandleAsync(TurnContext turn)
    {
        if (turn.GroupId is not { } groupId || turn.CohortId is not { } cohortId)
        {
            await turn.ReplyAsync(turn.Text["push.not_bound"]);
            return;
        }
        var cohort = (await CohortStore.GetAsync(turn.Session, cohortId))!;
        var calendar = cohort.Calendar;
        var today = calendar.LocalDate(time.GetUtcNow());
        // A holiday (or a skipped weekend) inside the programme has no check-in: the button would answer
        // "no programme day today", so the push must not invite one.
        var holiday = today >= calendar.Start && today <= calendar.End && !calendar.IsProgrammeDate(today);
        var date = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        int day;
        if (turn.Event.Args.Count > 0)
        {
            if (!int.TryParse(turn.Event.Args[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out day) || day < 1 || day > cohort.LessonCount)
            {
                await turn.ReplyAsync(turn.Text.Get("push.bad_day", ("max", cohort.LessonCount)));
                return;
            }
        }
        else if (holiday)
        {
            await turn.ReplyAsync(turn.Text.Get("web.push.holiday", ("date", date)));
            return;
        }
        else day = Math.Max(1, calendar.DaysElapsed(today));
        var result = await programme.DeliverDayAsync(turn.Session, cohortId, groupId, day, holiday ? DayParts.Lesson | DayParts.Quiz : DayParts.All);
        if (result.MessagesQueued == 0) await turn.ReplyAsync(turn.Text.Get("push.already", ("day", day)));
        else if (holiday) await turn.ReplyAsync(turn.Text.Get("web.push.holiday_no_checkin", ("date", date), ("day", day)));
    }
}
