using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Academy.BotHost.Operations;

/// <summary>
/// Things a deployer must hear about that do not stop the host: a setting left at a default that is
/// wrong in production, a platform refusing a set-up call, a risky switch turned on on purpose.
/// Each is logged once as a warning when added and listed on <c>/health</c> under "warnings" until
/// the process ends (or it is cleared by the part that added it, when the condition is gone).
/// </summary>
public sealed class StartupWarnings(ILogger<StartupWarnings> logger)
{
    private readonly ConcurrentDictionary<string, string> _warnings = new(StringComparer.Ordinal);

    /// <summary>Adds (or replaces) the warning named <paramref name="key"/>; logs it when it is new or changed.</summary>
    public void Add(string key, string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentException.ThrowIfNullOrEmpty(message);
        var previous = _warnings.GetValueOrDefault(key);
        _warnings[key] = message;
        if (previous != message) logger.LogWarning("{Warning}", message);
    }

    /// <summary>Removes the warning named <paramref name="key"/>, when its condition no longer holds.</summary>
    public void Clear(string key) => _warnings.TryRemove(key, out _);

    /// <summary>The current warnings, by key.</summary>
    public IReadOnlyDictionary<string, string> Current => _warnings.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}

/// <summary>Healthy with "none", or Degraded (still HTTP 200) listing every start-up warning.</summary>
internal sealed class StartupWarningsHealthCheck(StartupWarnings warnings) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var current = warnings.Current;
        return Task.FromResult(current.Count == 0
            ? HealthCheckResult.Healthy("none")
            : HealthCheckResult.Degraded(string.Join(" | ", current.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value))));
    }
}
