using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Statistics;
using Academy.Learning.Storage;
using Academy.Learning.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Learning.Daily;

/// <summary>Why a missing learner could not be nudged privately.</summary>
public enum Unreachable
{
    /// <summary>No private chat with the bot on any channel: they never started it.</summary>
    NeverStarted,
    /// <summary>Every private chat they had refuses the bot (blocked).</summary>
    Blocked,
}

/// <summary>A learner who did not get a nudge, and why.</summary>
public sealed record UnreachableLearner(long LearnerId, string Name, Unreachable Reason);

/// <summary>
/// What pressing "nudge" did: who got a private reminder now, who had one earlier today, who cannot
/// be reached. <see cref="WindowOpen"/> is false when the day's check-in is not open (before it opens,
/// after it closes, or not today), and then nobody is nudged.
/// </summary>
public sealed record NudgeOutcome(
    bool WindowOpen, int Missing, IReadOnlyList<string> Nudged, IReadOnlyList<string> AlreadyNudged, IReadOnlyList<UnreachableLearner> Unreachable);

/// <summary>
/// A liaison's one-tap reminder to the learners of a group who have not checked in yet: each who can
/// be reached gets one private message in their own language with the check-in button, at most once
/// per programme day (a <c>nudges</c> row and the outbox key both say so).
/// </summary>
public sealed class Nudges(Outbox outbox, Catalog catalog, TimeProvider time)
{
    /// <summary>Nudges the missing learners of <paramref name="groupId"/> on <paramref name="day"/>.</summary>
    /// <param name="nudgedBy">The liaison or admin who asked, for the record.</param>
    /// <param name="preferredChannel">Where the asker is: a learner with accounts on several channels is written to there first.</param>
    public async Task<NudgeOutcome> NudgeMissingAsync(DbSession s, StoredCohort cohort, long groupId, int day, long? nudgedBy, string? preferredChannel)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(cohort);
        var report = (await ProgrammeStatistics.GroupDaysAsync(s, cohort.Id, day, groupId)).Single();
        if (!IsCheckInOpen(cohort, day, time.GetUtcNow()) || report.Closed)
            return new NudgeOutcome(false, report.Missed.Count, [], [], []);

        var missing = report.Missed;
        var people = await AudienceStore.AccountsInGroupAsync(s, cohort.Id, groupId);

        var now = time.GetUtcNow();
        var close = LocalTimes.Format(cohort.Cohort.Schedule.CheckInClose);
        List<string> nudged = [], already = [];
        List<UnreachableLearner> unreachable = [];
        foreach (var learner in missing)
        {
            var accounts = people[learner.LearnerId].Where(p => p.Channel is not null).ToList();
            var reachable = accounts.Where(a => a.UnreachableAt is null)
                .OrderByDescending(a => a.Channel == preferredChannel).FirstOrDefault();
            if (reachable?.Channel is null)
            {
                unreachable.Add(new UnreachableLearner(learner.LearnerId, learner.Name, accounts.Count == 0 ? Unreachable.NeverStarted : Unreachable.Blocked));
                continue;
            }
            if (!await CheckInStore.RecordNudgeAsync(s, cohort.Id, learner.LearnerId, day, groupId, nudgedBy, reachable.Channel, now.ToUnixTimeMilliseconds()))
            {
                already.Add(learner.Name);
                continue;
            }
            var text = catalog.For(reachable.Language ?? report.Group.Language);
            await outbox.EnqueueAsync(s, $"c{cohort.Id}/d{day}/nudge/l{learner.LearnerId}", new OutgoingMessage
            {
                To = new ChatAddress(reachable.Channel, reachable.ExternalId!),
                Text = text.Get("nudge.text", ("name", learner.Name), ("day", day), ("group", report.Group.Name.In(text.Language)), ("close", close)),
                Buttons = [[new Button(text["checkin.button"], $"{Programme.CheckInButton}:{cohort.Id}")]],
            });
            nudged.Add(learner.Name);
        }
        return new NudgeOutcome(true, missing.Count, nudged, already, unreachable);
    }

    /// <summary>Whether <paramref name="day"/> is today for the cohort and its check-in window is open at <paramref name="now"/>.</summary>
    public static bool IsCheckInOpen(StoredCohort cohort, int day, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        var calendar = cohort.Calendar;
        var date = calendar.LocalDate(now);
        if (calendar.DayNumber(date) != day) return false;
        return now >= calendar.At(date, cohort.Cohort.Schedule.CheckInOpen) && now < calendar.At(date, cohort.Cohort.Schedule.CheckInClose);
    }
}
