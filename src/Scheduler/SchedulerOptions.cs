namespace Academy.Scheduler;

/// <summary>Configuration section <c>Scheduler</c>: the Quartz scheduler that runs the daily programme.</summary>
public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>Off only for tools and tests that must not fire anything; a host without it posts no lessons.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// This process's id in a PostgreSQL cluster; <c>AUTO</c> (default) generates a unique one per start,
    /// which is what several identical processes behind a load balancer need.
    /// </summary>
    public string InstanceId { get; set; } = "AUTO";

    /// <summary>PostgreSQL cluster: how often a node records that it is alive. A dead node's work is taken over
    /// after about this interval plus <see cref="ClusterCheckinMisfireThreshold"/>.</summary>
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>PostgreSQL cluster: how late a check-in may be before the node counts as dead.</summary>
    public TimeSpan ClusterCheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How many jobs run at once in this process (cohorts run in parallel; one cohort's items never do).</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>How often every cohort's plan is compared with its triggers (it also runs at start-up).</summary>
    public TimeSpan PlanInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many times a failing job is re-fired (after the first failure) before it is given up and logged.</summary>
    public int RetryAttempts { get; set; } = 5;

    /// <summary>The wait before the first re-fire; each next one waits twice as long, at most five minutes.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Bounded re-fires of a failing job (a database blip, a deploy); the runner's deadline still applies.</summary>
    public Quartz.RetryPolicy RetryPolicy() => Quartz.RetryPolicy.Exponential(RetryAttempts, RetryDelay, 2, TimeSpan.FromMinutes(5));

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(InstanceId)) errors.Add("Scheduler:InstanceId must not be empty (AUTO generates one).");
        if (ClusterCheckinInterval < TimeSpan.FromMilliseconds(200)) errors.Add("Scheduler:ClusterCheckinInterval must be at least 00:00:00.2.");
        if (ClusterCheckinMisfireThreshold < TimeSpan.FromMilliseconds(200)) errors.Add("Scheduler:ClusterCheckinMisfireThreshold must be at least 00:00:00.2.");
        if (MaxConcurrency is < 1 or > 100) errors.Add("Scheduler:MaxConcurrency must be between 1 and 100.");
        if (PlanInterval < TimeSpan.FromSeconds(1)) errors.Add("Scheduler:PlanInterval must be at least 00:00:01.");
        if (RetryAttempts is < 1 or > 20) errors.Add("Scheduler:RetryAttempts must be between 1 and 20.");
        if (RetryDelay < TimeSpan.FromMilliseconds(100) || RetryDelay > TimeSpan.FromMinutes(5)) errors.Add("Scheduler:RetryDelay must be between 00:00:00.1 and 00:05:00.");
        return errors;
    }
}
