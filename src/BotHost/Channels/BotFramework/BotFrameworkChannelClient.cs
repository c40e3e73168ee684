using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Academy.Learning.Messaging;

namespace Academy.BotHost.Channels.BotFramework;

/// <summary>
/// The Bot Framework as an <see cref="IChannelClient"/>: finds the chat's conversation reference,
/// renders with <see cref="BotFrameworkMapper"/>, posts through <see cref="BotConnector"/>, and turns
/// every refusal or network failure into a <see cref="SendResult"/>. The notice that answers a press
/// goes to the presser's private chat where Academy has one (Teams has no toasts, and a group of
/// 300 must not read 300 verdicts); otherwise it is posted where the press happened.
/// </summary>
public sealed class BotFrameworkChannelClient(BotConnector connector, ConversationReferences references, SvgRasterizer? rasterizer = null)
    : IChannelClient
{
    /// <summary>A refused connection usually clears in seconds.</summary>
    public static readonly TimeSpan TransientBackOff = NetworkFailures.TransientBackOff;

    public string Channel => BotFrameworkMapper.Channel;

    /// <summary>Teams' limits per bot and conversation: 7 a second, 8 in 2 s, 60 in 30 s, 1800 an hour.</summary>
    public ChannelCapabilities Capabilities { get; } = new(
        MessagesPerSecond: 30,
        PerChatInterval: TimeSpan.FromSeconds(1.0 / 7),
        GroupMessagesPerMinute: int.MaxValue,
        MaxTextLength: BotFrameworkMapper.MaxTextLength,
        NativeQuizPolls: false,
        MaxCallbackDataBytes: 1024)
    {
        ChatWindows = [new(8, TimeSpan.FromSeconds(2)), new(60, TimeSpan.FromSeconds(30)), new(1800, TimeSpan.FromHours(1))],
    };

    public async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Changing a sent card's buttons would take updating the activity, which this client does not
        // do: the spent buttons stay (a press on them is answered as stale), and nothing new is posted.
        if (message.EditsButtonsOnly) return new SendResult(SendStatus.Sent);
        try
        {
            var to = await references.FindAsync(message.To.ChatId, ct);
            if (to is null) return new SendResult(SendStatus.Failed, Error: "No conversation reference: the bot never heard from this chat.");

            JsonObject activity;
            if (message.AnswersCallbackId is { } callback)
            {
                // Teams needs no acknowledgement of a press: without a notice there is nothing to send.
                if (string.IsNullOrEmpty(message.Text)) return new SendResult(SendStatus.Sent);
                if (to.IsGroup && BotFrameworkMapper.PresserOf(callback) is { } presser
                    && await references.FindAsync(presser, ct) is { IsGroup: false } own)
                    to = own;
                activity = BotFrameworkMapper.ToNotice(message.Text, to);
            }
            else
            {
                if (SvgRasterizer.IsSvgImage(message.Attachment) && rasterizer is not null)
                    message = message with { Attachment = await rasterizer.ForPictureChannelAsync(message.Attachment!, ct) };
                try
                {
                    activity = BotFrameworkMapper.ToActivity(message, to);
                }
                catch (ArgumentException ex)
                {
                    return new SendResult(SendStatus.Failed, Error: ex.Message);
                }
            }
            var response = await connector.SendRequestAsync(HttpMethod.Post, to.ServiceUrl, BotFrameworkMapper.ActivitiesPath(to.ConversationId), activity, ct);
            return Classify(response);
        }
        catch (Exception ex) when (Classify(ex, ct) is { } failure)
        {
            return failure;
        }
    }

    /// <summary>What the connector's answer means for the dispatcher.</summary>
    internal static SendResult Classify(ConnectorResponse response)
    {
        var error = $"{(int)response.Status} {Describe(response.Body)}";
        return response.Status switch
        {
            _ when response.IsSuccess => new SendResult(SendStatus.Sent, IdOf(response.Body)),
            // Throttled, or a transient connector failure: the dispatcher backs off (jittered, exponential)
            // unless the service said how long.
            HttpStatusCode.TooManyRequests or HttpStatusCode.PreconditionFailed or HttpStatusCode.BadGateway
                or HttpStatusCode.GatewayTimeout or HttpStatusCode.ServiceUnavailable or HttpStatusCode.InternalServerError =>
                new SendResult(SendStatus.RetryLater, RetryAfter: response.RetryAfter is { } after ? Jitter(after) : null, Error: error),
            // The token was refused; a fresh one is fetched for the next try.
            HttpStatusCode.Unauthorized => new SendResult(SendStatus.RetryLater, RetryAfter: TransientBackOff, Error: error),
            // The bot was removed from the conversation, or the person uninstalled it.
            HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.Gone => new SendResult(SendStatus.Unreachable, Error: error),
            _ => new SendResult(SendStatus.Failed, Error: error),
        };
    }

    /// <summary>What a failure before any answer means; null for the caller's own cancellation, which propagates.</summary>
    internal static SendResult? Classify(Exception ex, CancellationToken ct) => ex switch
    {
        OperationCanceledException when ct.IsCancellationRequested => null,
        // Nothing was sent without a token: safe to try again (a wrong secret keeps failing, and says so).
        BotFrameworkTokenException token => new(SendStatus.RetryLater, RetryAfter: TransientBackOff, Error: token.Message),
        _ => NetworkFailures.Classify(ex, ct),
    };

    // Conversations throttled together should not all come back at the same instant.
    private static TimeSpan Jitter(TimeSpan after) => after + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 500));

    private static string? IdOf(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("id", out var id)
                && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The connector's error body: {"error": {"code": "...", "message": "..."}}.
    private static string Describe(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object)
                return $"{(e.TryGetProperty("code", out var c) ? c.ToString() : "")} {(e.TryGetProperty("message", out var m) ? m.ToString() : "")}".Trim();
        }
        catch (JsonException)
        {
            // not JSON: fall through
        }
        return body.Length > 200 ? body[..200] : body;
    }
}
