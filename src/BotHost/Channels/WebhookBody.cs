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
}
