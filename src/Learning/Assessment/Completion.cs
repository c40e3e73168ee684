using Academy.Learning.Storage;

namespace Academy.Learning.Assessment;

/// <summary>
/// The course's completion rule (required lessons, post-test pass mark, survey, credit minutes).
/// Called, inside the caller's transaction, after anything that can complete a learner: a finished
/// exam, a submitted survey, a lesson read. When the rule is met for the first time it asks
/// <see cref="Certificates"/> to issue the certificate.
/// CONTRACT STUB (issue 5): the surveys/ledger/completion work fills this in.
/// </summary>
public sealed class Completion(Certificates certificates)
{
    /// <summary>Evaluates the rule for one learner; issues the certificate on first completion.</summary>
    public Task CheckAsync(DbSession s, long cohortId, long learnerId)
    {
        _ = certificates;
        return Task.CompletedTask;
    }
}
