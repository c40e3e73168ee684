using System.Reflection;
using Academy.BotHost.Hosting;
using Academy.Learning.Import;
using Academy.Learning.Localization;
using Academy.Learning.Storage;
using Microsoft.Extensions.Options;
using Academy.BotHost.Features.Announcements;
using Academy.Learning.Content;

namespace Academy.BotHost.Cli;

/// <summary>
/// The command-line verbs of the BotHost binary (<c>import</c>, <c>backup</c>, <c>restore</c>), and the
/// answer to any command line the host would not understand. They share the host's configuration
/// (appsettings, environment, user-secrets, <c>--Section:Key=value</c>) and store, but start no web server.
/// </summary>
public static class CliVerbs
{
    /// <summary>True unless <paramref name="args"/> start the web host (no verb, only configuration).</summary>
    public static bool Handles(string[] args) => !CommandLine.Parse(args).StartsHost;

    /// <param name="configuration">Replaces the configuration read from appsettings and the environment (tests); the command line's settings still apply on top.</param>
    /// <returns>The process exit code: 0 success, 1 invalid input or refused, 2 usage error.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var line = CommandLine.Parse(args);
        var text = Catalog.Default.For(line.Language);
        if (line.Error is { } error)
        {
            await stderr.WriteLineAsync(text.Get(error.Key, error.Args));
            await stderr.WriteLineAsync(text["cli.usage"]);
            return 2;
        }
        if (line.Version)
        {
            await stdout.WriteLineAsync(text.Get("cli.version", ("version", Version)));
            return 0;
        }
        if (line.Help || line.Verb is null)
        {
            await stdout.WriteLineAsync(text["cli.usage"]);
            return 0;
        }
        if (line.Verb is "backup" or "restore" && line.Operands.Count != 1)
        {
            await stderr.WriteLineAsync(text.Get("cli.one_file", ("verb", line.Verb)));
            await stderr.WriteLineAsync(text["cli.usage"]);
            return 2;
        }
        if (line.Verb is "import" && line.Operands.Count == 0)
        {
            await stderr.WriteLineAsync(text["cli.import.no_files"]);
            await stderr.WriteLineAsync(text["cli.usage"]);
            return 2;
        }

        await using var services = BuildServices(configuration, line.Configuration);
        StoreOptions options;
        try
        {
            options = services.GetRequiredService<IOptions<StoreOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            await stderr.WriteLineAsync(text.Get("cli.bad_configuration", ("detail", ex.Message)));
            return 2;
        }
        try
        {
            return line.Verb switch
            {
                "backup" => await BackupAsync(services, options, line, text, stdout),
                "restore" => await RestoreAsync(services, options, line, text, stdout),
                _ => await ImportAsync(services, line, text, stdout, stderr),
            };
        }
        catch (StoreBackupException ex)
        {
            await stderr.WriteLineAsync(text.Get(ex.MessageKey, ex.Args));
            return 1;
        }
        catch (StoreBeingRestoredException ex)
        {
            await stderr.WriteLineAsync(text.Get("cli.store_being_restored", ("store", ex.Store)));
            return 1;
        }
    }

    /// <summary>The version <c>--version</c> prints (the assembly's informational version, without build metadata).</summary>
    public static string Version
    {
        get
        {
            var version = typeof(CliVerbs).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            var plus = version.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? version : version[..plus];
        }
    }

    private static async Task<int> ImportAsync(ServiceProvider services, CommandLine line, Localizer text, TextWriter stdout, TextWriter stderr)
    {
        var database = services.GetRequiredService<AcademyDatabase>();
        await services.MigrateAcademyStoreAsync();
        await stdout.WriteLineAsync(text.Get("cli.import.store", ("store", database.Describe())));

        var report = await services.GetRequiredService<ContentImporter>().ImportFilesAsync(line.Operands);
        var output = report.Succeeded ? stdout : stderr;
        foreach (var l in report.Render(text)) await output.WriteLineAsync(l);
        return report.Succeeded ? 0 : 1;
    }

    private static async Task<int> BackupAsync(ServiceProvider services, StoreOptions options, CommandLine line, Localizer text, TextWriter stdout)
    {
        var file = line.Operands[0];
        var manifest = await services.GetRequiredService<StoreBackup>().BackupAsync(options, file, line.Force);
        await stdout.WriteLineAsync(text.Get("cli.backup.done", ("store", manifest.Store), ("log", manifest.InboxLog),
            ("file", Path.GetFullPath(file)), ("schema", manifest.Schema)));
        return 0;
    }

    private static async Task<int> RestoreAsync(ServiceProvider services, StoreOptions options, CommandLine line, Localizer text, TextWriter stdout)
    {
        var file = line.Operands[0];
        var (manifest, replaced) = await services.GetRequiredService<StoreBackup>().RestoreAsync(options, file, line.Force);
        var store = Path.GetFullPath(StoreBackup.SqliteFile(options));
        await stdout.WriteLineAsync(text.Get("cli.restore.done", ("store", store), ("log", AcademyDatabase.InboxLogPath(store)),
            ("file", file), ("taken", manifest.TakenAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture)),
            ("schema", manifest.Schema)));
        if (replaced) await stdout.WriteLineAsync(text.Get("cli.restore.set_aside", ("store", store + ".before-restore")));
        return 0;
    }

    private static ServiceProvider BuildServices(IConfiguration? configuration, IReadOnlyList<KeyValuePair<string, string?>> commandLine)
    {
        var builder = new ConfigurationBuilder();
        if (configuration is null)
        {
            builder.SetBasePath(AppContext.BaseDirectory)
                .AddJsonFile("appsettings.json", optional: true)
                .AddEnvironmentVariables();
            builder.AddUserSecrets(typeof(CliVerbs).Assembly, optional: true);
        }
        else builder.AddConfiguration(configuration);
        builder.AddInMemoryCollection(commandLine);
        var settings = builder.Build();
        var services = new ServiceCollection();
        services.AddLogging(); // no console logger: the verb's own output is the interface
        services.AddSingleton<IConfiguration>(settings);
        services.AddAcademyStore(settings);
        services.AddAcademyLearning();
        services.AddSingleton(sp => new StoreBackup(sp.GetRequiredService<TimeProvider>()));
        return services.BuildServiceProvider();
    }
}
