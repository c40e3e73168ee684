using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Credit;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Daily;

/// <summary>
/// The check-in button (<c>ci:COHORT</c>): records today's check-in inside the window; its minutes may
/// be the last the learner needed for the certificate. Pressed in a group's chat it counts only for
/// that group's learners; a reminder's button in private, for the learner enrolled in the cohort.
/// </summary>
public sealed class CheckInButtonHandler(LearnerRecord record, Completion completion, Refusals refusals) : ButtonHandler(Programme.CheckInButton)
{
    public override async Task HandleAsync(TurnContext turn)
    {
        if (Fields(turn).Length != 1 || LongField(turn, 0) is not { } cohortId)
        {
            await refusals.RefuseButtonAsync(turn, Access.Unknown);
            return;
        }
        var access = await DeliveryAccess.CheckInAsync(turn.Session, cohortId, turn.Learner!.Id, turn.GroupId, turn.Event.IsPrivate);
        if (access != Access.Granted)
        {
            await refusals.RefuseButtonAsync(turn, access);
            return;
        }
        var outcome = await record.CheckInAsync(turn.Session, cohortId, turn.Learner.Id);
        if (outcome.Status == CheckInStatus.Recorded) await completion.CheckAfterCreditAsync(turn.Session, cohortId, [turn.Learner.Id]);
        var text = turn.Personal;
        await turn.AnswerButtonAsync(outcome.Status switch
        {
            CheckInStatus.Recorded => text.Get("checkin.recorded", ("day", outcome.Day), ("streak", outcome.Streak)),
            CheckInStatus.AlreadyCheckedIn => text.Get("checkin.already", ("day", outcome.Day)),
            CheckInStatus.NotOpenYet => text["checkin.not_open"],
            CheckInStatus.Closed => text["checkin.closed"],
            CheckInStatus.NotEnrolled => text["checkin.not_enrolled"],
            _ => text["checkin.no_programme"],
        });
    }
}
