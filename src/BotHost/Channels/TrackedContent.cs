using System.Net;

namespace Academy.BotHost.Channels;

/// <summary>
/// A request body that notes when the handler starts writing it. The handler writes a body only on a
/// connection it has: a request whose deadline passed before that was still connecting, so it never
/// reached the platform and is safe to send again — unlike one that timed out after it left.
/// </summary>
public sealed class TrackedContent : HttpContent
{
    private readonly HttpContent _inner;
    private volatile bool _started;

    public TrackedContent(HttpContent inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        foreach (var (name, values) in inner.Headers.NonValidated)
            if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                Headers.TryAddWithoutValidation(name, values);
    }

    /// <summary>Whether any of the request may have left: its body began to be written to a connection.</summary>
    public bool Started => _started;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        _started = true;
        return _inner.CopyToAsync(stream, context);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _started = true;
        return _inner.CopyToAsync(stream, context, cancellationToken);
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _started = true;
        _inner.CopyTo(stream, context, cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _inner.Headers.ContentLength ?? -1;
        return length >= 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }
}
