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

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(InstanceId)) errors.Add("Scheduler:InstanceId must not be empty (AUTO generates one).");
        if (ClusterCheckinInterval < TimeSpan.FromMilliseconds(200)) errors.Add("Scheduler:ClusterCheckinInterval must be at least 00:00:00.2.");
        if (ClusterCheckinMisfireThreshold < TimeSpan.FromMilliseconds(200)) errors.Add("Scheduler:ClusterCheckinMisfireThreshold must be at least 00:00:00.2.");
        if (MaxConcurrency is < 1 or > 100) errors.Add("Scheduler:MaxConcurrency must be between 1 and 100.");
        if (PlanInterval < TimeSpan.FromSeconds(1)) errors.Add("Scheduler:PlanInterval must be at least 00:00:01.");
        return errors;
    }
}
