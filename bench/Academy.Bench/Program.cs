using Academy.Bench;

// Academy's benchmark program: every figure is reported next to a baseline measured in the same
// run on the same machine, because absolute numbers on shared machines mean little.
//
//   dotnet run -c Release --project bench/Academy.Bench -- [scenario ...] [--quick] [--out FILE] [--postgres CONNSTRING]
//
// Scenarios: fanout (with scheduler lateness), broadcast, ingest, answers, memory (README, "Benchmarks",
// says what each measures against what). --quick runs each at a small size (CI proves the program
// works; no targets are checked then). PostgreSQL is measured when a connection string is given (or ACADEMY_BENCH_POSTGRES
// is set); otherwise SQLite only.
var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
var report = new BenchReport(options);
foreach (var scenario in options.Scenarios)
    await Scenarios.RunAsync(scenario, options, report);
report.Print(Console.Out);
await report.WriteJsonAsync(options.OutputFile);
Console.WriteLine($"JSON written to {options.OutputFile}");
return report.AllTargetsMet || options.Quick ? 0 : 1;
