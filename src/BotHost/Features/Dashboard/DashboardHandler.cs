using Academy.Learning.Model;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Dashboard;

/// <summary>/dashboard (liaison, admin; private chat): a one-time sign-in link to the web dashboard.</summary>
public sealed class DashboardHandler(DashboardAccess access, DashboardLinks links, DashboardOptions options) : CommandHandler("dashboard")
{
    public override Role RequiredRole => Role.Liaison;

    public override ChatScope Scope => ChatScope.Private;

    public override async Task HandleAsync(TurnContext turn)
    {
        var token = await access.IssueLinkAsync(turn.Session, turn.Learner!.Id);
        await turn.ReplyAsync(turn.Text.Get("dashboard.link",
            ("url", links.SignInUrl(token)), ("minutes", (int)Math.Round(options.LinkLifetime.TotalMinutes))));
    }
}
