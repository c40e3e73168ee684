using System.Text;
using System.Text.Json;
using Academy.BotHost.Chat;

namespace Academy.BotHost.Channels.BotFramework;

/// <summary>
/// <c>POST /api/messages</c>, where the Bot Connector delivers Activities. It answers 200 only once the
/// Activity is durably in the inbox (and its conversation reference stored): a missing, forged,
/// expired or foreign token → 401, a body that is not an Activity → 400, over 1 MB → 413, a
/// re-delivery → 200 and no effect. An invoke (Action.Execute) gets the invoke response it expects.
/// </summary>
public static class BotFrameworkEndpoint
{
    public static WebApplication MapBotFrameworkEndpoint(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(BotFrameworkOptions.MessagesPath, async (HttpContext http, BotFrameworkOptions options, BotFrameworkAuthenticator auth,
            ConversationReferences references, InboxStore inbox, InboxProcessor processor, Hosting.PublicOrigin origin,
            ILogger<BotFrameworkAuthenticator> logger, CancellationToken ct) =>
        {
            var authorization = http.Request.Headers.Authorization.ToString();
            // Without a token nothing is read: a stranger learns nothing about what we accept.
            if (options.ValidatesTokens && string.IsNullOrEmpty(authorization)) return Results.Unauthorized();
            var body = await WebhookBody.ReadLimitedAsync(http.Request, ct);
            if (body is null) return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            var text = Encoding.UTF8.GetString(body);
            if (Parse(text) is not { } activity) return Results.BadRequest();

            if (options.ValidatesTokens && await auth.RefusalAsync(authorization, activity, ct) is { } refusal)
            {
                logger.LogWarning("Refused an Activity on {Path}: {Reason}", BotFrameworkOptions.MessagesPath, refusal);
                return Results.Unauthorized();
            }
            // The Bot Connector called the bot's public messaging endpoint: links the bot sends can start there.
            if (options.ValidatesTokens) origin.Observe(http.Request);

            return await WebhookBody.RecordOrRetryLaterAsync(async () =>
            {
                if (ConversationReference.Of(activity) is { } reference) await references.RememberAsync(reference, ct);
                if (await inbox.RecordAsync(BotFrameworkMapper.Channel, BotFrameworkMapper.UpdateIdOf(activity, text), text, ct))
                    processor.Signal();
            }, () => activity.Type == "invoke"
                ? Results.Json(new { statusCode = 200, type = "application/vnd.microsoft.activity.message", value = "" })
                : Results.Ok(), logger);
        });
        return app;
    }

    /// <summary>The Activity in a body: a JSON object with a type and a conversation, else null.</summary>
    public static Activity? Parse(string body)
    {
        try
        {
            var activity = JsonSerializer.Deserialize<Activity>(body, BotFrameworkJson.Options);
            // Replies go to serviceUrl: one that is not an http(s) address is no Activity (in emulator
            // mode no token vouches for it, and a handler calling it would fail on every attempt).
            return activity is { Type.Length: > 0, Conversation.Id.Length: > 0 } &&
                   (activity.ServiceUrl is null || Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out var service) && service.Scheme is "https" or "http")
                ? activity
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
