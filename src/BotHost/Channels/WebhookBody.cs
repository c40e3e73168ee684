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
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes) return null;
            buffer.Write(chunk, 0, read);
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
