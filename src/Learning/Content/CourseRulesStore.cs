using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;
using Academy.Learning.Storage;

namespace Academy.Learning.Content;

/// <summary>A course's credit rules and completion rule together, as stored.</summary>
public sealed record CourseRules(CreditRules Credit, CompletionRule Completion)
{
    public static CourseRules Default { get; } = new(CreditRules.Default, CompletionRule.Default);
}

/// <summary>Reads the rules of the course a cohort runs; a course imported before rules existed gets the defaults.</summary>
public static class CourseRulesStore
{
    public static async Task<CourseRules> ForCohortAsync(DbSession s, long cohortId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var row = await s.QuerySingleOrDefaultAsync<RulesRow>(
            "SELECT r.credit AS Credit, r.completion AS Completion FROM course_rules r JOIN cohorts c ON c.course_id = r.course_id WHERE c.id = @cohortId",
            new { cohortId });
        return row is null
            ? CourseRules.Default
            : new CourseRules(StoredJson.Deserialize<CreditRules>(row.Credit), StoredJson.Deserialize<CompletionRule>(row.Completion));
    }

    private sealed class RulesRow
    {
        public string Credit { get; init; } = "";
        public string Completion { get; init; } = "";
    }
}
