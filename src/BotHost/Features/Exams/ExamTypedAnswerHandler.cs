using Academy.BotHost.Channels;
using Academy.Learning.Model;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Exams;

/// <summary>
/// Text typed in private while the learner's exam is asking a fill-in-the-blank question: that is
/// the answer. Any other private text is left alone, as before.
/// </summary>
public sealed class ExamTypedAnswerHandler(Academy.Learning.Exams.ExamService exams, ExamOutcomes outcomes) : ChatEventHandler(ChatEventKind.Message)
{
    public override ChatScope Scope => ChatScope.Private;

    public override bool Matches(ChatEvent e) => base.Matches(e) && e.IsPrivate && !string.IsNullOrWhiteSpace(e.Text);

    // Only while a fill-in-the-blank question waits; other private text (an admin's announcement) goes on to its handler.
    public override async Task<bool> WantsAsync(TurnContext turn) =>
        turn.Learner is not null && await FillQuestionAsync(turn) is not null;

    public override async Task HandleAsync(TurnContext turn)
    {
        if (await FillQuestionAsync(turn) is not { } attempt) return;
        await outcomes.TellAsync(turn, await exams.AnswerAsync(turn.Session, attempt.Id, turn.Learner!.Id, attempt.Position, Response.Typed(turn.Event.Text!.Trim())));
    }

    private async Task<Academy.Learning.Exams.ExamAttempt?> FillQuestionAsync(TurnContext turn)
    {
        if (await exams.RunningAsync(turn.Session, turn.Learner!.Id) is not var (attempt, _)) return null;
        if (attempt.Position >= attempt.Questions.Count) return null;
        var question = await Academy.Learning.Exams.ExamService.QuestionAsync(turn.Session, attempt, attempt.Position);
        return question.Type == QuestionType.Fill ? attempt : null;
    }
}
