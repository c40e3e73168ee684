using Academy.Learning.Messaging;
using Academy.Learning.Storage;
using Academy.Learning.Content;

namespace Academy.BotHost.Features.Announcements;

/// <summary>Configuration section <c>Announcements</c>.</summary>
public sealed class AnnouncementOptions
{
    public const string Section = "Announcements";

    /// <summary>How often a live report may change: at most one edit per report per interval.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// Keeps each admin's delivery report current: every interval it looks at the announcements still
/// sending, and the sent ones with new reads, and edits a report whose figures changed. It also hands
/// scheduled announcements to the scheduler and takes cancelled ones back, outside any turn's transaction.
/// A recurring task: the scheduler runs it (on one host of a cluster), and a failed round is retried by the next.
/// </summary>
public sealed class AnnouncementReporter(AcademyDatabase database, Academy.Learning.Announcements.AnnouncementService announcements, Outbox outbox,
    AnnouncementOptions options, TimeProvider time, IServiceProvider services) : Scheduler.IRecurringTask
{
    public string Name => "announcement-reports";

    public TimeSpan Interval => options.ReportInterval;

    public async Task RunAsync(CancellationToken ct)
    {
        await SyncJobsAsync(ct);
        await RoundAsync(ct);
    }

    private async Task SyncJobsAsync(CancellationToken ct)
    {
        if (services.GetService<Scheduler.OneOffJobs>() is not { } jobs) return;
        List<(long Id, long SendAt)> toSchedule;
        List<long> toCancel;
        await using (var read = await database.BeginReadAsync(ct))
        {
            toSchedule = (await read.QueryAsync<(long, long)>(
                "SELECT id, send_at FROM announcements WHERE status = 'scheduled' AND send_at IS NOT NULL AND (job_at IS NULL OR job_at <> send_at)")).ToList();
            toCancel = (await read.QueryAsync<long>("SELECT id FROM announcements WHERE status <> 'scheduled' AND job_at IS NOT NULL")).ToList();
        }
        foreach (var (id, sendAt) in toSchedule)
        {
            await jobs.ScheduleAsync(Academy.Learning.Announcements.AnnouncementService.JobKind, id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                DateTimeOffset.FromUnixTimeMilliseconds(sendAt), ct: ct);
            await MarkAsync(id, sendAt, ct);
        }
        foreach (var id in toCancel)
        {
            await jobs.CancelAsync(Academy.Learning.Announcements.AnnouncementService.JobKind, id.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
            await MarkAsync(id, null, ct);
        }
    }

    private async Task MarkAsync(long id, long? jobAt, CancellationToken ct)
    {
        await using var s = await database.BeginAsync(ct);
        await s.ExecuteAsync("UPDATE announcements SET job_at = @jobAt WHERE id = @id", new { id, jobAt });
        await s.CommitAsync(ct);
    }

    private async Task RoundAsync(CancellationToken ct)
    {
        IReadOnlyList<long> due;
        await using (var read = await database.BeginReadAsync(ct))
            due = await Academy.Learning.Announcements.AnnouncementService.ReportsDueAsync(read, time.GetUtcNow() - options.ReportInterval);
        var edited = false;
        foreach (var id in due)
        {
            // One transaction per report: a slow or failing one does not hold up the rest.
            await using var s = await database.BeginAsync(ct);
            edited |= await announcements.RefreshReportAsync(s, id);
            await s.CommitAsync(ct);
        }
        if (edited) outbox.Notify();
    }
}
