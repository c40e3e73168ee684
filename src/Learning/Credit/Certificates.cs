using System.Globalization;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Credit;

/// <summary>A certificate's facts, as printed.</summary>
/// <param name="TimeZone">The cohort's IANA time zone, in which the certificate's dates are printed.</param>
public sealed record Certificate(
    long Id, long CohortId, long LearnerId, string Code, DateTimeOffset IssuedAt, string Name, LocalizedText CourseTitle,
    DateOnly Start, DateOnly Finish, long CreditMinutes, string Language, DateTimeOffset? RevokedAt, string TimeZone)
{
    public bool Revoked => RevokedAt is not null;

    /// <summary>The issue date in the cohort's time zone, like <see cref="Finish"/>: printed side by side, they must agree.</summary>
    public DateOnly IssuedOn => LocalDate(IssuedAt);

    /// <summary>The revocation date in the cohort's time zone.</summary>
    public DateOnly? RevokedOn => RevokedAt is { } at ? LocalDate(at) : null;

    private DateOnly LocalDate(DateTimeOffset at) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById(TimeZone)).DateTime);
}

/// <summary>
/// Issues and looks up certificates. Issuing is idempotent (one certificate per learner and cohort)
/// and happens in the caller's transaction, together with the congratulation messages to the
/// learner's private chats. The messages carry a reference (<see cref="AttachmentUrl"/>), not the
/// files: the PDF and the PNG preview are rendered from SVG when the message is sent, so the outbox
/// holds a few hundred bytes per learner and the QR code points at the host's current public address.
/// </summary>
public sealed class Certificates(Outbox outbox, Catalog catalog, TimeProvider time)
{
    /// <summary>The URL scheme of an attachment that is a certificate to render at send time.</summary>
    public const string Scheme = "academy-certificate";

    /// <summary>Issues the learner's certificate for the cohort, once; returns its id.</summary>
    public async Task<long?> IssueAsync(DbSession s, long cohortId, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var facts = await s.QuerySingleOrDefaultAsync<Facts>(
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
        if (facts is null) return null;
        var now = time.GetUtcNow();
        var finish = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(facts.TimeZone)).DateTime);
        var inserted = await s.ExecuteAsync(
            """
            INSERT INTO certificates (cohort_id, learner_id, code, issued_at, name, course_title, start_date, finish_date, credit_minutes, language)
            VALUES (@cohortId, @learnerId, @code, @at, @Name, @CourseTitle, @StartDate, @finish, @CreditMinutes, @Language)
            ON CONFLICT (cohort_id, learner_id) DO NOTHING
            """,
            new
            {
                cohortId, learnerId, code = CertificateCode.New(), at = now.ToUnixTimeMilliseconds(), facts.Name, facts.CourseTitle,
                facts.StartDate, finish = finish.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), facts.CreditMinutes,
                Language = Languages.Normalize(facts.Language) ?? Languages.English,
            });
        var certificate = (await ForLearnerAsync(s, learnerId)).First(c => c.CohortId == cohortId);
        if (inserted > 0)
        {
            foreach (var chat in await PrivateChatsAsync(s, learnerId))
                await SendAsync(s, certificate, chat, certificate.Language, "issued");
        }
        return certificate.Id;
    }

    /// <summary>Queues the congratulation, the PNG preview and the PDF to <paramref name="to"/>; <paramref name="keyPrefix"/> names this sending.</summary>
    public async Task SendAsync(DbSession s, Certificate certificate, ChatAddress to, string language, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(to);
        var text = catalog.For(language);
        var key = string.Create(CultureInfo.InvariantCulture, $"cert/{certificate.Id}/{keyPrefix}@{to.Channel}:{to.ChatId}");
        await outbox.EnqueueAsync(s, key + "/preview", new OutgoingMessage
        {
            To = to,
            Text = text.Get("certificate.congratulations", ("name", IsolatedName(certificate.Name)), ("course", certificate.CourseTitle.In(language)),
                ("hours", Hours(certificate.CreditMinutes)), ("code", certificate.Code)),
            Attachment = new Attachment(AttachmentKind.Image, $"certificate-{certificate.Code}.png", Url: AttachmentUrl(certificate.Code, "png")),
        });
        await outbox.EnqueueAsync(s, key + "/pdf", new OutgoingMessage
        {
            To = to,
            Attachment = new Attachment(AttachmentKind.Document, $"certificate-{certificate.Code}.pdf", Url: AttachmentUrl(certificate.Code, "pdf")),
        });
    }

    /// <summary>The reference a channel resolves at send time: <c>academy-certificate:CODE.pdf</c>.</summary>
    public static string AttachmentUrl(string code, string format) => $"{Scheme}:{code}.{format}";

    /// <summary>
    /// A learner's name as printed on a certificate and its page: without the bidirectional embedding,
    /// override and isolate controls (U+202A–U+202E, U+2066–U+2069), which would reorder what follows
    /// them (a right-to-left override makes "Anh" read "hnA"). The stored name keeps them.
    /// </summary>
    public static string PrintedName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.AsSpan().IndexOfAny(BidiControls) < 0 ? name : string.Concat(name.Where(c => !BidiControls.Contains(c)));
    }

    /// <summary>
    /// The printed name inside a sentence. A name with right-to-left letters (Arabic, Hebrew) is set apart
    /// as a first-strong isolate (U+2068 … U+2069), so it cannot reorder the words around it; any other
    /// name reads the same either way and is left as it is.
    /// </summary>
    public static string IsolatedName(string name)
    {
        var printed = PrintedName(name);
        return printed.Any(IsRightToLeft) ? "\u2068" + printed + "\u2069" : printed;
    }

    // Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic and their presentation forms; the
    // surrogates of the supplementary right-to-left blocks.
    private static bool IsRightToLeft(char c) =>
        c is >= '\u0590' and <= '\u08FF' or >= '\uFB1D' and <= '\uFDFF' or >= '\uFE70' and <= '\uFEFF' or '\uD802' or '\uD803' or '\uD83A' or '\uD83B';

    private static readonly System.Buffers.SearchValues<char> BidiControls =
        System.Buffers.SearchValues.Create("\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");

    /// <summary>Credit hours as printed: minutes / 60 with at most one decimal.</summary>
    public static string Hours(long minutes) => (minutes / 60.0).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>The certificate with this code, as typed by anyone; null for a malformed, forged or unknown code.</summary>
    public static async Task<Certificate?> FindAsync(DbSession s, string? typedCode)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (CertificateCode.Normalize(typedCode) is not { } code) return null;
        return (await s.QueryAsync<Row>(Select + " WHERE code = @code", new { code })).Select(r => r.ToCertificate()).SingleOrDefault();
    }

    /// <summary>The learner's certificates, newest first.</summary>
    public static async Task<IReadOnlyList<Certificate>> ForLearnerAsync(DbSession s, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<Row>(Select + " WHERE learner_id = @learnerId ORDER BY issued_at DESC, id DESC", new { learnerId }))
            .Select(r => r.ToCertificate()).ToList();
    }

    /// <summary>Revokes a certificate (issued in error); its page then says so. Returns false when there is none.</summary>
    public async Task<bool> RevokeAsync(DbSession s, string code)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await s.ExecuteAsync("UPDATE certificates SET revoked_at = @at WHERE code = @code AND revoked_at IS NULL",
            new { code = CertificateCode.Normalize(code), at = time.GetUtcNow().ToUnixTimeMilliseconds() }) > 0;
    }

    private static async Task<IReadOnlyList<ChatAddress>> PrivateChatsAsync(DbSession s, long learnerId) =>
        (await s.QueryAsync<(string, string)>(
            "SELECT channel, external_id FROM channel_identities WHERE learner_id = @learnerId AND unreachable_at IS NULL ORDER BY channel, external_id",
            new { learnerId }))
        .Select(r => new ChatAddress(r.Item1, r.Item2)).ToList();

    private const string Select = """
        SELECT id AS Id, cohort_id AS CohortId, learner_id AS LearnerId, code AS Code, issued_at AS IssuedAt, name AS Name,
               course_title AS CourseTitle, start_date AS StartDate, finish_date AS FinishDate, credit_minutes AS CreditMinutes,
               language AS Language, revoked_at AS RevokedAt,
               (SELECT c.time_zone FROM cohorts c WHERE c.id = certificates.cohort_id) AS TimeZone
        FROM certificates
        """;

    private sealed record Facts(string Name, string Language, string CourseTitle, string StartDate, string TimeZone, long CreditMinutes);

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
