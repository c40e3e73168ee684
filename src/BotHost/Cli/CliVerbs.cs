using Academy.BotHost.Hosting;
using Academy.Learning.Import;
using Academy.Learning.Localization;
using Academy.Learning.Storage;

namespace Academy.BotHost.Cli;

/// <summary>
/// The command-line verbs of the BotHost binary. They share the host's configuration (appsettings,
/// environment, user-secrets) and store, but start no web server.
/// </summary>
public static class CliVerbs
{
    private static readonly string[] Verbs = ["import", "help", "--help", "-h"];

    public static bool Handles(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.Ordinal);

    /// <param name="configuration">Overrides the configuration read from appsettings and the environment (tests).</param>
    /// <returns>The process exit code: 0 success, 1 invalid input, 2 usage error.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var (files, language, badOption) = ParseOptions(args.Skip(1));
        var text = Catalog.Default.For(language);
        if (args[0] != "import")
        {
            await stdout.WriteLineAsync(text["cli.usage"]);
            return 0;
        }
        if (badOption is not null)
        {
            await stderr.WriteLineAsync(text.Get("cli.bad_option", ("value", badOption)));
            await stderr.WriteLineAsync(text["cli.usage"]);
            return 2;
        }
        if (files.Count == 0)
        {
            await stderr.WriteLineAsync(text["cli.import.no_files"]);
            await stderr.WriteLineAsync(text["cli.usage"]);
            return 2;
        }

        await using var services = BuildServices(configuration);
        AcademyDatabase database;
        try
        {
            database = services.GetRequiredService<AcademyDatabase>();
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            await stderr.WriteLineAsync(text.Get("cli.bad_configuration", ("detail", ex.Message)));
            return 2;
        }
        await services.MigrateAcademyStoreAsync();
        await stdout.WriteLineAsync(text.Get("cli.import.store", ("store", database.Describe())));

        var report = await services.GetRequiredService<ContentImporter>().ImportFilesAsync(files);
        var output = report.Succeeded ? stdout : stderr;
        foreach (var line in report.Render(text)) await output.WriteLineAsync(line);
        return report.Succeeded ? 0 : 1;
    }

    private static (List<string> Files, string? Language, string? BadOption) ParseOptions(IEnumerable<string> args)
    {
        var files = new List<string>();
        string? language = null, bad = null;
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            if (e.Current is "--lang" && e.MoveNext()) language = e.Current;
            else if (e.Current.StartsWith("--", StringComparison.Ordinal)) bad ??= e.Current;
            else files.Add(e.Current);
        }
        return (files, language, bad);
    }

    private static ServiceProvider BuildServices(IConfiguration? configuration)
    {
        if (configuration is null)
        {
            var builder = new ConfigurationBuilder()
                .SetBasePath(AppContext.BaseDirectory)
                .AddJsonFile("appsettings.json", optional: true)
                .AddEnvironmentVariables();
            builder.AddUserSecrets(typeof(CliVerbs).Assembly, optional: true);
            configuration = builder.Build();
        }
        var services = new ServiceCollection();
        services.AddLogging(); // no console logger: the verb's own output is the interface
        services.AddSingleton(configuration);
        services.AddAcademyStore(configuration);
        services.AddAcademyLearning();
        return services.BuildServiceProvider();
    }
}
