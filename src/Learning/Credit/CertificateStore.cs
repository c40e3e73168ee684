using System.Globalization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;

namespace Academy.Learning.Credit;

/// <summary>What a certificate prints, read from the learner's enrolment when it is issued.</summary>
public sealed record CertificateFacts(string Name, string Language, string CourseTitle, string StartDate, string TimeZone, long CreditMinutes);

/// <summary>The <c>certificates</c>: issued once per learner and cohort, found by code, revoked.</summary>
public static class CertificateStore
{
    /// <summary>What the learner's certificate for the cohort would print now; null when they are not enrolled.</summary>
    public static Task<CertificateFacts?> FactsAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.QuerySingleOrDefaultAsync<CertificateFacts>(
            """
            SELECT l.name AS Name, COALESCE(l.language, c.language) AS Language, co.title AS CourseTitle,
                   c.start_date AS StartDate, c.time_zone AS TimeZone,
                   (SELECT CAST(COALESCE(SUM(g.credit_minutes), 0) AS BIGINT) FROM ledger g
                    WHERE g.learner_id = e.learner_id AND g.cohort_id = e.cohort_id) AS CreditMinutes
            FROM enrollments e
            JOIN learners l ON l.id = e.learner_id
            JOIN cohorts c ON c.id = e.cohort_id
            JOIN courses co ON co.id = c.course_id
            WHERE e.cohort_id = @cohortId AND e.learner_id = @learnerId
            """, new { cohortId, learnerId });
    }

    /// <summary>Records the learner's certificate for the cohort; false when one was issued before.</summary>
    public static async Task<bool> InsertAsync(DbSession s, long cohortId, long learnerId, string code, DateTimeOffset issuedAt,
        CertificateFacts facts, DateOnly finish, string language)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(facts);
        return await s.ExecuteAsync(
            """
            INSERT INTO certificates (cohort_id, learner_id, code, issued_at, name, course_title, start_date, finish_date, credit_minutes, language)
            VALUES (@cohortId, @learnerId, @code, @at, @Name, @CourseTitle, @StartDate, @finish, @CreditMinutes, @Language)
            ON CONFLICT (cohort_id, learner_id) DO NOTHING
            """,
            new
            {
                cohortId, learnerId, code, at = issuedAt.ToUnixTimeMilliseconds(), facts.Name, facts.CourseTitle,
                facts.StartDate, finish = finish.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), facts.CreditMinutes,
                Language = language,
            }) > 0;
    }

    /// <summary>The certificate with this code (normalised), or null.</summary>
    public static async Task<Certificate?> FindAsync(DbSession s, string code)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<Row>(Select + " WHERE code = @code", new { code })).Select(r => r.ToCertificate()).SingleOrDefault();
    }

    /// <summary>The learner's certificates, newest first.</summary>
    public static async Task<IReadOnlyList<Certificate>> ForLearnerAsync(DbSession s, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<Row>(Select + " WHERE learner_id = @learnerId ORDER BY issued_at DESC, id DESC", new { learnerId }))
            .Select(r => r.ToCertificate()).ToList();
    }

    /// <summary>Marks the certificate with this code revoked; false when there is none not revoked yet.</summary>
    public static async Task<bool> RevokeAsync(DbSession s, string? code, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await s.ExecuteAsync("UPDATE certificates SET revoked_at = @at WHERE code = @code AND revoked_at IS NULL",
            new { code, at = at.ToUnixTimeMilliseconds() }) > 0;
    }

    /// <summary>The learner's private chats the bot may write to, by channel.</summary>
    public static async Task<IReadOnlyList<ChatAddress>> PrivateChatsAsync(DbSession s, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(string, string)>(
                "SELECT channel, external_id FROM channel_identities WHERE learner_id = @learnerId AND unreachable_at IS NULL ORDER BY channel, external_id",
                new { learnerId }))
            .Select(r => new ChatAddress(r.Item1, r.Item2)).ToList();
    }

    private const string Select = """
        SELECT id AS Id, cohort_id AS CohortId, learner_id AS LearnerId, code AS Code, issued_at AS IssuedAt, name AS Name,
               course_title AS CourseTitle, start_date AS StartDate, finish_date AS FinishDate, credit_minutes AS CreditMinutes,
               language AS Language, revoked_at AS RevokedAt,
               (SELECT c.time_zone FROM cohorts c WHERE c.id = certificates.cohort_id) AS TimeZone
        FROM certificates
        """;

    private sealed record Row(long Id, long CohortId, long LearnerId, string Code, long IssuedAt, string Name, string CourseTitle,
        string StartDate, string FinishDate, long CreditMinutes, string Language, long? RevokedAt, string TimeZone)
    {
        public Certificate ToCertificate() => new(Id, CohortId, LearnerId, Code, DateTimeOffset.FromUnixTimeMilliseconds(IssuedAt), Name,
            StoredJson.Deserialize<LocalizedText>(CourseTitle),
            DateOnly.ParseExact(StartDate, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateOnly.ParseExact(FinishDate, "yyyy-MM-dd", CultureInfo.InvariantCulture), CreditMinutes, Language,
            RevokedAt is { } r ? DateTimeOffset.FromUnixTimeMilliseconds(r) : null, TimeZone);
    }
}
