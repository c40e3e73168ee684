using Academy.Learning.Storage;

namespace Academy.Learning.Statistics;

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
        var audience = await s.QueryAsync<(long Id, long? GroupId, long Count)>(
            """
            SELECT x.announcement_id, x.group_id, COUNT(DISTINCT x.learner_id) FROM (
                SELECT c.announcement_id, c.group_id, e.learner_id
                FROM announcement_copies c JOIN enrollments e ON e.group_id = c.group_id AND e.role = 'learner'
                WHERE c.group_id IS NOT NULL AND c.announcement_id >= @first AND c.announcement_id <= @last
                UNION
                SELECT c.announcement_id, e.group_id, c.learner_id
                FROM announcement_copies c LEFT JOIN enrollments e ON e.learner_id = c.learner_id AND e.role = 'learner'
                WHERE c.learner_id IS NOT NULL AND c.group_id IS NULL AND c.announcement_id >= @first AND c.announcement_id <= @last
            ) x GROUP BY x.announcement_id, x.group_id
            """, p);
        var reads = await s.QueryAsync<(long Id, long? GroupId, long Count)>(
            """
            SELECT r.announcement_id, e.group_id, COUNT(DISTINCT r.learner_id)
            FROM announcement_reads r LEFT JOIN enrollments e ON e.learner_id = r.learner_id AND e.role = 'learner'
            WHERE r.announcement_id >= @first AND r.announcement_id <= @last
            GROUP BY r.announcement_id, e.group_id
            """, p);

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
                    (int)audienceBy[a.Id].Sum(x => x.Count), (int)readsBy[a.Id].Sum(x => x.Count));
            }).ToList();
    }
}
