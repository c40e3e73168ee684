using Academy.Learning.Daily;
using Microsoft.Extensions.DependencyInjection;

namespace Academy.Scheduler;

/// <summary>
/// What a programme job asks to carry out one planned moment. A seam so the scheduler's behaviour
/// (firing, misfires, clustering, retries) is testable with a recording fake; the real one is
/// <see cref="DailyProgramme"/>, which owns idempotency and staleness.
/// </summary>
public interface IProgrammeRunner
{
    Task<RunResult> RunAsync(long cohortId, ProgrammeItem item, int day, CancellationToken ct);
}

/// <summary>
/// The production runner. <see cref="DailyProgramme"/> is registered by the chat side (it needs the
/// outbox and the catalogs); it is resolved per run, not at construction, so a host is valid to build
/// even where the programme is not wired (CLI verbs, some tests).
/// </summary>
internal sealed class DailyProgrammeRunner(IServiceProvider services) : IProgrammeRunner
{
    public Task<RunResult> RunAsync(long cohortId, ProgrammeItem item, int day, CancellationToken ct) =>
        services.GetRequiredService<DailyProgramme>().RunAsync(cohortId, item, day, ct);
}
