using System.Diagnostics;
using System.Text.Json;
using Academy.Tests.Support;

namespace Academy.Tests.Host;

/// <summary>
/// The benchmark program still works: <c>--quick</c> runs every scenario at a small size on both
/// engines and writes its JSON. No timing is asserted here (figures come from real runs, see README).
/// </summary>
public sealed class BenchTests
{
    [Fact]
    public async Task The_quick_run_measures_every_scenario_on_both_stores_and_writes_json()
    {
        var output = Path.Combine(Path.GetTempPath(), $"academy-bench-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { BuiltPrograms.Bench, "--quick", "--out", output }) start.ArgumentList.Add(a);
        start.Environment["ACADEMY_BENCH_POSTGRES"] = PostgresTestStore.AdminConnectionString;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stdout + await stderr);
        try
        {
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(output));
            var figures = json.RootElement.GetProperty("figures").EnumerateArray().ToList();
            foreach (var store in new[] { "sqlite", "postgres" })
            {
                var mine = figures.Where(f => f.GetProperty("store").GetString() == store && f.GetProperty("scenario").GetString() == "fanout"
                                              && !f.GetProperty("name").GetString()!.StartsWith("scheduler lateness", StringComparison.Ordinal)).ToList();
                Assert.Equal(5, mine.Count); // lesson, check-in, quiz, reminder, close
                Assert.All(mine, f => Assert.True(f.GetProperty("value").GetDouble() > 0 && f.GetProperty("baseline_value").GetDouble() > 0));
                // 60 groups: one lesson row each, three quiz questions each.
                Assert.Contains(mine, f => f.GetProperty("name").GetString()!.StartsWith("lesson: 60 rows", StringComparison.Ordinal));
                Assert.Contains(mine, f => f.GetProperty("name").GetString()!.StartsWith("quiz: 180 rows", StringComparison.Ordinal));

                // Scheduler lateness: five one-a-second Quartz triggers, each fired (p50 ≤ p99 ≤ max), beside the timer's.
                var lateness = figures.Where(f => f.GetProperty("store").GetString() == store
                                                  && f.GetProperty("name").GetString()!.StartsWith("scheduler lateness", StringComparison.Ordinal)).ToList();
                Assert.Equal(3, lateness.Count);
                var values = lateness.Select(f => f.GetProperty("value").GetDouble()).ToList();
                Assert.True(values[0] <= values[1] && values[1] <= values[2] && values[0] > -0.05, string.Join(", ", values));

                // Broadcast: 60 groups, 150 private chats and the two reports, all delivered, and never a 429 from the strict fake.
                var broadcast = figures.Where(f => f.GetProperty("store").GetString() == store && f.GetProperty("scenario").GetString() == "broadcast")
                    .ToDictionary(f => f.GetProperty("name").GetString()!.Split(':')[0], f => f.GetProperty("value").GetDouble());
                Assert.Equal(0, broadcast["429 answers from the platform"]);
                // The fake refuses a 31st send in any second, so with no 429 the 212 sends span at least
                // ⌊211/30⌋ = 7 s: (n − 1)/span is at most 211/7 (a strict window may show just over 30).
                Assert.InRange(broadcast["send rate"], 1, 211.0 / 7);
                Assert.Contains(figures, f => f.GetProperty("name").GetString() == "send rate: 212 messages");
            }
            foreach (var store in new[] { "sqlite", "postgres" })
            {
                var ingest = figures.Where(f => f.GetProperty("store").GetString() == store && f.GetProperty("scenario").GetString() == "ingest").ToList();
                Assert.Equal(6, ingest.Count); // acks/s, p50, p99, answers recorded/s; acks/s and p99 with processing off
                Assert.All(ingest, f => Assert.True(f.GetProperty("value").GetDouble() > 0 && f.GetProperty("baseline_value").GetDouble() > 0));
                var answers = Assert.Single(figures, f => f.GetProperty("store").GetString() == store && f.GetProperty("scenario").GetString() == "answers");
                Assert.StartsWith("150 answers", answers.GetProperty("name").GetString(), StringComparison.Ordinal);
            }
            // The host's memory and start-up, measured on its own process (SQLite, the default store).
            var memory = figures.Where(f => f.GetProperty("scenario").GetString() == "memory").ToList();
            Assert.Equal(2, memory.Count);
            Assert.All(memory, f => Assert.Equal("sqlite", f.GetProperty("store").GetString()));
            Assert.Contains(memory, f => f.GetProperty("unit").GetString() == "MB" && f.GetProperty("value").GetDouble() > 20);
            Assert.Contains("fanout", await stdout, StringComparison.Ordinal);
            Assert.Contains("broadcast", await stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(output);
        }
    }
}
