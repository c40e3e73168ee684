using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Statistics;

/// <summary>A check-in: the programme day, its local date and when it was made.</summary>
public sealed record CheckInEntry(int Day, string LocalDate, DateTimeOffset At);

/// <summary>An answer to a quiz question.</summary>
public sealed record AnswerEntry(int Day, string QuestionCode, LocalizedText Question, bool Correct, DateTimeOffset At);

/// <summary>A ledger award: points and credit minutes, and what earned them.</summary>
public sealed record LedgerEntry(string Kind, string SourceKey, long Points, long CreditMinutes, string LocalDate, DateTimeOffset At);

/// <summary>What one learner did in a cohort, newest first: check-ins, answers and ledger awards.</summary>
public sealed record LearnerHistory(IReadOnlyList<CheckInEntry> CheckIns, IReadOnlyList<AnswerEntry> Answers, IReadOnlyList<LedgerEntry> Ledger);

/// <summary>Reads a learner's record for the dashboard's learner page.</summary>
public static class LearnerHistories
{
    public static async Task<LearnerHistory> ReadAsync(DbSession s, long cohortId, long learnerId) =>
        new(await StatisticsStore.CheckInHistoryAsync(s, cohortId, learnerId),
            await StatisticsStore.AnswerHistoryAsync(s, cohortId, learnerId),
            await StatisticsStore.LedgerHistoryAsync(s, cohortId, learnerId));
}
