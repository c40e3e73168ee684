namespace Academy.BotHost.Channels;

/// <summary>How inbound platform requests (Telegram webhook, Bot Framework activities) are read.</summary>
public static class WebhookBody
{
    /// <summary>No platform update comes near this; anything larger is refused with 413.</summary>
    public const long MaxBytes = 1024 * 1024;

    /// <summary>
    /// The request body, or null when it is larger than <see cref="MaxBytes"/>. Chunked bodies carry
    /// no Content-Length: count as we read, and stop past the limit.
    /// </summary>
    public static async Task<byte[]?> ReadLimitedAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBytes) return null;
        if (request.ContentLength is { } length)
        {
            // The usual case (Telegram sends a Content-Length): one array of the right size, no copies.
            var body = new byte[length];
            var filled = 0;
            while (filled < body.Length)
            {
                var got = await request.Body.ReadAsync(body.AsMemory(filled), ct);
                if (got == 0) throw new BadHttpRequestException("The body ended before its Content-Length.");
                filled += got;
            }
            return body;
        }
        using var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBytes) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Records an update, or answers 503 when the store cannot take it (restarting, failing over): the
    /// platform then sends it again, whereas an unhandled 500 would log a crash for an ordinary outage.
    /// Only a committed record earns the 200 <paramref name="acknowledge"/> gives.
    /// </summary>
    public static async Task<IResult> RecordOrRetryLaterAsync(Func<Task> record, Func<IResult> acknowledge, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(acknowledge);
        try
        {
            await record();
        }
        catch (System.Data.Common.DbException ex)
        {
            logger.LogWarning("The store could not record an update ({Error}); answered 503 so the platform sends it again", ex.Message);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
        return acknowledge();
    }
}
