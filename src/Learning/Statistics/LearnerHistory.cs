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
    public static async Task<LearnerHistory> ReadAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var p = new { cohortId, learnerId };
        var checkins = await s.QueryAsync<(long Day, string LocalDate, long At)>(
            "SELECT day, local_date, checked_in_at FROM checkins WHERE cohort_id = @cohortId AND learner_id = @learnerId ORDER BY day DESC", p);
        var answers = await s.QueryAsync<(long Day, string Code, string Payload, long Correct, long At)>(
            """
            SELECT d.day, q.code, q.payload, a.correct, a.answered_at
            FROM answers a JOIN deliveries d ON d.id = a.delivery_id JOIN questions q ON q.id = a.question_id
            WHERE a.cohort_id = @cohortId AND a.learner_id = @learnerId ORDER BY a.answered_at DESC, a.id DESC
            """, p);
        var ledger = await s.QueryAsync<(string Kind, string Source, long Points, long Minutes, string LocalDate, long At)>(
            """
            SELECT kind, source_key, points, credit_minutes, local_date, at FROM ledger
            WHERE cohort_id = @cohortId AND learner_id = @learnerId ORDER BY at DESC, id DESC
            """, p);
        return new LearnerHistory(
            checkins.Select(c => new CheckInEntry((int)c.Day, c.LocalDate, DateTimeOffset.FromUnixTimeMilliseconds(c.At))).ToList(),
            answers.Select(a => new AnswerEntry((int)a.Day, a.Code, StoredJson.Deserialize<QuestionPayload>(a.Payload).Text, a.Correct != 0,
                DateTimeOffset.FromUnixTimeMilliseconds(a.At))).ToList(),
            ledger.Select(l => new LedgerEntry(l.Kind, l.Source, l.Points, l.Minutes, l.LocalDate, DateTimeOffset.FromUnixTimeMilliseconds(l.At))).ToList());
    }
}
