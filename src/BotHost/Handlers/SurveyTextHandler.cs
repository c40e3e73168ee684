using Academy.BotHost.Channels;
using Academy.BotHost.Pipeline;
using Academy.Learning.Assessment;

namespace Academy.BotHost.Handlers;

/// <summary>
/// A message typed in private while a survey waits for a written answer. Other private messages
/// are left alone, as they were before surveys existed.
/// </summary>
public sealed class SurveyTextHandler(Surveys surveys) : Pipeline.EventHandler(ChatEventKind.Message)
{
    public override ChatScope Scope => ChatScope.Private;

    public override bool Matches(ChatEvent e) => base.Matches(e) && e.IsPrivate && !string.IsNullOrWhiteSpace(e.Text);

    public override async Task<bool> WantsAsync(TurnContext turn) =>
        turn.Learner is not null && turn.CohortId is { } cohortId && await surveys.WaitsForTextAsync(turn.Session, cohortId, turn.Learner.Id);

    public override async Task HandleAsync(TurnContext turn)
    {
        if (turn.CohortId is not { } cohortId) return;
        var outcome = await surveys.WriteAsync(turn.Session, cohortId, turn.Learner!.Id, turn.Event.Text!);
        if (outcome is not null) await SurveyPrompts.ReplyAsync(turn, outcome);
    }
}
