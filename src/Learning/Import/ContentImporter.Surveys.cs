using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Import;

public sealed partial class ContentImporter
{
    // Surveys are upserted by (course, code); one the pack no longer has is retired, keeping its responses.
    private static Task<ChangeCount> ApplySurveysAsync(DbSession s, long courseId, Course course) =>
        SyncAsync(s, "import.what.surveys",
            "SELECT code AS key, id, content_hash AS hash, retired FROM surveys WHERE course_id = @courseId",
            new { courseId },
            (course.Surveys ?? []).Select(x => (Key: x.Code, Hash: StoredJson.Hash(x), Item: x)),
            (x, h) => new { courseId, x.Code, Anonymous = x.Anonymous ? 1 : 0, Definition = StoredJson.Serialize(x), Hash = h },
            """
            INSERT INTO surveys (course_id, code, anonymous, definition, content_hash, retired)
            VALUES (@courseId, @Code, @Anonymous, @Definition, @Hash, 0)
            """,
            """
            UPDATE surveys SET anonymous = @Anonymous, definition = @Definition, content_hash = @Hash, retired = 0
            WHERE course_id = @courseId AND code = @Code
            """,
            "UPDATE surveys SET retired = 1 WHERE id = @id");

    private static async Task<ChangeCount> ApplyRulesAsync(DbSession s, long courseId, Course course)
    {
        var rules = new CourseRules(course.Credit ?? CreditRules.Default, course.Completion ?? CompletionRule.Default);
        var hash = StoredJson.Hash(rules);
        var existing = await s.QuerySingleOrDefaultAsync<string?>("SELECT content_hash FROM course_rules WHERE course_id = @courseId", new { courseId });
        if (existing == hash) return new ChangeCount("import.what.course_rules", 0, 0, 0, 1);
        await s.ExecuteAsync(
            """
            INSERT INTO course_rules (course_id, credit, completion, content_hash) VALUES (@courseId, @credit, @completion, @hash)
            ON CONFLICT (course_id) DO UPDATE SET credit = excluded.credit, completion = excluded.completion, content_hash = excluded.content_hash
            """, new { courseId, credit = StoredJson.Serialize(rules.Credit), completion = StoredJson.Serialize(rules.Completion), hash });
        return existing is null ? new ChangeCount("import.what.course_rules", 1, 0, 0, 0) : new ChangeCount("import.what.course_rules", 0, 1, 0, 0);
    }
}
