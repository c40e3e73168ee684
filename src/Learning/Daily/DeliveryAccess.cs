using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Learning.Daily;

/// <summary>Whether a person may act on something a button names.</summary>
public enum Access
{
    /// <summary>Theirs: their group's delivery, their own attempt.</summary>
    Granted,
    /// <summary>Nothing of that kind has that id.</summary>
    Unknown,
    /// <summary>It exists, but belongs to another group or person.</summary>
    NotYours,
}

/// <summary>A delivery as a button press names it: where it went, and what it carried.</summary>
public sealed record DeliveryTarget(long Id, long CohortId, long? GroupId, long? LearnerId, DeliveryKind Kind,
    long? LessonId, long? QuestionId, QuestionType? QuestionType);

/// <summary>
/// Who may answer a delivery: one sent to a study group is for the learners of that group (in its
/// cohort), one sent to a single learner is theirs alone. Button data and poll votes can be forged or
/// forwarded, so every press that records something is checked against this before anything is written.
/// </summary>
public static class DeliveryAccess
{
    /// <summary>The rule itself, for a delivery and the presser's enrollment in its cohort (group null: none, or an admin's).</summary>
    public static Access Check(DeliveryTarget? delivery, DeliveryKind kind, long learnerId, bool enrolled, long? enrolledGroup)
    {
        if (delivery is null || delivery.Kind != kind) return Access.Unknown;
        if (!enrolled) return Access.NotYours;
        if (delivery.LearnerId is { } owner) return owner == learnerId ? Access.Granted : Access.NotYours;
        return delivery.GroupId is { } group && enrolledGroup == group ? Access.Granted : Access.NotYours;
    }

    /// <summary>
    /// Many presses at once (a batch of quiz answers), each with the delivery it names (null when there
    /// is none of that kind) and whether its presser may answer it. Two set-wise reads whatever the count.
    /// </summary>
    public static async Task<IReadOnlyList<(DeliveryTarget? Delivery, Access Access)>> CheckAsync(
        DbSession s, IReadOnlyList<(long DeliveryId, long LearnerId)> presses, DeliveryKind kind)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(presses);
        if (presses.Count == 0) return [];
        var deliveries = await DeliveryStore.FindAsync(s, presses.Select(p => p.DeliveryId).Distinct().ToList());
        var enrollments = await AudienceStore.EnrollmentsAsync(s, presses.Select(p => p.LearnerId).Distinct().ToList());
        return presses.Select(p =>
        {
            var d = deliveries.GetValueOrDefault(p.DeliveryId);
            if (d is null || d.Kind != kind) return ((DeliveryTarget?)null, Access.Unknown);
            var enrolled = enrollments.TryGetValue((d.CohortId, p.LearnerId), out var group);
            return (d, Check(d, kind, p.LearnerId, enrolled, group));
        }).ToList();
    }

    /// <summary>One press: the delivery it names and whether <paramref name="learnerId"/> may answer it.</summary>
    public static async Task<(DeliveryTarget? Delivery, Access Access)> CheckAsync(DbSession s, long deliveryId, long learnerId, DeliveryKind kind) =>
        (await CheckAsync(s, [(deliveryId, learnerId)], kind))[0];

    /// <summary>
    /// Whether a check-in press counts: the presser is enrolled in the cohort and, pressed in a group's
    /// chat, that group is theirs (a check-in prompt goes to a group; a reminder to the learner's private chat).
    /// </summary>
    /// <param name="chatGroup">The group the chat is bound to; null in a private chat.</param>
    /// <param name="isPrivate">Pressed in the presser's private chat.</param>
    public static async Task<Access> CheckInAsync(DbSession s, long cohortId, long learnerId, long? chatGroup, bool isPrivate)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (!await CohortStore.ExistsAsync(s, cohortId)) return Access.Unknown;
        var enrollment = (await AudienceStore.EnrollmentsAsync(s, [learnerId])).Where(e => e.Key.CohortId == cohortId).ToList();
        if (enrollment.Count == 0) return Access.NotYours;
        if (isPrivate) return Access.Granted;
        return chatGroup is { } group && enrollment[0].Value == group ? Access.Granted : Access.NotYours;
    }
}
