namespace Academy.Tests.Support;

/// <summary>A clock the test moves by hand.</summary>
public sealed class FakeTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public void Set(DateTimeOffset now) => _now = now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>A clock that runs at real speed from a chosen instant (so timers and pacing behave), for host tests.</summary>
public sealed class ShiftedTime(DateTimeOffset start) : TimeProvider
{
    private readonly global::System.Diagnostics.Stopwatch _running = global::System.Diagnostics.Stopwatch.StartNew();

    private TimeSpan _jumped;

    public override DateTimeOffset GetUtcNow() => start + _running.Elapsed + _jumped;

    /// <summary>Moves the clock forward (a later programme day, an exam's deadline) and keeps it running.</summary>
    public void Jump(TimeSpan by) => _jumped += by;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
