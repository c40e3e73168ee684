using System.Text.Json;
using Academy.Learning.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Academy.BotHost.Operations;

/// <summary><c>/health</c>: 200 when the store answers and its schema is current, 503 otherwise.</summary>
public static class HealthEndpoints
{
    public static IServiceCollection AddAcademyHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store");
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
