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
        var facts = await CertificateStore.FactsAsync(s, cohortId, learnerId);
        if (facts is null) return null;
        var now = time.GetUtcNow();
        var finish = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(facts.TimeZone)).DateTime);
        var inserted = await CertificateStore.InsertAsync(s, cohortId, learnerId, CertificateCode.New(), now, facts, finish,
            Languages.Normalize(facts.Language) ?? Languages.English);
        var certificate = (await CertificateStore.ForLearnerAsync(s, learnerId)).First(c => c.CohortId == cohortId);
        if (inserted)
        {
            foreach (var chat in await CertificateStore.PrivateChatsAsync(s, learnerId))
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
        return CertificateCode.Normalize(typedCode) is { } code ? await CertificateStore.FindAsync(s, code) : null;
    }

    /// <summary>Revokes a certificate (issued in error); its page then says so. Returns false when there is none.</summary>
    public async Task<bool> RevokeAsync(DbSession s, string code)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await CertificateStore.RevokeAsync(s, CertificateCode.Normalize(code), time.GetUtcNow());
    }
}
