using Academy.BotHost.Pipeline;
using Academy.Learning.Assessment;

namespace Academy.BotHost.Handlers;

/// <summary>/certificate (private chat): sends the learner's certificates again — preview and PDF.</summary>
public sealed class CertificateHandler(Learning.Assessment.Certificates certificates) : CommandHandler("certificate")
{
    public override ChatScope Scope => ChatScope.Private;

    public override async Task HandleAsync(TurnContext turn)
    {
        var valid = (await Learning.Assessment.Certificates.ForLearnerAsync(turn.Session, turn.Learner!.Id)).Where(c => !c.Revoked).ToList();
        if (valid.Count == 0)
        {
            await turn.ReplyAsync(turn.Text["certificate.none"]);
            return;
        }
        foreach (var certificate in valid)
            await certificates.SendAsync(turn.Session, certificate, turn.Event.Chat!, turn.Text.Language, $"turn-{turn.Event.Channel}-{turn.Event.UpdateId}");
    }
}
