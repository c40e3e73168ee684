using System.Globalization;
using Academy.Learning.Messaging;

namespace Academy.BotHost.Channels.Telegram;

/// <summary>
/// Telegram as an <see cref="IChannelClient"/>: renders with <see cref="TelegramMapper.ToRequests"/>,
/// sends through <see cref="TelegramBotClient"/>, and turns every platform or network failure into
/// a <see cref="SendResult"/>. Only the caller's own cancellation escapes as an exception.
/// Telegram shows no SVG: an SVG picture (a chart) goes out as a PNG photo, rasterised here, or as
/// an SVG document where that is impossible.
/// </summary>
public sealed class TelegramChannelClient(TelegramBotClient bot, SvgRasterizer? rasterizer = null) : IChannelClient
{
    /// <summary>A 5xx or a refused connection usually clears in seconds.</summary>
    public static readonly TimeSpan TransientBackOff = NetworkFailures.TransientBackOff;

    public string Channel => TelegramMapper.Channel;

    public ChannelCapabilities Capabilities { get; } = new(
        MessagesPerSecond: 30,
        PerChatInterval: TimeSpan.FromSeconds(1),
        GroupMessagesPerMinute: 20,
        MaxTextLength: TelegramHtml.MaxTextLength,
        NativeQuizPolls: true,
        MaxCallbackDataBytes: TelegramMapper.MaxCallbackDataBytes)
    {
        UnpacedButtonAnswers = true,
    };

    public async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (SvgRasterizer.IsSvgImage(message.Attachment))
            message = message with
            {
                Attachment = rasterizer is null
                    ? message.Attachment! with { Kind = AttachmentKind.Document }
                    : await rasterizer.ForPictureChannelAsync(message.Attachment!, ct),
            };
        IReadOnlyList<TelegramRequest> requests;
        try
        {
            requests = TelegramMapper.ToRequests(message);
        }
        catch (ArgumentException ex)
        {
            return new SendResult(SendStatus.Failed, Error: ex.Message);
        }

        string? firstMessageId = null, pollId = null;
        var parts = requests.Count(r => r.ReturnsMessage);
        var sentParts = 0;
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            try
            {
                if (!request.ReturnsMessage)
                {
                    await bot.SendRequestAsync<bool>(request.Method, request.Payload, ct);
                    continue;
                }
                var sent = await bot.SendRequestAsync<Message>(request.Method, request.Payload, ct);
                firstMessageId ??= sent.MessageId.ToString(CultureInfo.InvariantCulture);
                pollId ??= sent.Poll?.Id;
                sentParts++;
            }
            catch (TelegramApiException ex) when (EditedMessageId(request) is { } edited && ex.ErrorCode == 400
                                                  && ex.Description.Contains("message is not modified", StringComparison.Ordinal))
            {
                // The message already shows this: the edit's purpose is met.
                return new SendResult(SendStatus.Sent, edited.ToString(CultureInfo.InvariantCulture));
            }
            catch (Exception ex) when (Classify(ex, ct) is { } failure)
            {
                // An expired press (callbacks live seconds) must not stop the reply itself.
                if (!request.ReturnsMessage && i < requests.Count - 1) continue;
                return sentParts == 0 ? failure : failure with
                {
                    PlatformMessageId = firstMessageId,
                    PollId = pollId,
                    Error = $"{failure.Error} ({sentParts} of {parts} parts were sent before this failure)",
                };
            }
        }
        return new SendResult(SendStatus.Sent, firstMessageId, pollId);
    }

    private static long? EditedMessageId(TelegramRequest request) => request.Payload switch
    {
        EditMessageTextRequest text => text.MessageId,
        EditMessageReplyMarkupRequest markup => markup.MessageId,
        _ => null,
    };

    /// <summary>What a failure means for the dispatcher; null for the caller's own cancellation, which propagates.</summary>
    internal static SendResult? Classify(Exception ex, CancellationToken ct) => ex switch
    {
        OperationCanceledException when ct.IsCancellationRequested => null,
        TelegramApiException { ErrorCode: 429 } api => new(SendStatus.RetryLater, RetryAfter: api.RetryAfter ?? TransientBackOff, Error: api.Description, RateLimited: true),
        TelegramApiException { MigrateToChatId: { } newId } api => new(SendStatus.Migrated, Error: api.Description,
            MigratedToChatId: newId.ToString(CultureInfo.InvariantCulture)),
        TelegramApiException { ErrorCode: 403 } api => new(SendStatus.Unreachable, Error: api.Description),
        TelegramApiException { ErrorCode: >= 500 } api => new(SendStatus.RetryLater, RetryAfter: TransientBackOff, Error: api.Description),
        // An unreadable success: the message most likely went out.
        TelegramApiException { ErrorCode: >= 200 and < 300 } api => new(SendStatus.Unknown, Error: api.Description),
        TelegramApiException api => new(SendStatus.Failed, Error: $"{api.ErrorCode} {api.Description}"),
        _ => NetworkFailures.Classify(ex, ct),
    };
}
