using System.Text.Json.Serialization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Announcements;

/// <summary>Who an announcement goes to.</summary>
public enum AudienceKind
{
    /// <summary>The chat of every study group.</summary>
    AllGroups,
    /// <summary>The chats of one cohort's groups.</summary>
    Cohort,
    /// <summary>The chats of chosen groups.</summary>
    Groups,
    /// <summary>Every learner, in their private chat with the bot.</summary>
    Learners,
}

/// <summary>The audience as stored in <c>announcements.audience</c>: {"kind", "cohort_id", "group_ids"}.</summary>
public sealed record Audience(AudienceKind Kind, long? CohortId = null, IReadOnlyList<long>? GroupIds = null)
{
    [JsonIgnore]
    public bool IsGroups => Kind != AudienceKind.Learners;
}

/// <summary>Where an announcement is in its life.</summary>
public static class AnnouncementStatus
{
    public const string Draft = "draft";
    public const string Scheduled = "scheduled";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Cancelled = "cancelled";
}

/// <summary>One announcement as stored.</summary>
public sealed record Announcement(long Id, long CreatedBy, DateTimeOffset CreatedAt, string Text, Attachment? Attachment,
    Audience? Audience, DateTimeOffset? SendAt, string Status, DateTimeOffset? SentAt, ChatAddress? ReportChat, string? ReportKey)
{
    public bool HasContent => Text.Length > 0 || Attachment is not null;

    /// <summary>
    /// Whether a person may press this announcement's buttons: a draft is its author's alone (its
    /// buttons are in their chat only); once scheduled or sent, any admin may cancel it or refresh its report.
    /// </summary>
    public bool MayBeHandledBy(long learnerId) => Status != AnnouncementStatus.Draft || CreatedBy == learnerId;
}

/// <summary>What sending queued: copies (one per chat) and the audience that no chat reaches.</summary>
public sealed record SendOutcome(int Copies, int Learners, int NotReachable);

/// <summary>How big an audience is before sending: for the preview.</summary>
public sealed record AudienceSize(int Groups, int Chats, int Learners, int NotReachable);

public enum ReadOutcome { Recorded, AlreadyRecorded, NotAddressed, Unknown }
