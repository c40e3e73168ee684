using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;

namespace Academy.BotHost.Chat;

/// <summary>/help: the commands this person may use here.</summary>
public sealed class HelpHandler(IServiceProvider services) : CommandHandler("help")
{
    public override bool RequiresRegistration => false;

    public override async Task HandleAsync(TurnContext turn)
    {
        // Resolved lazily: the pipeline owns the handler list, and this handler is in it.
        var handlers = services.GetRequiredService<TurnPipeline>().Handlers;
        var scope = turn.Event.IsPrivate ? ChatScope.Private : ChatScope.Group;
        var lines = handlers
            .Where(h => h.Command is not null && h.RequiredRole <= turn.Role && (h.Scope == ChatScope.Any || h.Scope == scope))
            .Where(h => turn.Learner is not null || !h.RequiresRegistration)
            .Select(h => $"/{h.Command} — {turn.Text["help." + h.Command]}");
        var header = turn.Learner is null ? turn.Text["help.header_guest"] : turn.Text.Get("help.header", ("role", turn.Role.ToString().ToLowerInvariant()));
        await turn.ReplyAsync(header + "\n" + string.Join('\n', lines));
    }
}
