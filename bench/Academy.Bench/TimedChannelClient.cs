using System.Collections.Concurrent;
using System.Diagnostics;
using Academy.BotHost.Channels;
using Academy.Learning.Messaging;

namespace Academy.Bench;

/// <summary>
/// The real channel client, with each send's round trip noted: the pacer holds every send in the
/// platform's window until a second after its answer, so the round trip is what the rate gives up
/// (30 / (1 s + round trip)), and the profile a missed rate target is explained by.
/// </summary>
public sealed class TimedChannelClient(IChannelClient inner) : IChannelClient
{
    private readonly ConcurrentQueue<double> _roundTrips = new();

    public string Channel => inner.Channel;

    public ChannelCapabilities Capabilities => inner.Capabilities;

    public IReadOnlyList<double> RoundTrips => [.. _roundTrips];

    public async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await inner.SendAsync(message, ct);
        }
        finally
        {
            _roundTrips.Enqueue(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
