using Academy.BotHost.Pipeline;
using Academy.Learning.Messaging;
using Academy.Learning.Model;

namespace Academy.BotHost.Handlers;

/// <summary>/start in private: a known learner is greeted; anyone else chooses a language first.</summary>
public sealed class StartHandler : CommandHandler
{
    public StartHandler() : base("start") { }

    public override bool RequiresRegistration => false;

    public override ChatScope Scope => ChatScope.Private;

    public override async Task HandleAsync(TurnContext turn)
    {
        if (turn.Learner is { } learner)
        {
            await turn.ReplyAsync(turn.Text.Get("start.welcome_back", ("name", learner.Name)));
            return;
        }
        await turn.ReplyAsync(turn.Text["start.choose_language"],
            [Languages.All.Select(l => new Button(turn.Text["language.name." + l], $"{LanguageButtonHandler.Prefix}:{l}")).ToList()]);
    }
}
