using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Tests.Support;

/// <summary>
/// Day 1 of the sample cohort for HN-01, as the liaison tests see it: a learner named like a
/// spreadsheet formula joins the group (8 learners); the day is delivered (3 quiz questions); Nhung
/// and Tuấn check in, in that order; Nhung answers q1 right and q2 wrong, Tuấn q1 right.
/// </summary>
public static class LiaisonDay
{
    public const string Attack = "=cmd|' /C calc'!A0";
    public const string Nhung = "+84913000111", Tuan = "+84914222333", Ha = "+84986112233", Bao = "+84977450812", Tram = "+84904556778", Hung = "+84912345678";

    public sealed record Seed(long CohortId, long GroupId, long AttackerId, IReadOnlyList<long> QuestionDeliveries);

    public static async Task<Seed> SeedAsync(DbSession s, Programme programme, LearnerRecord record)
    {
        var cohortId = await s.ExecuteScalarAsync<long>("SELECT id FROM cohorts WHERE code = 'sample-2026'");
        var groupId = await s.ExecuteScalarAsync<long>("SELECT id FROM study_groups WHERE code = 'HN-01'");
        var attacker = await s.ExecuteScalarAsync<long>(
            "INSERT INTO learners (phone, name, language, email, created_at) VALUES ('+84900000001', @Attack, NULL, NULL, 0) RETURNING id", new { Attack });
        await s.ExecuteAsync("INSERT INTO enrollments (cohort_id, learner_id, group_id, role, enrolled_at) VALUES (@cohortId, @attacker, @groupId, 'learner', 0)",
            new { cohortId, attacker, groupId });
        await programme.DeliverDayAsync(s, cohortId, groupId, 1);
        var questions = (await s.QueryAsync<(long Id, long QuestionId)>(
            "SELECT id, question_id FROM deliveries WHERE group_id = @groupId AND day = 1 AND kind = 'Question' ORDER BY id", new { groupId })).ToList();
        Assert.Equal(3, questions.Count);

        var nhung = await IdAsync(s, Nhung);
        var tuan = await IdAsync(s, Tuan);
        Assert.Equal(CheckInStatus.Recorded, (await record.CheckInAsync(s, cohortId, nhung)).Status);
        Assert.Equal(CheckInStatus.Recorded, (await record.CheckInAsync(s, cohortId, tuan)).Status);
        async Task Answer(long learner, int index, bool right)
        {
            var question = (await ContentStore.GetQuestionAsync(s, questions[index].QuestionId))!;
            var response = right ? Response.Choose([.. question.Correct])
                : Response.Choose(Enumerable.Range(0, question.OptionCount).First(i => !question.Correct.Contains(i)));
            Assert.Equal(right, (await record.RecordAnswerAsync(s, questions[index].Id, learner, response)).Correct);
        }
        await Answer(nhung, 0, true);
        await Answer(nhung, 1, false);
        await Answer(tuan, 0, true);
        return new Seed(cohortId, groupId, attacker, questions.Select(q => q.Id).ToList());
    }

    public static Task<long> IdAsync(DbSession s, string phone) =>
        s.ExecuteScalarAsync<long>("SELECT id FROM learners WHERE phone = @phone", new { phone });
}
