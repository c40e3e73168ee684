using Academy.BotHost.Pipeline;
using Academy.Learning.Assessment;
using Academy.Learning.Record;

namespace Academy.BotHost.Handlers;

/// <summary>
/// The check-in button (<c>ci:COHORT</c>): records today's check-in inside the window; its minutes may
/// be the last the learner needed for the certificate.
/// </summary>
public sealed class CheckInButtonHandler(LearnerRecord record, Completion completion) : ButtonHandler(Programme.CheckInButton)
{
    public override async Task HandleAsync(TurnContext turn)
    {
        if (LongField(turn, 0) is not { } cohortId)
        {
            await turn.AnswerButtonAsync(null);
            return;
        }
        var outcome = await record.CheckInAsync(turn.Session, cohortId, turn.Learner!.Id);
        if (outcome.Status == CheckInStatus.Recorded) await completion.CheckAfterCreditAsync(turn.Session, cohortId, [turn.Learner.Id]);
        await turn.AnswerButtonAsync(outcome.Status switch
        {
            CheckInStatus.Recorded => turn.Text.Get("checkin.recorded", ("day", outcome.Day), ("streak", outcome.Streak)),
            CheckInStatus.AlreadyCheckedIn => turn.Text.Get("checkin.already", ("day", outcome.Day)),
            CheckInStatus.NotOpenYet => turn.Text["checkin.not_open"],
            CheckInStatus.Closed => turn.Text["checkin.closed"],
            CheckInStatus.NotEnrolled => turn.Text["checkin.not_enrolled"],
            _ => turn.Text["checkin.no_programme"],
        });
    }
}
