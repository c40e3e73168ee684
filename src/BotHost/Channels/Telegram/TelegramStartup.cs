using Academy.BotHost.Pipeline;
using Academy.Learning.Localization;
using Academy.Learning.Model;

namespace Academy.BotHost.Channels.Telegram;

/// <summary>
/// Start-up on Telegram: learn who the bot is (getMe, retried until it answers), publish each role's
/// command menu in each language (setMyCommands; a failure is logged, not fatal), and set the
/// webhook or remove it for polling. <see cref="Ready"/> completes when updates may be taken in.
/// </summary>
public sealed class TelegramStartup(
    TelegramBotClient client, TelegramOptions options, TelegramBot bot, TurnPipeline pipeline, Catalog catalog,
    ILogger<TelegramStartup> logger) : BackgroundService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ready => _ready.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await UntilItWorksAsync("getMe", async ct =>
        {
            var me = await client.GetMeAsync(ct);
            bot.Set(me.Id, me.Username);
            logger.LogInformation("Telegram bot @{Username} ({Mode})", me.Username, options.Mode);
        }, stoppingToken);
        await PublishCommandsAsync(stoppingToken);
        await UntilItWorksAsync(options.Mode.ToString(), async ct =>
        {
            if (options.Mode == TelegramMode.Webhook) await client.SetWebhookAsync(options.WebhookUrl!, options.SecretToken, ct: ct);
            else await client.DeleteWebhookAsync(ct: ct); // polling and a webhook exclude each other
        }, stoppingToken);
        _ready.TrySetResult();
    }

    // Without these calls the channel cannot work: retried with back-off (logged), never fatal to the host.
    private async Task UntilItWorksAsync(string step, Func<CancellationToken, Task> call, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call(ct);
                return;
            }
            catch (Exception ex) when (ex is TelegramApiException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                logger.LogError("Telegram {Step} failed ({Error}); retrying", step, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(60, 2 * attempt)), ct);
            }
        }
    }

    // Each audience sees the commands it may use: learners in private, everyone in groups, and the
    // group's administrators (liaisons, admins) the group commands too.
    private async Task PublishCommandsAsync(CancellationToken ct)
    {
        var menus = new (BotCommandScope Scope, Func<TurnHandler, bool> Shows)[]
        {
            (BotCommandScope.AllPrivateChats, h => h.Scope != ChatScope.Group && h.RequiredRole == Role.Learner),
            (BotCommandScope.AllGroupChats, h => h.Scope != ChatScope.Private && h.RequiredRole == Role.Learner),
            (BotCommandScope.ChatAdministrators, h => h.Scope != ChatScope.Private),
        };
        foreach (var (scope, shows) in menus)
            foreach (var language in Languages.All)
            {
                var text = catalog.For(language);
                var commands = pipeline.Handlers.Where(h => h.Command is not null && shows(h))
                    .Select(h => new BotCommand(h.Command!, text["help." + h.Command])).ToList();
                // Telegram's language codes are two letters; English is the default for everyone else.
                var code = language == Languages.English ? null : language[..2];
                try
                {
                    await client.SetMyCommandsAsync(commands, scope, code, ct);
                }
                catch (Exception ex) when (ex is TelegramApiException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    logger.LogWarning("setMyCommands ({Scope}, {Language}) failed: {Error}", scope.Type, language, ex.Message);
                }
            }
    }
}
