using Academy.Learning.Storage;

namespace Academy.Learning.Assessment;

/// <summary>
/// Issues and looks up certificates. Issuing is idempotent (one certificate per learner and cohort)
/// and happens in the caller's transaction; the PDF and the PNG preview are rendered from SVG when
/// the message is sent.
/// CONTRACT STUB (issue 5): the certificates work fills this in.
/// </summary>
public sealed class Certificates
{
    /// <summary>Issues the learner's certificate for the cohort, once; returns its id.</summary>
    public Task<long?> IssueAsync(DbSession s, long cohortId, long learnerId) => Task.FromResult<long?>(null);
}
