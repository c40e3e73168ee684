using System.Text.Json;
using Academy.Learning.Storage;
using Academy.Scheduler;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Academy.Learning.Content;

namespace Academy.BotHost.Operations;

/// <summary><c>/health</c>: 200 when the store answers, its schema is current and the scheduler (when enabled) runs; 503 otherwise.</summary>
public static class HealthEndpoints
{
    public static IServiceCollection AddAcademyHealth(this IServiceCollection services)
    {
        services.AddSingleton<StartupWarnings>();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store").AddCheck<SchedulerHealthCheck>("scheduler")
            .AddCheck<StartupWarningsHealthCheck>("warnings");
        services.AddSingleton<AcademyMetrics>(); // the counters /metrics reports
        return services;
    }

    public static WebApplication MapAcademyHealth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteJsonAsync });
        return app;
    }

    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }
}

/// <summary>The store answers a query and carries the schema version this build expects.</summary>
internal sealed class StoreHealthCheck(AcademyDatabase database, Migrator migrator) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await migrator.CurrentVersionAsync(cancellationToken);
            var description = $"{database.Describe()} schema {version}/{Migrator.LatestVersion}";
            return version == Migrator.LatestVersion
                ? HealthCheckResult.Healthy(description)
                : HealthCheckResult.Unhealthy(description);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{database.Describe()} unreachable: {ex.GetType().Name}");
        }
    }
}

/// <summary>The scheduler runs (or is switched off by configuration), clustered or not, and under which instance id.</summary>
internal sealed class SchedulerHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Resolved here, not injected: with Scheduler:Enabled false there is no Quartz to ask.
        if (services.GetService<SchedulerState>() is not { } state) return HealthCheckResult.Healthy("disabled");
        try
        {
            var s = await state.ReadAsync(cancellationToken);
            var description = $"{s.Status.ToLowerInvariant()}, {(s.Clustered ? "clustered" : "not clustered")}, instance {s.InstanceId}";
            return s.Started ? HealthCheckResult.Healthy(description) : HealthCheckResult.Unhealthy(description);
        }
        catch (Quartz.SchedulerException ex)
        {
            return HealthCheckResult.Unhealthy($"unavailable: {ex.GetType().Name}");
        }
    }
}
