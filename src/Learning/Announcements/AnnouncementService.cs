using System.Data;
using System.Globalization;
using System.Text;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Dapper;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;
using Academy.Learning.Announcements;

namespace Academy.Learning.Announcements;

/// <summary>
/// Admins' announcements: a draft is composed, addressed and sent (now or by a one-off job); sending
/// freezes the audience and queues one copy per chat, each with an "I have read" button. Every step
/// is a guarded state change in the caller's transaction, and sending is set-based (thousands of
/// chats in a few multi-row statements).
/// </summary>
public sealed class AnnouncementService(Outbox outbox, Catalog catalog, LearnerDirectory directory, TimeProvider time)
{
    /// <summary>The "I have read" button: <c>ar:ANNOUNCEMENT</c>.</summary>
    public const string ReadButton = "ar";

    /// <summary>The one-off job kind that sends a scheduled announcement.</summary>
    public const string JobKind = "announcement";

    private const int RowsPerInsert = 50;

    public static string CopyKey(long id, ChatAddress chat) =>
        string.Create(CultureInfo.InvariantCulture, $"ann/{id}/{chat.Channel}/{chat.ChatId}");

    public static string ReportKey(long id) => string.Create(CultureInfo.InvariantCulture, $"ann/{id}/report");

    public async Task<long> CreateDraftAsync(DbSession s, long adminId, ChatAddress reportChat)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await s.ExecuteScalarAsync<long>(
            """
            INSERT INTO announcements (created_by, created_at, text, status, report_chat)
            VALUES (@adminId, @now, '', 'draft', @chat) RETURNING id
            """, new { adminId, now = Now(), chat = StoredJson.Serialize(reportChat) });
    }

    public static async Task<Announcement?> GetAsync(DbSession s, long id)
    {
        ArgumentNullException.ThrowIfNull(s);
        var row = await s.QuerySingleOrDefaultAsync<Row>(Select + " WHERE id = @id", new { id });
        return row?.ToAnnouncement();
    }

    /// <summary>The latest announcements, newest first.</summary>
    public static async Task<IReadOnlyList<Announcement>> RecentAsync(DbSession s, int limit)
    {
        ArgumentNullException.ThrowIfNull(s);
        var rows = await s.QueryAsync<Row>(Select + " WHERE status <> 'draft' ORDER BY id DESC LIMIT @limit", new { limit });
        return rows.Select(r => r.ToAnnouncement()).ToList();
    }

    /// <summary>Sets what a draft says. False when it is no longer a draft.</summary>
    public static async Task<bool> SetContentAsync(DbSession s, long id, string text, Attachment? attachment)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await s.ExecuteAsync(
            "UPDATE announcements SET text = @text, attachment = @attachment WHERE id = @id AND status = 'draft'",
            new { id, text, attachment = attachment is null ? null : StoredJson.Serialize(attachment) }) == 1;
    }

    /// <summary>Sets who a draft goes to. False when it is no longer a draft.</summary>
    public static async Task<bool> SetAudienceAsync(DbSession s, long id, Audience audience)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await s.ExecuteAsync("UPDATE announcements SET audience = @audience WHERE id = @id AND status = 'draft'",
            new { id, audience = StoredJson.Serialize(audience) }) == 1;
    }

    /// <summary>Remembers when a draft is to go (null: as soon as it is confirmed). False when it is no longer a draft.</summary>
    public static async Task<bool> SetSendAtAsync(DbSession s, long id, DateTimeOffset? at)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await s.ExecuteAsync("UPDATE announcements SET send_at = @at WHERE id = @id AND status = 'draft'",
            new { id, at = at?.ToUnixTimeMilliseconds() }) == 1;
    }

    /// <summary>Marks a complete draft as scheduled for <paramref name="at"/>; the caller schedules the job.</summary>
    public async Task<bool> ScheduleAsync(DbSession s, long id, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (at <= time.GetUtcNow()) throw new ArgumentOutOfRangeException(nameof(at), "A scheduled time must be in the future.");
        return await s.ExecuteAsync(
            "UPDATE announcements SET status = 'scheduled', send_at = @at WHERE id = @id AND status = 'draft' AND audience IS NOT NULL",
            new { id, at = at.ToUnixTimeMilliseconds() }) == 1;
    }

    /// <summary>Cancels a draft or a scheduled announcement; false when it is sending or sent already (or cancelled).</summary>
    public static async Task<bool> CancelAsync(DbSession s, long id)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await s.ExecuteAsync(
            "UPDATE announcements SET status = 'cancelled' WHERE id = @id AND status IN ('draft', 'scheduled')", new { id }) == 1;
    }

    /// <summary>The groups, chats and learners an audience reaches now, for the preview.</summary>
    public static async Task<AudienceSize> SizeAsync(DbSession s, Audience audience)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(audience);
        if (audience.Kind == AudienceKind.Learners)
        {
            var learners = await s.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT learner_id) FROM enrollments WHERE role = 'learner'");
            var reachable = await s.ExecuteScalarAsync<long>(
                """
                SELECT COUNT(DISTINCT e.learner_id) FROM enrollments e
                WHERE e.role = 'learner' AND EXISTS (SELECT 1 FROM channel_identities ci WHERE ci.learner_id = e.learner_id AND ci.unreachable_at IS NULL)
                """);
            return new AudienceSize(0, (int)reachable, (int)learners, (int)(learners - reachable));
        }
        var groups = await GroupIdsAsync(s, audience);
        var chats = await s.QueryAsync<long>("SELECT group_id FROM group_chats WHERE active = 1");
        var byLearners = await s.QueryAsync<(long GroupId, long Learners)>(
            "SELECT group_id, COUNT(*) FROM enrollments WHERE role = 'learner' AND group_id IS NOT NULL GROUP BY group_id");
        var chatCount = chats.Count(groups.Contains);
        var withChat = chats.Where(groups.Contains).ToHashSet();
        return new AudienceSize(groups.Count, chatCount, (int)byLearners.Where(g => groups.Contains(g.GroupId)).Sum(g => g.Learners),
            groups.Count(g => !withChat.Contains(g)));
    }

    /// <summary>The study groups a group audience names, as they exist now.</summary>
    public static async Task<HashSet<long>> GroupIdsAsync(DbSession s, Audience audience)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(audience);
        var all = await s.QueryAsync<(long Id, long CohortId)>("SELECT id, cohort_id FROM study_groups");
        return audience.Kind switch
        {
            AudienceKind.AllGroups => all.Select(g => g.Id).ToHashSet(),
            AudienceKind.Cohort => all.Where(g => g.CohortId == audience.CohortId).Select(g => g.Id).ToHashSet(),
            AudienceKind.Groups => all.Select(g => g.Id).Where(id => audience.GroupIds?.Contains(id) == true).ToHashSet(),
            _ => [],
        };
    }

    /// <summary>
    /// Sends a draft or a scheduled announcement now: freezes its audience, queues one copy per chat and
    /// the admin's report. Null when it is not sendable any more (cancelled, or sent by an earlier run).
    /// </summary>
    public async Task<SendOutcome?> SendAsync(DbSession s, long id)
    {
        ArgumentNullException.ThrowIfNull(s);
        var now = Now();
        var claimed = await s.ExecuteAsync(
            """
            UPDATE announcements SET status = 'sending', sent_at = @now
            WHERE id = @id AND status IN ('draft', 'scheduled') AND audience IS NOT NULL
            """, new { id, now });
        if (claimed == 0) return null;
        var announcement = (await GetAsync(s, id))!;
        var audience = announcement.Audience!;

        var targets = audience.IsGroups
            ? await FreezeGroupsAsync(s, id, audience)
            : await FreezeLearnersAsync(s, id);
        var learners = await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM announcement_learners WHERE announcement_id = @id", new { id });

        var copies = targets.DistinctBy(t => (t.Chat.Channel, t.Chat.ChatId)).ToList();
        await InsertCopiesAsync(s, id, copies);
        await outbox.EnqueueManyAsync(s, copies.Select(t => (CopyKey(id, t.Chat), CopyOf(announcement, t))).ToList());

        var notReachable = audience.IsGroups
            ? await s.ExecuteScalarAsync<long>(
                """
                SELECT COUNT(*) FROM announcement_groups ag WHERE ag.announcement_id = @id
                AND NOT EXISTS (SELECT 1 FROM announcement_copies c WHERE c.announcement_id = ag.announcement_id AND c.group_id = ag.group_id)
                """, new { id })
            : learners - copies.Count;

        return new SendOutcome(copies.Count, (int)learners, (int)notReachable);
    }

    /// <summary>Posts the live report into the admin's chat (once: later changes edit it).</summary>
    public async Task QueueReportAsync(DbSession s, long id)
    {
        ArgumentNullException.ThrowIfNull(s);
        var announcement = await GetAsync(s, id);
        if (announcement?.ReportChat is not { } reportChat || announcement.ReportKey is not null) return;
        var (text, refresh) = await ReportTextAsync(s, announcement);
        var key = ReportKey(id);
        await outbox.EnqueueAsync(s, key, ReportMessage(reportChat, id, text, refresh));
        await s.ExecuteAsync("UPDATE announcements SET report_key = @key, report_text = @text, report_at = @now WHERE id = @id",
            new { id, key, text, now = Now() });
    }

    /// <summary>"I have read", pressed by a learner on any copy: counted once, and only for the audience.</summary>
    public static async Task<ReadOutcome> RecordReadAsync(DbSession s, long id, long learnerId, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(s);
        var addressed = await s.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM announcement_learners WHERE announcement_id = @id AND learner_id = @learnerId", new { id, learnerId });
        if (addressed == 0)
            return await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM announcements WHERE id = @id", new { id }) == 0
                ? ReadOutcome.Unknown : ReadOutcome.NotAddressed;
        var inserted = await s.ExecuteAsync(
            """
            INSERT INTO announcement_reads (announcement_id, learner_id, read_at) VALUES (@id, @learnerId, @at)
            ON CONFLICT (announcement_id, learner_id) DO NOTHING
            """, new { id, learnerId, at = at.ToUnixTimeMilliseconds() });
        return inserted == 1 ? ReadOutcome.Recorded : ReadOutcome.AlreadyRecorded;
    }

    /// <summary>
    /// Announcements whose live report may have changed and was last looked at before
    /// <paramref name="notSince"/>: those still sending, and sent ones with reads since.
    /// </summary>
    public static async Task<IReadOnlyList<long>> ReportsDueAsync(DbSession s, DateTimeOffset notSince)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<long>(
            """
            SELECT a.id FROM announcements a
            WHERE a.report_key IS NOT NULL AND (a.report_at IS NULL OR a.report_at <= @cutoff)
              AND (a.status = 'sending' OR (a.status = 'sent'
                   AND EXISTS (SELECT 1 FROM announcement_reads r WHERE r.announcement_id = a.id AND r.read_at >= a.report_at)))
            ORDER BY a.id
            """, new { cutoff = notSince.ToUnixTimeMilliseconds() })).ToList();
    }

    /// <summary>
    /// Brings the admin's report up to date: marks the announcement sent once no copy is pending, and
    /// queues an edit of the report message when its text changed. Returns whether an edit was queued.
    /// </summary>
    public async Task<bool> RefreshReportAsync(DbSession s, long id)
    {
        ArgumentNullException.ThrowIfNull(s);
        var a = await GetAsync(s, id);
        if (a?.ReportKey is not { } reportKey || a.ReportChat is not { } chat) return false;
        var report = await DeliveryReport.ComputeAsync(s, a);
        if (a.Status == AnnouncementStatus.Sending && report.Pending == 0
            && await s.ExecuteAsync("UPDATE announcements SET status = 'sent' WHERE id = @id AND status = 'sending'", new { id }) == 1)
        {
            a = a with { Status = AnnouncementStatus.Sent };
            report = report with { Status = AnnouncementStatus.Sent };
        }
        var text = catalog.For(await directory.LanguageOfAsync(s, a.CreatedBy));
        var rendered = report.Render(text);
        var shown = await s.ExecuteScalarAsync<string?>("SELECT report_text FROM announcements WHERE id = @id", new { id });
        if (rendered == shown)
        {
            await s.ExecuteAsync("UPDATE announcements SET report_at = @now WHERE id = @id", new { id, now = Now() });
            return false;
        }
        await s.ExecuteAsync(
            "UPDATE announcements SET report_version = report_version + 1, report_text = @rendered, report_at = @now WHERE id = @id",
            new { id, rendered, now = Now() });
        var version = await s.ExecuteScalarAsync<long>("SELECT report_version FROM announcements WHERE id = @id", new { id });
        await outbox.EnqueueAsync(s, string.Create(CultureInfo.InvariantCulture, $"{reportKey}/v{version}"),
            ReportMessage(chat, id, rendered, text["announce.refresh"], edits: reportKey));
        return true;
    }

    /// <summary>The admin's report message: the figures and a Refresh button.</summary>
    public static OutgoingMessage ReportMessage(ChatAddress to, long id, string text, string refreshLabel, string? edits = null) => new()
    {
        To = to,
        Text = text,
        Buttons = [[new Button(refreshLabel, string.Create(CultureInfo.InvariantCulture, $"{AnnouncementButtons.Prefix}:{id}:{AnnouncementButtons.Refresh}"))]],
        Edits = edits,
    };

    /// <summary>The report's text in the admin's language, and the Refresh label.</summary>
    public async Task<(string Text, string Refresh)> ReportTextAsync(DbSession s, Announcement announcement)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        var text = catalog.For(await directory.LanguageOfAsync(s, announcement.CreatedBy));
        var report = await DeliveryReport.ComputeAsync(s, announcement);
        return (report.Render(text), text["announce.refresh"]);
    }

    private sealed record Target(ChatAddress Chat, long? GroupId, long? LearnerId, string Language);

    private static async Task<List<Target>> FreezeGroupsAsync(DbSession s, long id, Audience audience)
    {
        switch (audience.Kind)
        {
            case AudienceKind.AllGroups:
                await s.ExecuteAsync("INSERT INTO announcement_groups (announcement_id, group_id) SELECT a.id, g.id FROM announcements a CROSS JOIN study_groups g WHERE a.id = @id", new { id });
                break;
            case AudienceKind.Cohort:
                await s.ExecuteAsync(
                    "INSERT INTO announcement_groups (announcement_id, group_id) SELECT a.id, g.id FROM announcements a CROSS JOIN study_groups g WHERE a.id = @id AND g.cohort_id = @CohortId",
                    new { id, audience.CohortId });
                break;
            default:
                foreach (var groupId in (audience.GroupIds ?? []).Distinct())
                    await s.ExecuteAsync(
                        "INSERT INTO announcement_groups (announcement_id, group_id) SELECT a.id, g.id FROM announcements a CROSS JOIN study_groups g WHERE a.id = @id AND g.id = @groupId",
                        new { id, groupId });
                break;
        }
        await s.ExecuteAsync(
            """
            INSERT INTO announcement_learners (announcement_id, learner_id)
            SELECT DISTINCT ag.announcement_id, e.learner_id FROM announcement_groups ag JOIN enrollments e ON e.group_id = ag.group_id
            WHERE ag.announcement_id = @id AND e.role = 'learner'
            """, new { id });
        var rows = await s.QueryAsync<(string Channel, string ChatId, string? ThreadId, long GroupId, string? Language)>(
            """
            SELECT gc.channel, gc.chat_id, gc.thread_id, gc.group_id, g.language
            FROM announcement_groups ag JOIN group_chats gc ON gc.group_id = ag.group_id AND gc.active = 1
            JOIN study_groups g ON g.id = ag.group_id
            WHERE ag.announcement_id = @id ORDER BY gc.group_id, gc.channel
            """, new { id });
        return rows.Select(r => new Target(new ChatAddress(r.Channel, r.ChatId, r.ThreadId), r.GroupId, null,
            Languages.Normalize(r.Language) ?? Languages.English)).ToList();
    }

    // One private chat per learner: the account they linked last, among those the platform has not refused.
    private static async Task<List<Target>> FreezeLearnersAsync(DbSession s, long id)
    {
        await s.ExecuteAsync(
            """
            INSERT INTO announcement_learners (announcement_id, learner_id)
            SELECT DISTINCT a.id, e.learner_id FROM announcements a CROSS JOIN enrollments e WHERE a.id = @id AND e.role = 'learner'
            """, new { id });
        var rows = await s.QueryAsync<(string Channel, string ExternalId, long LearnerId, string? Language)>(
            """
            SELECT ci.channel, ci.external_id, ci.learner_id,
                   COALESCE(l.language, (SELECT MIN(g.language) FROM enrollments e JOIN study_groups g ON g.id = e.group_id WHERE e.learner_id = l.id))
            FROM announcement_learners al JOIN channel_identities ci ON ci.learner_id = al.learner_id AND ci.unreachable_at IS NULL
            JOIN learners l ON l.id = al.learner_id
            WHERE al.announcement_id = @id ORDER BY ci.learner_id, ci.linked_at DESC
            """, new { id });
        return rows.DistinctBy(r => r.LearnerId)
            .Select(r => new Target(new ChatAddress(r.Channel, r.ExternalId), null, r.LearnerId, Languages.Normalize(r.Language) ?? Languages.English))
            .ToList();
    }

    private static async Task InsertCopiesAsync(DbSession s, long id, IReadOnlyList<Target> copies)
    {
        foreach (var chunk in copies.Chunk(RowsPerInsert))
        {
            var sql = new StringBuilder("INSERT INTO announcement_copies (announcement_id, channel, chat_id, group_id, learner_id, outbox_key) VALUES ");
            var p = new DynamicParameters();
            p.Add("a", id, DbType.Int64);
            for (var i = 0; i < chunk.Length; i++)
            {
                if (i > 0) sql.Append(',');
                sql.Append(CultureInfo.InvariantCulture, $"(@a, @h{i}, @c{i}, @g{i}, @l{i}, @k{i})");
                p.Add($"h{i}", chunk[i].Chat.Channel, DbType.String);
                p.Add($"c{i}", chunk[i].Chat.ChatId, DbType.String);
                p.Add($"g{i}", chunk[i].GroupId, DbType.Int64);
                p.Add($"l{i}", chunk[i].LearnerId, DbType.Int64);
                p.Add($"k{i}", CopyKey(id, chunk[i].Chat), DbType.String);
            }
            sql.Append(" ON CONFLICT (announcement_id, channel, chat_id) DO NOTHING");
            await s.ExecuteAsync(sql.ToString(), p);
        }
    }

    // The admin's words as written; only the button speaks the chat's language. A file received on one
    // platform cannot be re-sent on another: there the copy names it instead.
    private OutgoingMessage CopyOf(Announcement a, Target t)
    {
        var text = catalog.For(t.Language);
        var attachment = a.Attachment is { } file && file.SendableOn(t.Chat.Channel) ? file : null;
        var body = a.Text;
        if (a.Attachment is not null && attachment is null)
            body = (body.Length > 0 ? body + "\n\n" : "") + text.Get("announce.attachment_elsewhere", ("file", a.Attachment.FileName));
        return new OutgoingMessage
        {
            To = t.Chat,
            Text = body.Length > 0 ? body : null,
            Attachment = attachment,
            Buttons = [[new Button(text["announce.read_button"], string.Create(CultureInfo.InvariantCulture, $"{ReadButton}:{a.Id}"))]],
        };
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private const string Select =
        "SELECT id, created_by, created_at, text, attachment, audience, send_at, status, sent_at, report_chat, report_key FROM announcements";

    private sealed class Row
    {
        public long Id { get; init; }
        public long CreatedBy { get; init; }
        public long CreatedAt { get; init; }
        public string Text { get; init; } = "";
        public string? Attachment { get; init; }
        public string? Audience { get; init; }
        public long? SendAt { get; init; }
        public string Status { get; init; } = "";
        public long? SentAt { get; init; }
        public string? ReportChat { get; init; }
        public string? ReportKey { get; init; }

        public Announcement ToAnnouncement() => new(Id, CreatedBy, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), Text,
            Attachment is null ? null : StoredJson.Deserialize<Attachment>(Attachment),
            Audience is null ? null : StoredJson.Deserialize<Audience>(Audience),
            SendAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null, Status,
            SentAt is { } sent ? DateTimeOffset.FromUnixTimeMilliseconds(sent) : null,
            ReportChat is null ? null : StoredJson.Deserialize<ChatAddress>(ReportChat), ReportKey);
    }
}

/// <summary>The admin's buttons while composing and watching an announcement: <c>an:ID:ACTION[:ARG]</c>.</summary>
public static class AnnouncementButtons
{
    public const string Prefix = "an";
    public const string AllGroups = "all";
    public const string PickCohort = "cohort";
    public const string Cohort = "c";
    public const string PickGroups = "groups";
    public const string ToggleGroup = "g";
    public const string GroupsDone = "done";
    public const string Learners = "learners";
    public const string Now = "now";
    public const string Later = "at";
    public const string Confirm = "ok";
    public const string Cancel = "x";
    public const string Refresh = "r";

    public static string Data(long id, string action, long? arg = null) => arg is { } a
        ? string.Create(CultureInfo.InvariantCulture, $"{Prefix}:{id}:{action}:{a}")
        : string.Create(CultureInfo.InvariantCulture, $"{Prefix}:{id}:{action}");
}
