using Academy.Learning.Import;
using Academy.Learning.Localization;
using Academy.Learning.Storage;
using Microsoft.Extensions.Options;
using Academy.BotHost.Features.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.People;

namespace Academy.BotHost.Hosting;

/// <summary>The registrations Program.cs lists, one extension per concern.</summary>
public static class AcademyHost
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>
    /// appsettings.json sits beside the binary; the working directory stays the caller's, so the
    /// data folder and import paths are relative to where the command was typed.
    /// </summary>
    public static WebApplicationOptions Options(string[] args) => new()
    {
        Args = args,
        ContentRootPath = AppContext.BaseDirectory,
    };

    public static WebApplicationBuilder UseAcademyDefaults(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Loopback by default: the playground and dashboard are not meant for the open network
        // without a reverse proxy in front (which terminates TLS).
        if (string.IsNullOrWhiteSpace(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
            builder.WebHost.UseUrls(DefaultUrl);
        return builder;
    }

    public static IServiceCollection AddAcademyStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreOptions>()
            .Bind(configuration.GetSection(StoreOptions.Section))
            .Validate(o => o.Provider != StoreProvider.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Storage:ConnectionString is required when Storage:Provider is Postgres.")
            .Validate(o => o.Provider != StoreProvider.Sqlite || !string.IsNullOrWhiteSpace(o.SqlitePath) || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Storage:SqlitePath must not be empty.")
            .ValidateOnStart();
        services.AddSingleton(sp => new AcademyDatabase(sp.GetRequiredService<IOptions<StoreOptions>>().Value));
        services.AddSingleton<Migrator>();
        return services;
    }

    public static IServiceCollection AddAcademyLearning(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Catalog.Default);
        services.AddSingleton<ContentImporter>();
        services.AddSingleton(sp => new LearnerRecord(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<QuizTicks>();
        return services;
    }

    public static async Task MigrateAcademyStoreAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        await services.GetRequiredService<Migrator>().MigrateAsync(ct: ct);
    }
}
