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
/// "I have studied this" under a lesson (<c>lr:DELIVERY</c>): credits the lesson's minutes once, to a
/// learner of the group the lesson was delivered to.
/// </summary>
public sealed class LessonReadButtonHandler(LearnerRecord record, Completion completion, Refusals refusals) : ButtonHandler(Programme.LessonReadButton)
{
    public override async Task HandleAsync(TurnContext turn)
    {
        if (Fields(turn).Length != 1 || LongField(turn, 0) is not { } id)
        {
            await refusals.RefuseButtonAsync(turn, Access.Unknown);
            return;
        }
        var (delivery, access) = await DeliveryAccess.CheckAsync(turn.Session, id, turn.Learner!.Id, DeliveryKind.Lesson);
        if (access != Access.Granted || delivery?.LessonId is not { } lessonId)
        {
            await refusals.RefuseButtonAsync(turn, access == Access.Granted ? Access.Unknown : access);
            return;
        }
        var recorded = await record.MarkLessonReadAsync(turn.Session, delivery.CohortId, turn.Learner.Id, lessonId);
        if (recorded) await completion.CheckAsync(turn.Session, delivery.CohortId, turn.Learner.Id);
        await turn.AnswerButtonAsync(recorded ? turn.Personal["lesson.read_recorded"] : turn.Personal["lesson.read_already"]);
    }
}
