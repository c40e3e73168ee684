using System.Globalization;
using System.Text.Json;
using Academy.BotHost.Chat;

namespace Academy.BotHost.Channels.Telegram;

/// <summary>
/// Long polling (the default mode): getUpdates, record the batch in the inbox, and only then ask for
/// the next batch with offset = last id + 1 — which is what confirms the batch to Telegram. A crash
/// between the two re-fetches the batch, and the inbox's key makes that harmless.
/// </summary>
public sealed class TelegramPolling(
    TelegramBotClient client, TelegramOptions options, TelegramStartup startup, InboxStore inbox, InboxProcessor processor,
    ILogger<TelegramPolling> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Mode != TelegramMode.Polling) return;
        await startup.Ready.WaitAsync(stoppingToken);
        long? offset = null;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var updates = await client.GetUpdatesAsync(offset, 100, options.PollTimeoutSeconds, ct: stoppingToken);
                failures = 0;
                if (updates.Count == 0) continue;
                var batch = updates.Select(u => (Id: u.GetProperty("update_id").GetInt64(), Json: u.GetRawText())).ToList();
                await inbox.RecordManyAsync(TelegramMapper.Channel,
                    batch.Select(b => (b.Id.ToString(CultureInfo.InvariantCulture), b.Json)), stoppingToken);
                processor.Signal();
                offset = batch.Max(b => b.Id) + 1;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is TelegramApiException or HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
            {
                // 409: another poller or a webhook is active; network trouble: back off and try again.
                failures++;
                var delay = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, failures)));
                logger.LogWarning("getUpdates failed ({Error}); retrying in {Delay}", ex.Message, delay);
                await Task.Delay(delay, stoppingToken);
            }
        }
    }
}
