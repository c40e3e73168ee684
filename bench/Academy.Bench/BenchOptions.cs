namespace Academy.Bench;

/// <summary>The command line of the benchmark program.</summary>
public sealed record BenchOptions(IReadOnlyList<string> Scenarios, bool Quick, string OutputFile, string? Postgres)
{
    public static readonly string[] Known = ["fanout", "broadcast", "ingest", "answers", "memory"];

    public const string Usage =
        "usage: Academy.Bench [fanout|broadcast|ingest|answers|memory ...] [--quick] [--out FILE] [--postgres CONNECTION-STRING]\n" +
        "  no scenario: all of them. --quick: small sizes, no targets checked.";

    public static BenchOptions? Parse(string[] args)
    {
        var scenarios = new List<string>();
        bool quick = false;
        string output = "bench-results.json";
        string? postgres = Environment.GetEnvironmentVariable("ACADEMY_BENCH_POSTGRES");
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--out" when i + 1 < args.Length: output = args[++i]; break;
                case "--postgres" when i + 1 < args.Length: postgres = args[++i]; break;
                case var s when Known.Contains(s): scenarios.Add(s); break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'");
                    return null;
            }
        }
        return new BenchOptions(scenarios.Count == 0 ? Known : scenarios, quick, output, string.IsNullOrWhiteSpace(postgres) ? null : postgres);
    }
}
