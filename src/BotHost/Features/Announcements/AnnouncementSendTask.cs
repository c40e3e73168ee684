using System.Globalization;
using Academy.Learning.Messaging;
using Academy.Learning.Storage;
using Academy.Scheduler;
using Academy.Learning.Content;

namespace Academy.BotHost.Features.Announcements;

/// <summary>
/// Sends a scheduled announcement at its time (one-off job kind <c>announcement</c>). Only a
/// still-scheduled announcement is sent, so a cancelled one never goes and a re-run sends nothing twice.
/// </summary>
public sealed class AnnouncementSendTask(AcademyDatabase database, Academy.Learning.Announcements.AnnouncementService announcements, Outbox outbox,
    ILogger<AnnouncementSendTask> logger) : IOneOffTask
{
    public string Kind => Academy.Learning.Announcements.AnnouncementService.JobKind;

    public async Task RunAsync(string key, IReadOnlyDictionary<string, string> data, CancellationToken ct)
    {
        if (!long.TryParse(key, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
        {
            logger.LogError("Announcement job with a key that is not an id: {Key}", key);
            return;
        }
        await using var s = await database.BeginAsync(ct);
        var sent = await announcements.SendAsync(s, id);
        if (sent is null)
        {
            logger.LogInformation("Announcement {Id} was not sent at its time: it is no longer scheduled", id);
            return;
        }
        await announcements.QueueReportAsync(s, id);
        await s.CommitAsync(ct);
        outbox.Notify();
        logger.LogInformation("Announcement {Id} queued: {Copies} copies, {NotReachable} not reachable", id, sent.Copies, sent.NotReachable);
    }
}
