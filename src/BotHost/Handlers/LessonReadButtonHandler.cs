using Academy.BotHost.Pipeline;
using Academy.Learning.Assessment;
using Academy.Learning.Record;

namespace Academy.BotHost.Handlers;

/// <summary>"I have studied this" under a lesson (<c>lr:DELIVERY</c>): credits the lesson's minutes once.</summary>
public sealed class LessonReadButtonHandler(LearnerRecord record, Completion completion) : ButtonHandler(Programme.LessonReadButton)
{
    public override async Task HandleAsync(TurnContext turn)
    {
        var delivery = LongField(turn, 0) is { } id
            ? await turn.Session.QuerySingleOrDefaultAsync<DeliveryRow>(
                "SELECT cohort_id AS CohortId, lesson_id AS LessonId FROM deliveries WHERE id = @id AND kind = 'Lesson'", new { id })
            : null;
        if (delivery?.LessonId is not { } lessonId)
        {
            await turn.AnswerButtonAsync(null);
            return;
        }
        var recorded = await record.MarkLessonReadAsync(turn.Session, delivery.CohortId, turn.Learner!.Id, lessonId);
        if (recorded) await completion.CheckAsync(turn.Session, delivery.CohortId, turn.Learner.Id);
        await turn.AnswerButtonAsync(recorded ? turn.Text["lesson.read_recorded"] : turn.Text["lesson.read_already"]);
    }

    private sealed class DeliveryRow
    {
        public long CohortId { get; init; }
        public long? LessonId { get; init; }
    }
}
