using Academy.Learning.Announcements;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Statistics;

namespace Academy.Learning.Announcements;

/// <summary>
/// An announcement's delivery and reads, as far as the viewer's groups go: copies by the outcome of
/// their outbox row, the learners it was meant for, and how many of them pressed "I have read".
/// </summary>
public sealed record AnnouncementReport(
    long Id, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, string Status, string Author, string Text,
    int Copies, int Sent, int Waiting, int Failed, int Unconfirmed, int Audience, int Read)
{
    public double? ReadRate => Audience == 0 ? null : (double)Read / Audience;
}

/// <summary>Delivery and read figures of the latest announcements, optionally limited to some study groups (a liaison's).</summary>
public static class AnnouncementFigures
{
    public static async Task<IReadOnlyList<AnnouncementReport>> LatestAsync(DbSession s, IReadOnlyCollection<long>? groupIds, int limit = 50)
    {
        ArgumentNullException.ThrowIfNull(s);
        var announcements = (await s.QueryAsync<(long Id, long CreatedAt, long? SentAt, string Status, string Author, string Text)>(
            """
            SELECT a.id, a.created_at, a.sent_at, a.status, l.name, a.text
            FROM announcements a JOIN learners l ON l.id = a.created_by
            ORDER BY a.created_at DESC, a.id DESC LIMIT @limit
            """, new { limit })).ToList();
        if (announcements.Count == 0) return [];
        var ids = announcements.Select(a => a.Id).ToArray();
        var p = new { first = ids.Min(), last = ids.Max() };

        // Per (announcement, group): a private copy counts for the group its learner is enrolled in.
        var copies = await s.QueryAsync<(long Id, long? GroupId, string? Status, long Count)>(
            """
            SELECT c.announcement_id, COALESCE(c.group_id, e.group_id), o.status, COUNT(*)
            FROM announcement_copies c
            LEFT JOIN outbox o ON o.idem_key = c.outbox_key
            LEFT JOIN enrollments e ON c.group_id IS NULL AND e.learner_id = c.learner_id AND e.role = 'learner'
            WHERE c.announcement_id >= @first AND c.announcement_id <= @last
            GROUP BY c.announcement_id, COALESCE(c.group_id, e.group_id), o.status
            """, p);
        // The audience is the one frozen when the announcement went out (announcement_learners), as far as
        // a copy reached it (a group without a chat got none), and only its reads count: the same figures
        // the admin's report in chat shows.
        var audience = await s.QueryAsync<(long Id, long? GroupId, long Count)>(
            $"""
            SELECT al.announcement_id, e.group_id, COUNT(DISTINCT al.learner_id)
            FROM announcement_learners al LEFT JOIN enrollments e ON e.learner_id = al.learner_id AND e.role = 'learner'
            WHERE al.announcement_id >= @first AND al.announcement_id <= @last AND {DeliveryReport.Reached}
            GROUP BY al.announcement_id, e.group_id
            """, p);
        var reads = await s.QueryAsync<(long Id, long? GroupId, long Count)>(
            $"""
            SELECT r.announcement_id, e.group_id, COUNT(DISTINCT r.learner_id)
            FROM announcement_reads r
            JOIN announcement_learners al ON al.announcement_id = r.announcement_id AND al.learner_id = r.learner_id
            LEFT JOIN enrollments e ON e.learner_id = r.learner_id AND e.role = 'learner'
            WHERE r.announcement_id >= @first AND r.announcement_id <= @last AND {DeliveryReport.Reached}
            GROUP BY r.announcement_id, e.group_id
            """, p);
        // Admins see whole announcements: a learner enrolled in two groups counts once, not per group.
        var totals = groupIds is not null ? null : (await s.QueryAsync<(long Id, long Audience, long Read)>(
            $"""
            SELECT al.announcement_id,
                   COUNT(*),
                   SUM(CASE WHEN EXISTS (SELECT 1 FROM announcement_reads r WHERE r.announcement_id = al.announcement_id AND r.learner_id = al.learner_id) THEN 1 ELSE 0 END)
            FROM announcement_learners al
            WHERE al.announcement_id >= @first AND al.announcement_id <= @last AND {DeliveryReport.Reached}
            GROUP BY al.announcement_id
            """, p)).ToDictionary(t => t.Id);

        bool Visible(long? group) => groupIds is null || (group is { } g && groupIds.Contains(g));
        var copiesBy = copies.Where(c => Visible(c.GroupId)).ToLookup(c => c.Id);
        var audienceBy = audience.Where(a => Visible(a.GroupId)).ToLookup(a => a.Id);
        var readsBy = reads.Where(r => Visible(r.GroupId)).ToLookup(r => r.Id);
        return announcements
            .Where(a => groupIds is null || copiesBy[a.Id].Any())
            .Select(a =>
            {
                var c = copiesBy[a.Id].ToList();
                int Count(params string?[] statuses) => (int)c.Where(x => statuses.Contains(x.Status)).Sum(x => x.Count);
                return new AnnouncementReport(a.Id, DateTimeOffset.FromUnixTimeMilliseconds(a.CreatedAt),
                    a.SentAt is { } sent ? DateTimeOffset.FromUnixTimeMilliseconds(sent) : null, a.Status, a.Author, a.Text,
                    (int)c.Sum(x => x.Count), Count("sent"), Count("pending", "sending", null), Count("failed", "unreachable"), Count("unknown"),
                    totals is null ? (int)audienceBy[a.Id].Sum(x => x.Count) : (int)(totals.GetValueOrDefault(a.Id).Audience),
                    totals is null ? (int)readsBy[a.Id].Sum(x => x.Count) : (int)(totals.GetValueOrDefault(a.Id).Read));
            }).ToList();
    }
}
