using System.Text;
using Academy.Learning.Exports;
using Academy.Learning.Localization;
using Academy.Tests.Storage;
using Academy.Tests.Support;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Surveys;

/// <summary>A named survey taken through the domain API, and the admins' raw export of it.</summary>
public sealed class SurveyExportTests : StoreTestBase
{
    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());

    [Fact]
    public async Task A_named_survey_keeps_the_learner_and_exports_answers_with_formulas_neutralised()
    {
        var pack = File.ReadAllText(Samples.Pack).Replace("anonymous: true", "anonymous: false", StringComparison.Ordinal);
        Assert.True((await Importer.ImportAsync([Samples.Text("digital-safety.yaml", pack), Samples.File(Samples.Cohort), Samples.File(Samples.Roster)])).Succeeded);
        Time.Set(DateTimeOffset.Parse("2026-12-13T02:00:00Z"));
        var cohortId = await ScalarAsync<long>("SELECT id FROM cohorts");
        var learnerId = await ScalarAsync<long>("SELECT id FROM learners WHERE phone = '+8613912345678'");
        var surveys = new Academy.Learning.Surveys.SurveyService(Record, new Completion(new Certificates(new Academy.Learning.Messaging.Outbox(Time), Academy.Learning.Localization.Catalog.Default, Time), new ExamResults(), Time), new ExamResults(), Time);

        await using (var s = await Db.BeginAsync())
        {
            var survey = Assert.Single(await surveys.OpenForAsync(s, cohortId, learnerId)).Survey;
            Assert.Equal(SurveyStep.Next, (await surveys.StartAsync(s, survey.Id, cohortId, learnerId)).Step);
            for (int position = 0; position < 5; position++)
                Assert.Equal(SurveyStep.Next, (await surveys.ChooseAsync(s, survey.Id, cohortId, learnerId, position, 1)).Step);
            Assert.Equal(SurveyStep.Stale, (await surveys.ChooseAsync(s, survey.Id, cohortId, learnerId, 4, 0)).Step);
            // A forged press: a choice for the item that wants text; a survey of no course of the learner's.
            Assert.Equal(SurveyStep.Invalid, (await surveys.ChooseAsync(s, survey.Id, cohortId, learnerId, 5, 0)).Step);
            Assert.Equal(SurveyStep.Unknown, (await surveys.StartAsync(s, survey.Id + 999, cohortId, learnerId)).Step);
            var essay = "=HYPERLINK(\"http://evil.example\") " + new string('x', 80);
            Assert.Equal(SurveyStep.Next, (await surveys.WriteAsync(s, cohortId, learnerId, essay))!.Step);
            var tooLong = await surveys.WriteAsync(s, cohortId, learnerId, new string('y', 1001));
            Assert.Equal((SurveyStep.TooLong, 1001), (tooLong!.Step, tooLong.Length));
            Assert.Equal(SurveyStep.Submitted, (await surveys.WriteAsync(s, cohortId, learnerId, "More local examples."))!.Step);
            Assert.Null(await surveys.WriteAsync(s, cohortId, learnerId, "hello")); // nothing is waiting for text now
            await s.CommitAsync();
        }
        Assert.Equal(learnerId, await ScalarAsync<long>("SELECT learner_id FROM survey_responses"));

        await using var read = await Db.BeginReadAsync();
        var stored = Assert.Single(await Academy.Learning.Surveys.SurveyService.ForCohortAsync(read, cohortId));
        var table = await SurveyResults.RawTableAsync(read, stored, cohortId, Catalog.Default.For("en"));
        Assert.Equal(["No.", "Date", "Learner", "overall", "usefulness", "pace", "quizzes", "recommend", "practice", "improve"], table.Headers);
        var row = Assert.Single(table.Rows);
        Assert.Equal("李伟", row[2]);
        Assert.Equal("Good", row[3]);
        var csv = Encoding.UTF8.GetString(TableWriter.ToCsv(table));
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\")", csv, StringComparison.Ordinal);
        Assert.Contains("2026-12-13", csv, StringComparison.Ordinal);

        var result = await SurveyResults.AggregateAsync(read, stored, cohortId);
        Assert.Equal(1, result.Responses);
        Assert.Equal([0, 1, 0, 0], result.Items[0].OptionCounts);
    }
}
