using Academy.BotHost.Chat;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Certificates;

/// <summary>/certificate (private chat): sends the learner's certificates again — preview and PDF.</summary>
public sealed class CertificateHandler(Academy.Learning.Credit.Certificates certificates) : CommandHandler("certificate")
{
    public override ChatScope Scope => ChatScope.Private;

    public override async Task HandleAsync(TurnContext turn)
    {
        var valid = (await CertificateStore.ForLearnerAsync(turn.Session, turn.Learner!.Id)).Where(c => !c.Revoked).ToList();
        if (valid.Count == 0)
        {
            await turn.ReplyAsync(turn.Text["certificate.none"]);
            return;
        }
        foreach (var certificate in valid)
            await certificates.SendAsync(turn.Session, certificate, turn.Event.Chat!, turn.Text.Language, $"turn-{turn.Event.Channel}-{turn.Event.UpdateId}");
    }
}
