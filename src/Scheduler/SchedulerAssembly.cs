namespace Academy.Scheduler;

/// <summary>
/// Marks the scheduler assembly. The Quartz jobs that turn each cohort's programme into outbox rows
/// arrive with the daily-programme work; until then this library holds no behaviour.
/// </summary>
public static class SchedulerAssembly
{
    public const string Name = "Academy.Scheduler";
}
