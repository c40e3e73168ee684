using Academy.Learning.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Quartz;
using Academy.Learning.Content;

namespace Academy.Scheduler;

/// <summary>The Quartz scheduler of the daily programme, on the same database as Learning.</summary>
public static class SchedulerRegistration
{
    /// <summary>
    /// Registers Quartz with its persistent store on the Learning database (SQLite alone; PostgreSQL
    /// clustered), the planner and its recurring job, the programme and one-off jobs, a job per
    /// <see cref="IRecurringTask"/>, and the hosted service that starts it. With <c>Scheduler:Enabled</c>
    /// false, only the options are registered: the host runs no timed work at all (no programme, no
    /// one-off job, no recurring task), as a host that only receives beside processing hosts should.
    /// </summary>
    public static IServiceCollection AddAcademyScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(SchedulerOptions.Section).Get<SchedulerOptions>() ?? new SchedulerOptions();
        var errors = options.Validate();
        if (errors.Count > 0) throw new InvalidOperationException(string.Join(" ", errors));
        services.AddSingleton(options);
        if (!options.Enabled) return services;

        var store = configuration.GetSection(StoreOptions.Section).Get<StoreOptions>() ?? new StoreOptions();
        services.AddSingleton<ProgrammePlanner>();
        services.AddSingleton<OneOffJobs>();
        services.AddSingleton<IProgrammeRunner, DailyProgrammeRunner>();
        services.AddSingleton<SchedulerState>();
        services.AddSingleton<RecurringTasks>();

        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = "academy";
                if (!string.Equals(options.InstanceId, "AUTO", StringComparison.OrdinalIgnoreCase)) s.InstanceId = options.InstanceId;
            });
            q.UseDefaultThreadPool(options.MaxConcurrency);
            // No UseTimeProvider here: a scheduler not given a clock takes the container's TimeProvider (Quartz
            // 4.7), the one the rest of Academy reads, so fire times and misfires follow a test's clock too.
            q.UsePersistentStore(s =>
            {
                if (store.Provider == StoreProvider.Postgres)
                {
                    s.UsePostgres(NpgsqlFactory.Instance, store.ConnectionString!);
                    s.UseClustering(c =>
                    {
                        c.CheckinInterval = options.ClusterCheckinInterval;
                        c.CheckinMisfireThreshold = options.ClusterCheckinMisfireThreshold;
                    });
                }
                else
                {
                    s.UseSqlite(SqliteFactory.Instance, SqliteConnectionString(store));
                }
                // Two processes provisioning at once is safe: the loser finds the winner's tables.
                s.ProvisionSchema();
                // A trigger more than a minute late is a misfire, picked up by the misfire handler rather than the
                // firing loop; by default it looks once a minute. A re-plan or a one-off "now" that lands after its
                // time should fire within seconds, so it looks more often (one indexed query).
                s.ConfigureStore(o => o.MisfireHandlerFrequency = TimeSpan.FromSeconds(2));
                s.UseSystemTextJsonSerializer(_ => { });
            });

            q.AddJob<PlannerJob>(j => j.WithIdentity(PlannerJob.Key).StoreDurably());
            // Upserted at every start with StartNow: the first pass runs as soon as the scheduler does.
            q.AddTrigger(t => t
                .WithIdentity("planner", "academy")
                .ForJob(PlannerJob.Key)
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(options.PlanInterval).RepeatForever()
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
        });
        // Before the scheduler starts: the recurring tasks' triggers are in the store when it begins firing.
        services.AddHostedService<RecurringTasksStart>();
        services.AddQuartzHostedService(h =>
        {
            // Started inside the host's start-up (before requests are served), after the schema migrations
            // Program.cs applies; stopping waits for running jobs, so a deploy cuts no lesson in half.
            h.AwaitApplicationStarted = false;
            h.WaitForJobsToComplete = true;
        });
        return services;
    }

    /// <summary>
    /// The file Learning uses, with the same busy wait: Quartz and the store are two writers on one
    /// SQLite file, and both begin their write transactions IMMEDIATE (Microsoft.Data.Sqlite's default),
    /// so they queue on the file lock instead of deadlocking on a read-to-write upgrade.
    /// </summary>
    internal static string SqliteConnectionString(StoreOptions store) =>
        new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(store.ConnectionString) ? $"Data Source={store.SqlitePath}" : store.ConnectionString)
        {
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
}

/// <summary>What /health says about the scheduler.</summary>
public sealed class SchedulerState(ISchedulerFactory schedulers)
{
    public sealed record Snapshot(bool Started, bool Clustered, string InstanceId, string Status);

    public async Task<Snapshot> ReadAsync(CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var metadata = await scheduler.GetMetadata(ct);
        return new Snapshot(metadata.Status == SchedulerStatus.Running, metadata.JobStoreClustered, metadata.SchedulerInstanceId, metadata.Status.ToString());
    }
}
