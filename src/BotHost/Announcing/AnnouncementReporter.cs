using Academy.Learning.Messaging;
using Academy.Learning.Storage;

namespace Academy.BotHost.Announcing;

/// <summary>Configuration section <c>Announcements</c>.</summary>
public sealed class AnnouncementOptions
{
    public const string Section = "Announcements";

    /// <summary>How often a live report may change: at most one edit per report per interval.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// Keeps each admin's delivery report current: every interval it looks at the announcements still
/// sending, and the sent ones with new reads, and edits a report whose figures changed.
/// </summary>
public sealed class AnnouncementReporter(AcademyDatabase database, Learning.Announcements.Announcements announcements, Outbox outbox,
    AnnouncementOptions options, TimeProvider time, ILogger<AnnouncementReporter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.ReportInterval, time, stoppingToken);
                await RoundAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException)
            {
                logger.LogError(ex, "Announcement reports could not be updated; retrying");
            }
        }
    }

    private async Task RoundAsync(CancellationToken ct)
    {
        IReadOnlyList<long> due;
        await using (var read = await database.BeginReadAsync(ct))
            due = await Learning.Announcements.Announcements.ReportsDueAsync(read, time.GetUtcNow() - options.ReportInterval);
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
