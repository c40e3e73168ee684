using System.Globalization;
using System.Text;
using Academy.Learning.Localization;
using Academy.Learning.Storage;
using Academy.Learning.Content;

namespace Academy.Learning.Announcements;

/// <summary>A reason copies failed, and how many.</summary>
public sealed record FailureReason(string Status, string Reason, int Count);

/// <summary>
/// Where an announcement stands: copies by outcome (from their outbox rows), the audience no chat
/// reaches, and reads out of the learners a copy could reach with who has not read yet.
/// </summary>
/// <param name="NotReachable">Groups without a chat (learners without a private chat, for a private audience).</param>
/// <param name="Learners">The audience's learners a copy went to: their group's chat had one, or they did privately.</param>
/// <param name="Unreached">The audience's learners no copy went to: they cannot have read it, so they are not counted in <see cref="Read"/> of <see cref="Learners"/>.</param>
public sealed record DeliveryReport(
    long Id, string Status, AudienceKind Kind, DateTimeOffset? SendAt,
    int Copies, int Sent, int Pending, int Failed, IReadOnlyList<FailureReason> Failures,
    int NotReachable, int Learners, int Read, IReadOnlyList<string> NotRead, int NotReadCount, int Unreached = 0)
{
    // Whether a learner of the audience (al) had a copy: in their own private chat, or in the chat of a group they learn in.
    internal const string Reached =
        """
        EXISTS (SELECT 1 FROM announcement_copies c WHERE c.announcement_id = al.announcement_id AND (c.learner_id = al.learner_id
                OR c.group_id IN (SELECT e.group_id FROM enrollments e WHERE e.learner_id = al.learner_id AND e.role = 'learner')))
        """;

    /// <summary>How many of those who have not read are named.</summary>
    public const int NamesShown = 10;

    public static async Task<DeliveryReport> ComputeAsync(DbSession s, Announcement a)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(a);
        var id = a.Id;
        var kind = a.Audience?.Kind ?? AudienceKind.AllGroups;
        var outcomes = (await s.QueryAsync<(string? Status, string? Error, long Count)>(
            """
            SELECT o.status, o.error, COUNT(*) FROM announcement_copies c LEFT JOIN outbox o ON o.idem_key = c.outbox_key
            WHERE c.announcement_id = @id GROUP BY o.status, o.error
            """, new { id })).ToList();
        int Sum(Func<string?, bool> which) => (int)outcomes.Where(o => which(o.Status)).Sum(o => o.Count);
        var failures = outcomes.Where(o => o.Status is "failed" or "unreachable" or "unknown")
            .GroupBy(o => (o.Status!, Reason: string.IsNullOrWhiteSpace(o.Error) ? "" : o.Error.Trim()))
            .Select(g => new FailureReason(g.Key.Item1, g.Key.Reason, (int)g.Sum(o => o.Count)))
            .OrderByDescending(f => f.Count).ThenBy(f => f.Reason, StringComparer.Ordinal).ToList();

        var notReachable = kind == AudienceKind.Learners
            ? await s.ExecuteScalarAsync<long>(
                """
                SELECT COUNT(*) FROM announcement_learners al WHERE al.announcement_id = @id
                AND NOT EXISTS (SELECT 1 FROM announcement_copies c WHERE c.announcement_id = al.announcement_id AND c.learner_id = al.learner_id)
                """, new { id })
            : await s.ExecuteScalarAsync<long>(
                """
                SELECT COUNT(*) FROM announcement_groups ag WHERE ag.announcement_id = @id
                AND NOT EXISTS (SELECT 1 FROM announcement_copies c WHERE c.announcement_id = ag.announcement_id AND c.group_id = ag.group_id)
                """, new { id });
        var audience = await s.QuerySingleAsync<(long All, long Reached)>(
            $"SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN {Reached} THEN 1 ELSE 0 END), 0) AS BIGINT) FROM announcement_learners al WHERE al.announcement_id = @id",
            new { id });
        var learners = audience.Reached;
        var read = await s.ExecuteScalarAsync<long>(
            $"""
            SELECT COUNT(*) FROM announcement_reads r JOIN announcement_learners al
                ON al.announcement_id = r.announcement_id AND al.learner_id = r.learner_id
            WHERE r.announcement_id = @id AND {Reached}
            """, new { id });
        var notRead = (await s.QueryAsync<string>(
            $"""
            SELECT l.name FROM announcement_learners al JOIN learners l ON l.id = al.learner_id
            WHERE al.announcement_id = @id AND {Reached}
              AND NOT EXISTS (SELECT 1 FROM announcement_reads r WHERE r.announcement_id = al.announcement_id AND r.learner_id = al.learner_id)
            ORDER BY l.name, l.id LIMIT @limit
            """, new { id, limit = NamesShown })).ToList();
        return new DeliveryReport(id, a.Status, kind, a.SendAt,
            outcomes.Sum(o => (int)o.Count), Sum(st => st == "sent"), Sum(st => st is null or "pending" or "sending"),
            failures.Sum(f => f.Count), failures, (int)notReachable, (int)learners, (int)read, notRead, (int)(learners - read),
            (int)(audience.All - audience.Reached));
    }

    /// <summary>The report as the admin reads it in chat.</summary>
    public string Render(Localizer text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder();
        sb.Append(text.Get("announce.report.title", ("id", Id))).Append('\n');
        sb.Append(text["announce.status." + Status]).Append('\n');
        sb.Append(text.Get("announce.report.sent", ("sent", N(Sent)), ("copies", N(Copies)), ("pending", N(Pending)))).Append('\n');
        sb.Append(text.Get("announce.report.failed", ("failed", N(Failed)))).Append('\n');
        foreach (var f in Failures)
            sb.Append("  • ").Append(text.Get("announce.report.reason",
                ("reason", f.Reason.Length > 0 ? f.Reason : text["announce.report.no_reason"]),
                ("kind", text["announce.outcome." + f.Status]), ("count", N(f.Count)))).Append('\n');
        if (NotReachable > 0)
            sb.Append(text.Get(Kind == AudienceKind.Learners ? "announce.report.no_chat_learners" : "announce.report.no_chat_groups",
                ("count", N(NotReachable)))).Append('\n');
        // A private audience's unreached learners are the line above; a group audience's are those groups' learners.
        if (Unreached > 0 && Kind != AudienceKind.Learners)
            sb.Append(text.Get("announce.report.no_chat_learners_in_groups", ("count", Unreached))).Append('\n');
        sb.Append(text.Get("announce.report.read", ("read", N(Read)), ("learners", N(Learners)))).Append('\n');
        if (NotReadCount > 0)
        {
            sb.Append(text.Get("announce.report.not_read", ("names", string.Join(text["digest.separator"], NotRead))));
            if (NotReadCount > NotRead.Count) sb.Append(' ').Append(text.Get("announce.report.more", ("count", N(NotReadCount - NotRead.Count))));
        }
        return sb.ToString().TrimEnd();
    }

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
