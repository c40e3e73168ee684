using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Import;

public sealed partial class ContentImporter
{
    private static Task<ChangeCount> ApplySurveysAsync(DbSession s, long courseId, Course course) =>
        SyncAsync(s, "import.what.surveys", ImportStore.Surveys, courseId,
            (course.Surveys ?? []).Select(x => (Key: x.Code, Hash: StoredJson.Hash(x), Item: x)));

    private static async Task<ChangeCount> ApplyRulesAsync(DbSession s, long courseId, Course course)
    {
        var rules = new CourseRules(course.Credit ?? CreditRules.Default, course.Completion ?? CompletionRule.Default);
        var hash = StoredJson.Hash(rules);
        var existing = await ImportStore.CourseRulesHashAsync(s, courseId);
        if (existing == hash) return new ChangeCount("import.what.course_rules", 0, 0, 0, 1);
        await ImportStore.UpsertCourseRulesAsync(s, courseId, rules, hash);
        return existing is null ? new ChangeCount("import.what.course_rules", 1, 0, 0, 0) : new ChangeCount("import.what.course_rules", 0, 1, 0, 0);
    }
}
