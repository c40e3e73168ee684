namespace Academy.BotHost.Cli;

/// <summary>
/// The BotHost's command line, read once before anything starts. The rule: the first word that is not
/// an option is the verb (none: start the host). An option is configuration when its name contains ':'
/// (<c>--Storage:Provider Postgres</c>, <c>--Playground:Enabled=true</c>) or is one of the host's own
/// top-level settings (<c>--urls</c>, …), written <c>--Name=value</c> or <c>--Name value</c>, exactly as
/// ASP.NET Core's command-line configuration reads it (<c>--Section=</c>, empty, is accepted and sets
/// nothing). <c>--lang</c> and <c>--force</c> belong to the
/// verbs; <c>--help</c> and <c>--version</c> answer alone. Anything else is a usage error, refused before
/// the host, its store or its scheduler start.
/// </summary>
public sealed record CommandLine(
    string? Verb,
    IReadOnlyList<string> Operands,
    IReadOnlyList<KeyValuePair<string, string?>> Configuration,
    string? Language,
    bool Force,
    bool Help,
    bool Version,
    (string Key, (string Name, object? Value)[] Args)? Error)
{
    /// <summary>Top-level settings the web host reads (a section's keys are recognised by their ':').</summary>
    public static readonly IReadOnlySet<string> HostSettings = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "urls", "environment", "applicationName", "contentRoot", "webroot", "http_ports", "https_ports", "AllowedHosts",
        "PreferHostingUrls",
    };

    public static readonly IReadOnlyList<string> Verbs = ["import", "backup", "restore", "help"];

    /// <summary>True when these arguments start the web host: no verb, only configuration, nothing refused.</summary>
    public bool StartsHost => Verb is null && !Help && !Version && Error is null;

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? verb = null, language = null;
        bool force = false, help = false, version = false;
        var operands = new List<string>();
        var configuration = new List<KeyValuePair<string, string?>>();
        (string, (string, object?)[])? error = null;
        void Fail(string key, params (string, object?)[] a) => error ??= (key, a);

        for (int i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?") { help = true; continue; }
            if (arg is "--version") { version = true; continue; }
            if (arg.Length > 1 && arg[0] == '-' && !(arg.Length > 1 && char.IsAsciiDigit(arg[1])))
            {
                if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                {
                    Fail("cli.bad_option", ("value", arg));
                    continue;
                }
                var equals = arg.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? arg[2..] : arg[2..equals];
                string? value = equals < 0 ? null : arg[(equals + 1)..];
                // `--Section=` (empty) is how a configuration's section itself is written out as arguments
                // (WebApplicationFactory passes its host settings this way); it sets nothing.
                var isSetting = name.Contains(':', StringComparison.Ordinal) || HostSettings.Contains(name) || value is "";
                if (name is not ("lang" or "force") && !isSetting)
                {
                    Fail("cli.bad_option", ("value", arg));
                    continue;
                }
                if (name == "force")
                {
                    if (value is not null) Fail("cli.bad_option", ("value", arg));
                    force = true;
                    continue;
                }
                if (value is null)
                {
                    if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        Fail("cli.option_needs_value", ("option", "--" + name));
                        continue;
                    }
                    value = args[++i];
                }
                if (name == "lang") language = value;
                else configuration.Add(new(name, value));
                continue;
            }
            if (verb is null) verb = arg;
            else operands.Add(arg);
        }

        if (verb is "help") help = true;
        else if (verb is not null && !Verbs.Contains(verb)) Fail("cli.unknown_verb", ("value", verb));
        else if (verb is null && (language is not null || force))
            Fail("cli.option_needs_verb", ("option", language is not null ? "--lang" : "--force"));
        else if (verb is "import" && force) Fail("cli.option_not_for_verb", ("option", "--force"), ("verb", verb));
        return new CommandLine(verb, operands, configuration, language, force, help, version, error);
    }
}
