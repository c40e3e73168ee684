using Academy.Learning.Storage;
using Academy.Learning.Content;

namespace Academy.Tests.Assessment;

/// <summary>Writes exams and finished attempts straight into the tables the exams work fills from chat.</summary>
public static class ExamSeed
{
    /// <summary>An exam of the cohort's course; the sample pack's own exams are retired, so the test's stand alone.</summary>
    public static async Task<long> ExamAsync(DbSession s, long cohortId, string code, string kind, double passMark = 60, string counts = "best")
    {
        await s.ExecuteAsync("UPDATE exams SET retired = 1 WHERE code IN ('pre-test', 'post-test')");
        return await s.ExecuteScalarAsync<long>(
            """
            INSERT INTO exams (course_id, code, kind, pass_mark, attempts_allowed, counts, definition)
            SELECT course_id, @code, @kind, @passMark, 3, @counts, '{}' FROM cohorts WHERE id = @cohortId RETURNING id
            """, new { cohortId, code, kind, passMark, counts });
    }

    /// <summary>A finished attempt; <paramref name="answers"/> are (question code, 0–1 score). Returns its id.</summary>
    public static async Task<long> AttemptAsync(DbSession s, long examId, long cohortId, long learnerId, int number, double score,
        params (string Question, double Score)[] answers)
    {
        var passMark = await s.ExecuteScalarAsync<double>("SELECT pass_mark FROM exams WHERE id = @examId", new { examId });
        var attemptId = await s.ExecuteScalarAsync<long>(
            """
            INSERT INTO exam_attempts (exam_id, cohort_id, learner_id, number, seed, questions, started_at, deadline, position, finished_at, score, passed)
            VALUES (@examId, @cohortId, @learnerId, @number, 7, '', 1000, 2000, 0, 1500, @score, @passed) RETURNING id
            """, new { examId, cohortId, learnerId, number = (long)number, score, passed = score >= passMark ? 1L : 0L });
        for (int i = 0; i < answers.Length; i++)
            await s.ExecuteAsync(
                """
                INSERT INTO exam_answers (attempt_id, position, question_id, response, score, answered_at)
                SELECT @attemptId, @position, q.id, '0', @score, 1400 FROM questions q JOIN exams e ON e.course_id = q.course_id
                WHERE e.id = @examId AND q.code = @code
                """, new { attemptId, position = (long)i, score = answers[i].Score, examId, code = answers[i].Question });
        return attemptId;
    }
}
