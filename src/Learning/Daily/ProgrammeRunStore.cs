using Academy.Learning.Storage;

namespace Academy.Learning.Daily;

/// <summary>
/// Which planned moments of a cohort's programme have been carried out (or skipped as stale):
/// <c>programme_runs</c>, one row per (cohort, item, day), which is what makes a moment run once.
/// </summary>
public static class ProgrammeRunStore
{
    /// <summary>The outcome of a moment carried out, and of one skipped past its deadline.</summary>
    public const string Done = "done", Stale = "stale";

    /// <summary>
    /// Takes the moment for this caller, recording its <paramref name="outcome"/>: false when it was
    /// taken before. On PostgreSQL a concurrent claimant blocks here until the first commits (then finds
    /// the row) or rolls back (then takes it); SQLite's write transactions are serial anyway.
    /// </summary>
    public static async Task<bool> ClaimAsync(DbSession s, long cohortId, PlannedItem planned, DateTimeOffset now, string outcome)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(planned);
        return await s.ExecuteAsync(
            """
            INSERT INTO programme_runs (cohort_id, item, day, planned_at, ran_at, outcome, groups_reached, messages)
            VALUES (@cohortId, @item, @day, @plannedAt, @now, @outcome, 0, 0)
            ON CONFLICT (cohort_id, item, day) DO NOTHING
            """,
            new
            {
                cohortId, item = planned.ItemName, day = (long)planned.Day, plannedAt = planned.At.ToUnixTimeMilliseconds(),
                now = now.ToUnixTimeMilliseconds(), outcome,
            }) > 0;
    }

    /// <summary>What a moment carried out reached: groups and messages queued.</summary>
    public static Task RecordCountsAsync(DbSession s, long cohortId, string item, int day, int groups, int messages)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.ExecuteAsync(
            "UPDATE programme_runs SET groups_reached = @groups, messages = @messages WHERE cohort_id = @cohortId AND item = @item AND day = @day",
            new { cohortId, item, day = (long)day, groups = (long)groups, messages = (long)messages });
    }

    // The four ways a range's ends can be open or closed, each its own statement, written once.
    private static readonly string[] StaleInRange =
    [
        StaleSql(">", "<"), StaleSql(">", "<="), StaleSql(">=", "<"), StaleSql(">=", "<="),
    ];

    private static string StaleSql(string after, string before) =>
        $"""
        SELECT item, day, planned_at FROM programme_runs
        WHERE cohort_id = @cohortId AND outcome = '{Stale}'
          AND planned_at {after} @from AND planned_at {before} @to
        ORDER BY planned_at, item
        """;

    /// <summary>The moments skipped as stale that were planned between <paramref name="from"/> and <paramref name="to"/>, in planned order.</summary>
    public static async Task<IReadOnlyList<SkippedItem>> SkippedAsync(DbSession s, long cohortId,
        DateTimeOffset from, bool inclusiveFrom, DateTimeOffset to, bool inclusiveTo)
    {
        ArgumentNullException.ThrowIfNull(s);
        var rows = await s.QueryAsync<(string Item, long Day, long PlannedAt)>(
            StaleInRange[(inclusiveFrom ? 2 : 0) + (inclusiveTo ? 1 : 0)],
            new { cohortId, from = from == DateTimeOffset.MinValue ? long.MinValue : from.ToUnixTimeMilliseconds(), to = to.ToUnixTimeMilliseconds() });
        return rows.Select(r => new SkippedItem(PlannedItem.Parse(r.Item), (int)r.Day, DateTimeOffset.FromUnixTimeMilliseconds(r.PlannedAt))).ToList();
    }

    /// <summary>The keys (<see cref="PlannedItem.KeyOf"/>) of the cohort's moments run or skipped so far.</summary>
    public static async Task<HashSet<string>> HandledAsync(DbSession s, long cohortId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return (await s.QueryAsync<(string Item, long Day)>(
                "SELECT item, day FROM programme_runs WHERE cohort_id = @id", new { id = cohortId }))
            .Select(r => PlannedItem.KeyOf(r.Item, r.Day)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Whether the moment has been run (or skipped).</summary>
    public static async Task<bool> HasRunAsync(DbSession s, long cohortId, PlannedItem planned)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(planned);
        return await s.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM programme_runs WHERE cohort_id = @cohortId AND item = @item AND day = @day",
            new { cohortId, item = planned.ItemName, day = (long)planned.Day }) > 0;
    }
}
