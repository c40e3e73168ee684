using System.Globalization;
using System.Text.Json;

namespace Academy.Bench;

/// <summary>
/// One measured figure beside its baseline. <see cref="Ratio"/> is baseline/value for times (how
/// close to the bare minimum) and value/baseline for rates; the target applies to
/// <see cref="Value"/> (absolute) and, when set, to the ratio.
/// </summary>
public sealed record Figure(string Scenario, string Store, string Name, double Value, string Unit,
    string Baseline, double BaselineValue, double Ratio, string Target, bool? Met);

public sealed class BenchReport(BenchOptions options)
{
    private readonly List<Figure> _figures = [];

    public void Add(Figure figure) => _figures.Add(figure);

    public bool AllTargetsMet => _figures.All(f => f.Met != false);

    public void Print(TextWriter w)
    {
        w.WriteLine();
        w.WriteLine($"Academy benchmarks{(options.Quick ? " (--quick: small sizes, targets not checked)" : "")} — {Environment.ProcessorCount} cores, {Environment.OSVersion}");
        w.WriteLine($"{"scenario",-8} {"store",-9} {"figure",-34} {"value",12} {"baseline",-30} {"ratio",7}  target");
        foreach (var f in _figures)
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{f.Scenario,-8} {f.Store,-9} {f.Name,-34} {f.Value,9:0.###} {f.Unit,-2} {f.Baseline + " " + f.BaselineValue.ToString("0.###", CultureInfo.InvariantCulture),-30} {f.Ratio,7:0.00}  {f.Target}{(f.Met is null ? "" : f.Met.Value ? " ✓" : " ✗")}"));
    }

    public async Task WriteJsonAsync(string path)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, new
        {
            machine = new { cores = Environment.ProcessorCount, os = Environment.OSVersion.ToString(), runtime = Environment.Version.ToString() },
            quick = options.Quick,
            figures = _figures,
        }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
    }
}
