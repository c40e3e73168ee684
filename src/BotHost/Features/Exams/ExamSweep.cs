using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Exams;

/// <summary>Configuration section <c>Exams</c>.</summary>
public sealed class ExamOptions
{
    public const string Section = "Exams";

    /// <summary>How often attempts out of time are finished and newly opened exams announced.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Finishes attempts whose time ran out with nobody answering (and tells the learner their score),
/// and when an exam's window opens for a cohort, sends each enrolled learner a Start button, once
/// (exam_invitations marks the cohort done; the outbox key marks each learner). An exam open from
/// enrolment is offered at registration; the sweep offers it once to the learners who registered
/// before it existed (a pack imported later), so they too get a button without knowing of /exam.
/// A recurring task: the scheduler runs it (on one host of a cluster), and a failed round is retried by the next.
/// </summary>
public sealed class ExamSweep(AcademyDatabase database, Academy.Learning.Exams.ExamService exams, ExamFlow flow, Learning.Messaging.Outbox outbox, Catalog catalog,
    ExamOptions options, TimeProvider time, ILogger<ExamSweep> logger) : Scheduler.IRecurringTask
{
    public string Name => "exam-sweep";

    public TimeSpan Interval => options.SweepInterval;

    // Only a host with the scheduler on runs the sweep, so its invitations are the programme's pushes as before.
    public Task RunAsync(CancellationToken ct) => RunOnceAsync(invite: true, ct);

    /// <summary>One round: expired attempts, then (when <paramref name="invite"/>) newly opened windows.</summary>
    public async Task RunOnceAsync(bool invite, CancellationToken ct = default)
    {
        // In batches, each its own transaction: a burst of expiries (a whole cohort's timed exam) never holds the writer long.
        const int batch = 200;
        int finished;
        do
        {
            await using var s = await database.BeginAsync(ct);
            var due = await exams.ExpireDueAsync(s, batch);
            foreach (var (attempt, exam) in due)
            {
                if (attempt.Chat is null) continue;
                await flow.TimedOutAsync(s, exams, attempt.Chat, attempt, exam, catalog.For(attempt.Language));
            }
            await s.CommitAsync(ct);
            finished = due.Count;
        } while (finished == batch && !ct.IsCancellationRequested);
        if (invite) await InviteOpenedAsync(ct);
        outbox.Notify();
    }

    private async Task InviteOpenedAsync(CancellationToken ct)
    {
        await using var s = await database.BeginAsync(ct);
        var now = time.GetUtcNow();
        var cohortIds = await s.QueryAsync<long>(
            "SELECT c.id FROM cohorts c WHERE EXISTS (SELECT 1 FROM exams e WHERE e.course_id = c.course_id AND e.retired = 0)");
        foreach (var cohortId in cohortIds)
        {
            if (await CohortStore.GetAsync(s, cohortId) is not { } cohort) continue;
            foreach (var exam in await Academy.Learning.Exams.ExamService.ExamsOfCourseAsync(s, cohort.CourseId))
            {
                if (!exam.Definition.Window.IsOpen(cohort.Calendar, now)) continue;
                var marked = await s.ExecuteAsync(
                    "INSERT INTO exam_invitations (exam_id, cohort_id, sent_at) VALUES (@examId, @cohortId, @now) ON CONFLICT (exam_id, cohort_id) DO NOTHING",
                    new { examId = exam.Id, cohortId, now = now.ToUnixTimeMilliseconds() });
                if (marked == 0) continue;
                var recipients = await s.QueryAsync<(long LearnerId, string Channel, string ExternalId, string Language)>(
                    """
                    SELECT e.learner_id, ci.channel, ci.external_id, COALESCE(l.language, g.language, c.language)
                    FROM enrollments e JOIN learners l ON l.id = e.learner_id JOIN cohorts c ON c.id = e.cohort_id
                    LEFT JOIN study_groups g ON g.id = e.group_id
                    JOIN channel_identities ci ON ci.learner_id = e.learner_id AND ci.unreachable_at IS NULL
                    WHERE e.cohort_id = @cohortId AND e.role = 'learner'
                      AND NOT EXISTS (SELECT 1 FROM exam_attempts a WHERE a.exam_id = @examId AND a.cohort_id = e.cohort_id AND a.learner_id = e.learner_id)
                      AND NOT EXISTS (SELECT 1 FROM channel_identities k JOIN outbox o ON o.idem_key = @invited || e.learner_id || '@' || k.channel
                                      WHERE k.learner_id = e.learner_id)
                    """, new { cohortId, examId = exam.Id, invited = ExamFlow.InvitationKeyPrefix(exam.Id, cohortId) });
                var messages = recipients.Select(r => (ExamFlow.InvitationKey(exam.Id, cohortId, r.LearnerId, r.Channel),
                    ExamMessages.Invitation(new ChatAddress(r.Channel, r.ExternalId), exam, catalog.For(r.Language)))).ToList();
                var queued = await outbox.EnqueueManyAsync(s, messages);
                logger.LogInformation("Exam {Exam} opened for cohort {Cohort}: {Count} invitations queued", exam.Definition.Code, cohortId, queued);
            }
        }
        await s.CommitAsync(ct);
    }
}
