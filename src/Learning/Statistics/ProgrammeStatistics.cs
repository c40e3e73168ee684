using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Statistics;

/// <summary>A study group, as the statistics name it.</summary>
public sealed record GroupInfo(long Id, string Code, LocalizedText Name, string Language);

/// <summary>A learner who checked in, and when (null when the day's status says so but the check-in row is gone).</summary>
public sealed record CheckedInLearner(long LearnerId, string Name, DateTimeOffset? At);

/// <summary>
/// A learner who did not check in, with the streak they had up to the day before (the run a
/// check-in would have kept going; 0 when there was none).
/// </summary>
public sealed record MissedLearner(long LearnerId, string Name, int Streak);

/// <summary>One question of a group's quiz on a day: how many answered it and how many got it right.</summary>
public sealed record QuestionFigures(long DeliveryId, long QuestionId, string Code, LocalizedText Text, int Answers, int Correct)
{
    public double? Accuracy => Answers == 0 ? null : (double)Correct / Answers;
}

/// <summary>
/// A group on one programme day: who was enrolled (learners only), who checked in and who did not,
/// and the day's quiz. <see cref="Closed"/>: the figures come from the statuses recorded at the
/// close; otherwise from the check-ins so far.
/// </summary>
public sealed record GroupDayReport(
    GroupInfo Group, int Day, bool Closed, int Enrolled,
    IReadOnlyList<CheckedInLearner> CheckedIn, IReadOnlyList<MissedLearner> Missed,
    int QuizParticipants, IReadOnlyList<QuestionFigures> Questions)
{
    public double? CheckInRate => Enrolled == 0 ? null : (double)CheckedIn.Count / Enrolled;
    public double? Participation => Enrolled == 0 ? null : (double)QuizParticipants / Enrolled;
    public int Answers => Questions.Sum(q => q.Answers);
    public int Correct => Questions.Sum(q => q.Correct);
    public double? Accuracy => Answers == 0 ? null : (double)Correct / Answers;
}

/// <summary>One learner's answers to their group's quiz of a day: how many of its questions they answered, and how many right.</summary>
public sealed record LearnerQuiz(long LearnerId, int Answered, int Correct);

/// <summary>Counts for one day (or summed over several): check-ins against enrolment, and quiz answers.</summary>
public sealed record DayFigures(int Day, int Enrolled, int CheckedIn, int QuizAnswers, int QuizCorrect, int QuizParticipants)
{
    public double? CheckInRate => Enrolled == 0 ? null : (double)CheckedIn / Enrolled;
    public double? Accuracy => QuizAnswers == 0 ? null : (double)QuizCorrect / QuizAnswers;
    public double? Participation => Enrolled == 0 ? null : (double)QuizParticipants / Enrolled;

    public static DayFigures Sum(int day, IEnumerable<DayFigures> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        int enrolled = 0, checkedIn = 0, answers = 0, correct = 0, participants = 0;
        foreach (var d in days)
        {
            enrolled += d.Enrolled; checkedIn += d.CheckedIn; answers += d.QuizAnswers; correct += d.QuizCorrect; participants += d.QuizParticipants;
        }
        return new DayFigures(day, enrolled, checkedIn, answers, correct, participants);
    }
}

/// <summary>A group's figures per day over a range of days, in day order.</summary>
public sealed record GroupSeries(GroupInfo Group, IReadOnlyList<DayFigures> Days)
{
    /// <summary>The range summed (learner-days): Day is 0. Participation is summed per day, so it reads as learner-days too.</summary>
    public DayFigures Total => DayFigures.Sum(0, Days);
}

/// <summary>A group's place in a ranking by check-in rate over a range of days.</summary>
public sealed record GroupRank(int Rank, GroupInfo Group, DayFigures Total);

/// <summary>
/// Participation figures for digests, dashboards and a liaison's <c>/today</c>. Set queries over a
/// whole cohort (or one group), never one query per learner: a cohort can hold thousands of groups.
/// A day whose close recorded statuses (<c>day_status</c>) is read from them — enrolment as it was
/// at the close; a day not yet closed is read from the check-ins so far against today's roster.
/// </summary>
public static class ProgrammeStatistics
{
    /// <summary>The cohort's study groups, by code.</summary>
    public static Task<IReadOnlyList<GroupInfo>> GroupsAsync(DbSession s, long cohortId, long? groupId = null) =>
        StatisticsStore.GroupsAsync(s, cohortId, groupId);

    /// <summary>
    /// Each group's day (or one group's, with <paramref name="groupId"/>): names of who checked in and
    /// who did not (with streaks), quiz participation and per-question figures. Ordered by group code;
    /// names in alphabetical order.
    /// </summary>
    public static async Task<IReadOnlyList<GroupDayReport>> GroupDaysAsync(DbSession s, long cohortId, int day, long? groupId = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        var groups = await StatisticsStore.GroupsAsync(s, cohortId, groupId);
        var closed = (await StatisticsStore.ClosedDaysAsync(s, cohortId, day, day)).Contains(day);
        var roster = await StatisticsStore.DayRosterAsync(s, cohortId, day, groupId, closed);
        var streaks = await StatisticsStore.StreaksBeforeAsync(s, cohortId, day);
        var questionRows = await StatisticsStore.DayQuestionsAsync(s, cohortId, day, groupId);
        var texts = await StatisticsStore.DayQuestionTextsAsync(s, cohortId, day, groupId);
        var participants = await StatisticsStore.DayParticipantsAsync(s, cohortId, day, groupId);

        var rosterByGroup = roster.ToLookup(r => r.GroupId);
        var questionsByGroup = questionRows.ToLookup(q => q.GroupId);
        return groups.Select(g =>
        {
            var members = rosterByGroup[g.Id].OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
            var checkedIn = members.Where(m => m.Checked).Select(m => new CheckedInLearner(m.LearnerId, m.Name, m.CheckedInAt)).ToList();
            var missed = members.Where(m => !m.Checked)
                .Select(m => new MissedLearner(m.LearnerId, m.Name, streaks.GetValueOrDefault(m.LearnerId)))
                .ToList();
            var questions = questionsByGroup[g.Id].Select(q =>
            {
                var (code, text) = texts.GetValueOrDefault(q.QuestionId, ("", LocalizedText.Of("")));
                return new QuestionFigures(q.DeliveryId, q.QuestionId, code, text, (int)q.Answers, (int)q.Correct);
            }).ToList();
            return new GroupDayReport(g, day, closed, members.Count, checkedIn, missed, participants.GetValueOrDefault(g.Id), questions);
        }).ToList();
    }

    /// <summary>
    /// Per learner, their answers to the quiz a group got on a day (only those who answered at least
    /// once): what a liaison's <c>/today</c> and the day's summary table show beside each name.
    /// </summary>
    public static Task<IReadOnlyDictionary<long, LearnerQuiz>> LearnerQuizzesAsync(DbSession s, long cohortId, int day, long groupId) =>
        StatisticsStore.LearnerQuizzesAsync(s, cohortId, day, groupId);

    /// <summary>
    /// Each group's figures for every day of <paramref name="fromDay"/>–<paramref name="toDay"/> (or one
    /// group's): a constant number of queries whatever the number of groups and learners.
    /// </summary>
    public static async Task<IReadOnlyList<GroupSeries>> DailyFiguresAsync(DbSession s, long cohortId, int fromDay, int toDay, long? groupId = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        var groups = await StatisticsStore.GroupsAsync(s, cohortId, groupId);
        var days = fromDay > toDay ? [] : Enumerable.Range(fromDay, toDay - fromDay + 1).ToList();
        var closed = await StatisticsStore.ClosedDaysAsync(s, cohortId, fromDay, toDay);
        var checkins = new Dictionary<(long Group, int Day), (int Enrolled, int Checked)>();

        if (closed.Count > 0)
            foreach (var r in await StatisticsStore.ClosedDayCountsAsync(s, cohortId, fromDay, toDay, groupId))
                checkins[(r.GroupId, r.Day)] = (r.Enrolled, r.CheckedIn);
        // Days not closed yet: today's roster against the check-ins so far (usually one day: today).
        foreach (var day in days.Where(d => !closed.Contains(d)))
            foreach (var r in await StatisticsStore.OpenDayCountsAsync(s, cohortId, day, groupId))
                checkins[(r.GroupId, day)] = (r.Enrolled, r.CheckedIn);

        var quiz = (await StatisticsStore.QuizCountsAsync(s, cohortId, fromDay, toDay, groupId)).ToDictionary(r => (r.GroupId, r.Day));

        return groups.Select(g => new GroupSeries(g, days.Select(d =>
        {
            var (enrolled, checkedIn) = checkins.GetValueOrDefault((g.Id, d));
            var q = quiz.GetValueOrDefault((g.Id, d));
            return new DayFigures(d, enrolled, checkedIn, (int)(q?.Answers ?? 0), (int)(q?.Correct ?? 0), (int)(q?.Participants ?? 0));
        }).ToList())).ToList();
    }

    /// <summary>Groups ranked by check-in rate over the days (then quiz accuracy, then code); groups with nobody enrolled last.</summary>
    public static IReadOnlyList<GroupRank> Rank(IEnumerable<GroupSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return series.Select(g => (g.Group, Total: g.Total))
            .OrderByDescending(g => g.Total.CheckInRate ?? -1)
            .ThenByDescending(g => g.Total.Accuracy ?? -1)
            .ThenBy(g => g.Group.Code, StringComparer.Ordinal)
            .Select((g, i) => new GroupRank(i + 1, g.Group, g.Total))
            .ToList();
    }

    /// <summary>Groups ranked by check-in rate over <paramref name="fromDay"/>–<paramref name="toDay"/> (a week, say).</summary>
    public static async Task<IReadOnlyList<GroupRank>> RankGroupsAsync(DbSession s, long cohortId, int fromDay, int toDay) =>
        Rank(await DailyFiguresAsync(s, cohortId, fromDay, toDay));

    /// <summary>The whole cohort per day: every group summed.</summary>
    public static IReadOnlyList<DayFigures> Trend(IReadOnlyList<GroupSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) return [];
        return series[0].Days.Select((d, i) => DayFigures.Sum(d.Day, series.Select(g => g.Days[i]))).ToList();
    }

    /// <summary>The cohort's check-in rate (and quiz accuracy) per day over the range.</summary>
    public static async Task<IReadOnlyList<DayFigures>> CohortTrendAsync(DbSession s, long cohortId, int fromDay, int toDay) =>
        Trend(await DailyFiguresAsync(s, cohortId, fromDay, toDay));
}
