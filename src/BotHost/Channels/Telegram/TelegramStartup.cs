using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.BotHost.Chat;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Channels.Telegram;

/// <summary>
/// Start-up on Telegram: learn who the bot is (getMe, retried until it answers), publish each role's
/// command menu in each language (setMyCommands; a failure is logged, not fatal), and set the
/// webhook or remove it for polling. <see cref="Ready"/> completes when updates may be taken in.
/// Every call Telegram refuses (or that cannot reach it) is a start-up warning on /health: a menu
/// that was never set, or a webhook that keeps failing, is otherwise noticed by nobody.
/// </summary>
public sealed class TelegramStartup(
    TelegramBotClient client, TelegramOptions options, TelegramBot bot, TurnPipeline pipeline, Catalog catalog,
    Operations.StartupWarnings warnings, ILogger<TelegramStartup> logger) : BackgroundService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ready => _ready.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await UntilItWorksAsync(TelegramMethods.GetMe, async ct =>
        {
            var me = await client.GetMeAsync(ct);
            bot.Set(me.Id, me.Username);
            logger.LogInformation("Telegram bot @{Username} ({Mode})", me.Username, options.Mode);
        }, stoppingToken);
        await PublishCommandsAsync(stoppingToken);
        await UntilItWorksAsync(options.Mode == TelegramMode.Webhook ? TelegramMethods.SetWebhook : TelegramMethods.DeleteWebhook, async ct =>
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
                warnings.Clear(WarningKey(step));
                return;
            }
            catch (Exception ex) when (ex is TelegramApiException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                logger.LogError("Telegram {Step} failed ({Error}); retrying", step, ex.Message);
                warnings.Add(WarningKey(step), $"Telegram {step} failed: {Describe(ex)}. The channel waits for it, retrying.");
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(60, 2 * attempt)), ct);
            }
        }
    }

    private static string WarningKey(string step) => "telegram." + step;

    // Telegram's own words when it answered; the (token-free) network error otherwise.
    private static string Describe(Exception ex) => ex is TelegramApiException api ? $"{api.ErrorCode} {api.Description}" : ex.Message;

    // Each audience sees the commands it may use: learners in private, everyone in groups, and the
    // groups' administrators (liaisons, admins) the group commands too. The administrators' scope is
    // all_chat_administrators: chat_administrators names one chat and is refused without its chat_id.
    private async Task PublishCommandsAsync(CancellationToken ct)
    {
        var menus = new (BotCommandScope Scope, Func<TurnHandler, bool> Shows)[]
        {
            (BotCommandScope.AllPrivateChats, h => h.Scope != ChatScope.Group && h.RequiredRole == Role.Learner),
            (BotCommandScope.AllGroupChats, h => h.Scope != ChatScope.Private && h.RequiredRole == Role.Learner),
            (BotCommandScope.AllChatAdministrators, h => h.Scope != ChatScope.Private),
        };
        var refused = new List<string>();
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
                    refused.Add($"{scope.Type}/{language} ({Describe(ex)})");
                }
            }
        if (refused.Count == 0) warnings.Clear(WarningKey(TelegramMethods.SetMyCommands));
        else
            warnings.Add(WarningKey(TelegramMethods.SetMyCommands),
                $"Telegram setMyCommands failed for {string.Join(", ", refused)}: those command menus are not set; they are tried again at the next start.");
    }
}
