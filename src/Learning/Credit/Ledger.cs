using Academy.Learning.Content;
using Academy.Learning.Model;
using Academy.Learning.Storage;

namespace Academy.Learning.Credit;

/// <summary>
/// Credits awards to the ledger by the course's credit rules: once per (learner, source key), the
/// rule's minutes for what brings none of its own, and the rule's daily cap per kind.
/// </summary>
public sealed class Ledger(TimeProvider time)
{
    /// <summary>
    /// Credits <paramref name="awards"/> in order, each once per (learner, source key), as if one at a time.
    /// The course's credit rule for the kind sets the minutes of what brings none of its own (answers,
    /// check-ins, surveys, an exam without credit_minutes): the cause's own figure wins, the rule is the
    /// default. The rule may cap the day's total, counted by the award's local date.
    /// </summary>
    public async Task AwardAsync(DbSession s, IReadOnlyList<Award> awards)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(awards);
        if (awards.Count == 0) return;
        var rules = new Dictionary<long, CreditRules>();
        foreach (var cohortId in awards.Select(a => a.CohortId).Distinct())
            rules[cohortId] = (await CourseRulesStore.ForCohortAsync(s, cohortId)).Credit;

        // Already credited (a re-run), or twice in this batch: skipped, so they take no room under a cap.
        var credited = await LedgerStore.CreditedAsync(s,
            awards.Select(a => a.LearnerId).Distinct().ToList(), awards.Select(a => a.SourceKey).Distinct().ToList());
        var fresh = new List<Award>();
        foreach (var a in awards)
            if (credited.Add((a.LearnerId, a.SourceKey)))
                fresh.Add(a with { Minutes = a.Minutes ?? rules[a.CohortId].For(a.Kind).Minutes ?? 0 });

        var capped = fresh.Where(a => a.Minutes > 0 && rules[a.CohortId].For(a.Kind).DailyCap is not null).ToList();
        var used = new Dictionary<(long LearnerId, long CohortId, string Kind, string LocalDate), long>();
        foreach (var cohort in capped.GroupBy(a => a.CohortId))
        {
            var cohortId = cohort.Key;
            var ids = cohort.Select(a => a.LearnerId).Distinct().Order().ToList();
            // Two transactions crediting one learner on the same day must not both see room under the cap.
            await LedgerStore.HoldLearnersAsync(s, cohortId, ids);
            foreach (var row in await LedgerStore.MinutesPerDayAsync(s, cohortId, ids,
                         cohort.Select(a => a.Kind).Distinct().ToList(), cohort.Select(a => a.LocalDate).Distinct().ToList()))
                used[(row.LearnerId, cohortId, row.Kind, row.LocalDate)] = row.Minutes;
        }
        var settled = new List<Award>(fresh.Count);
        foreach (var a in fresh)
        {
            var minutes = a.Minutes ?? 0;
            if (minutes > 0 && rules[a.CohortId].For(a.Kind).DailyCap is { } cap)
            {
                var key = (a.LearnerId, a.CohortId, a.Kind, a.LocalDate);
                minutes = Math.Clamp(cap - used.GetValueOrDefault(key), 0, minutes);
                used[key] = used.GetValueOrDefault(key) + minutes;
            }
            settled.Add(a with { Minutes = minutes });
        }
        await LedgerStore.InsertAsync(s, settled, time.GetUtcNow().ToUnixTimeMilliseconds());
    }
}
