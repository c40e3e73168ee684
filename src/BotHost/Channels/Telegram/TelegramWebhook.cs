using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Academy.BotHost.Chat;

namespace Academy.BotHost.Channels.Telegram;

/// <summary>
/// The webhook Telegram posts updates to, at the path of <c>Telegram:WebhookUrl</c>. It answers
/// 200 only once the update is durably in the inbox: wrong or missing secret → 401, a body that is
/// not an update → 400, over 1 MB → 413, a re-delivery → 200 and no effect.
/// </summary>
public static class TelegramWebhook
{
    private const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    public static WebApplication MapTelegramWebhook(this WebApplication app, TelegramOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var path = new Uri(options.WebhookUrl!).AbsolutePath;
        var secret = Encoding.UTF8.GetBytes(options.SecretToken!);
        app.MapPost(path, async (HttpContext http, InboxStore inbox, InboxProcessor processor, Hosting.PublicOrigin origin, ILogger<InboxStore> logger,
            CancellationToken ct) =>
        {
            var given = http.Request.Headers[SecretHeader].ToString();
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), secret))
                return Results.Unauthorized();
            // Telegram called the webhook's public address: links the bot sends can start there.
            origin.Observe(http.Request);

            var body = await WebhookBody.ReadLimitedAsync(http.Request, ct);
            if (body is null) return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            if (UpdateIdOf(body) is not { } updateId) return Results.BadRequest();

            return await WebhookBody.RecordOrRetryLaterAsync(async () =>
            {
                if (await inbox.RecordAsync(TelegramMapper.Channel, updateId, Encoding.UTF8.GetString(body), ct))
                    processor.Signal();
            }, () => Results.Ok(), logger);
        });
        return app;
    }

    /// <summary>The update_id of a body that is a JSON object with an integer update_id, else null.</summary>
    public static string? UpdateIdOf(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object &&
                   json.RootElement.TryGetProperty("update_id", out var id) && id.ValueKind == JsonValueKind.Number &&
                   id.TryGetInt64(out var value)
                ? value.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
