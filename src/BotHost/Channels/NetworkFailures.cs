namespace Academy.BotHost.Channels;

/// <summary>
/// What an HTTP failure with no platform answer means for the dispatcher, the same on every channel:
/// the difference that matters is whether the request may have left.
/// </summary>
public static class NetworkFailures
{
    /// <summary>How long to wait after a failure that is safe to retry and names no wait of its own.</summary>
    public static readonly TimeSpan TransientBackOff = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The outcome of a network exception, or null when <paramref name="ex"/> is not one (or is the
    /// caller's own cancellation, which propagates).
    /// </summary>
    public static SendResult? Classify(Exception ex, CancellationToken ct) => ex switch
    {
        OperationCanceledException when ct.IsCancellationRequested => null,
        // Failed before anything was sent: safe to try again.
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError
            or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError } net =>
            new(SendStatus.RetryLater, RetryAfter: TransientBackOff, Error: net.Message),
        // The request left and the answer broke or never came: it may have been delivered.
        HttpRequestException net => new(SendStatus.Unknown, Error: net.Message),
        OperationCanceledException timeout => new(SendStatus.Unknown, Error: timeout.Message),
        _ => null,
    };
}
