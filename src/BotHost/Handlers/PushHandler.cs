using System.Globalization;
using Academy.BotHost.Pipeline;
using Academy.Learning.Model;
using Academy.Learning.Record;
using Academy.Learning.Storage;

namespace Academy.BotHost.Handlers;

/// <summary>
/// /push [DAY] in a bound group chat (admin): delivers the day's lesson, check-in prompt and quiz now,
/// as the scheduler would. Without a day: today's programme day (day 1 before the start).
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
        int day;
        if (turn.Event.Args.Count > 0)
        {
            if (!int.TryParse(turn.Event.Args[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out day) || day < 1 || day > cohort.LessonCount)
            {
                await turn.ReplyAsync(turn.Text.Get("push.bad_day", ("max", cohort.LessonCount)));
                return;
            }
        }
        else day = Math.Max(1, calendar.DaysElapsed(calendar.LocalDate(time.GetUtcNow())));
        var result = await programme.DeliverDayAsync(turn.Session, cohortId, groupId, day);
        if (result.MessagesQueued == 0) await turn.ReplyAsync(turn.Text.Get("push.already", ("day", day)));
    }
}
