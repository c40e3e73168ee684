using System.Collections.Concurrent;

namespace Academy.BotHost.Operations;

/// <summary>
/// The process's counters for <c>/metrics</c>: one instance per host (not static), so two hosts in
/// one process — tests — count apart. Gauges are not kept here: they are read from the store at
/// scrape time, so every host reports the same truth.
/// </summary>
public sealed class AcademyMetrics(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, long> _updates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Channel, string Result), long> _sends = new();
    private readonly ConcurrentDictionary<string, long> _rateLimited = new(StringComparer.Ordinal);
    private long _answers;

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    /// <summary>New inbound updates recorded in the inbox (re-deliveries not counted).</summary>
    public void UpdatesReceived(string channel, int count = 1)
    {
        if (count > 0) _updates.AddOrUpdate(channel, count, (_, v) => v + count);
    }

    /// <summary>An answer counted for a learner (the first to a question; repeats are not answers).</summary>
    public void AnswerRecorded() => Interlocked.Increment(ref _answers);

    /// <summary>One send attempt's outcome (sent, retry_later, failed, unreachable, unknown, migrated).</summary>
    public void Send(string channel, string result) => _sends.AddOrUpdate((channel, result), 1, (_, v) => v + 1);

    /// <summary>The platform said "too many requests" (HTTP 429).</summary>
    public void RateLimited(string channel) => _rateLimited.AddOrUpdate(channel, 1, (_, v) => v + 1);

    public IReadOnlyDictionary<string, long> Updates => _updates;
    public long Answers => Interlocked.Read(ref _answers);
    public IReadOnlyDictionary<(string Channel, string Result), long> Sends => _sends;
    public IReadOnlyDictionary<string, long> RateLimitedByChannel => _rateLimited;
}
