using Academy.BotHost.Pipeline;
using Academy.Learning.Record;

namespace Academy.BotHost.Handlers;

/// <summary>/me: the learner's progress in their current cohort.</summary>
public sealed class MeHandler(LearnerRecord record) : CommandHandler("me")
{
    public override async Task HandleAsync(TurnContext turn)
    {
        if (turn.CohortId is not { } cohortId)
        {
            await turn.ReplyAsync(turn.Text["me.no_cohort"]);
            return;
        }
        var p = await record.GetProgressAsync(turn.Session, cohortId, turn.Learner!.Id);
        await turn.ReplyAsync(turn.Text.Get("me.progress",
            ("name", turn.Learner.Name), ("day", p.DaysElapsed),
            ("read", p.RequiredLessonsRead), ("required", p.RequiredLessons), ("delivered", p.LessonsDelivered),
            ("answered", p.QuestionsAnswered), ("accuracy", Math.Round(p.Accuracy * 100)),
            ("checkins", p.CheckIns), ("streak", p.CurrentStreak), ("best", p.BestStreak),
            ("minutes", p.CreditMinutes), ("points", p.Points)));
    }
}
