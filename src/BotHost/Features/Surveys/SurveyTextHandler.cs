using Academy.BotHost.Channels;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Surveys;

/// <summary>
/// A message typed in private while a survey waits for a written answer. Other private messages
/// are left alone, as they were before surveys existed.
/// </summary>
public sealed class SurveyTextHandler(SurveyService surveys) : ChatEventHandler(ChatEventKind.Message)
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
