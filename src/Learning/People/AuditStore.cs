using Academy.Learning.Storage;

namespace Academy.Learning.People;

/// <summary>The audit log (audit_log): who did what, for the record — links, refusals, imports.</summary>
public static class AuditStore
{
    /// <summary>Records that <paramref name="actor"/> (<c>channel:user</c>, or <c>cli</c>) did <paramref name="action"/>.</summary>
    public static Task RecordAsync(DbSession s, DateTimeOffset at, string actor, string action, string detail)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.ExecuteAsync("INSERT INTO audit_log (at, actor, action, detail) VALUES (@at, @actor, @action, @detail)",
            new { at = at.ToUnixTimeMilliseconds(), actor, action, detail });
    }
}
