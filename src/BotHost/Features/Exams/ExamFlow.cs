using System.Globalization;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
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
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Exams;

/// <summary>
/// The messages an exam sends, shared by the handlers and the sweep. Keys name the attempt and the
/// question or result, so the same result finished by a late answer and by the sweep goes out once.
/// </summary>
public sealed class ExamFlow(Outbox outbox, Catalog catalog, TimeProvider time)
{
    /// <summary>Asks the attempt's current question; <paramref name="key"/> defaults to the question's own key.</summary>
    public async Task AskAsync(DbSession s, ChatAddress to, ExamAttempt attempt, StoredExam exam, Localizer text, string? key = null)
    {
        var q = await Academy.Learning.Exams.ExamService.QuestionAsync(s, attempt, attempt.Position);
        key ??= ExamMessages.QuestionKey(attempt, attempt.Position);
        await outbox.EnqueueAsync(s, key, ExamMessages.Question(to, attempt, exam, q, time.GetUtcNow(), text));
        await Academy.Learning.Exams.ExamService.MarkAskedAsync(s, attempt.Id, key);
    }

    /// <summary>Shows the ticks of the current question by editing the message that asked it.</summary>
    public async Task ShowTicksAsync(DbSession s, ChatAddress to, ExamAttempt attempt, StoredExam exam, Localizer text, string key)
    {
        var q = await Academy.Learning.Exams.ExamService.QuestionAsync(s, attempt, attempt.Position);
        await outbox.EnqueueAsync(s, key,
            ExamMessages.Question(to, attempt, exam, q, time.GetUtcNow(), text) with { Edits = attempt.AskedKey ?? ExamMessages.QuestionKey(attempt, attempt.Position) });
    }

    /// <summary>
    /// The buttons of the question at <paramref name="position"/> are spent (it was answered, or the
    /// attempt ended): they come off the message that asked it, showing the answer given when there is one.
    /// Typed answers leave nothing to take off.
    /// </summary>
    public async Task SpendQuestionAsync(DbSession s, ChatAddress to, ExamAttempt attempt, int position, Response? answer, Localizer text)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(text);
        if (position < 0 || position >= attempt.Questions.Count) return;
        var asked = attempt.AskedKey ?? ExamMessages.QuestionKey(attempt, position);
        var q = await Academy.Learning.Exams.ExamService.QuestionAsync(s, attempt, position);
        if (q.Type == QuestionType.Fill) return;
        var choice = answer is { Options.Count: > 0 } ? ExamMessages.Chosen(q, answer, text) : null;
        await outbox.EnqueueAsync(s, asked + "/spent", Chat.SpentButtons.Message(to, choice, text) with { Edits = asked });
    }

    /// <summary>The score, verdict and review of a finished attempt, after an optional notice (time is up).</summary>
    public async Task ResultAsync(DbSession s, Academy.Learning.Exams.ExamService exams, ChatAddress to, ExamAttempt attempt, StoredExam exam, Localizer text,
        string? notice = null)
    {
        var review = await exams.ReviewAsync(s, attempt, exam);
        var parts = ExamMessages.Result(review, text).ToList();
        if (notice is not null) parts[0] = notice + "\n\n" + parts[0];
        for (int i = 0; i < parts.Count; i++)
            await outbox.EnqueueAsync(s, string.Create(CultureInfo.InvariantCulture, $"exam/a{attempt.Id}/result/{i}"),
                new OutgoingMessage { To = to, Text = parts[i] });
    }

    /// <summary>
    /// The result of an attempt whose time ran out with nobody answering, headed by the time-is-up
    /// notice. The sweep and a late Start press both send it, under the result's keys, so whichever
    /// finds the attempt first tells the learner and the other adds nothing.
    /// </summary>
    public async Task TimedOutAsync(DbSession s, Academy.Learning.Exams.ExamService exams, ChatAddress to, ExamAttempt attempt, StoredExam exam, Localizer text)
    {
        await ResultAsync(s, exams, to, attempt, exam, text, text.Get("exam.timed_out", ("title", ExamMessages.Title(exam, text))));
        // The question left waiting can no longer be answered.
        await SpendQuestionAsync(s, to, attempt, attempt.Position, null, text);
    }

    /// <summary>Invites a learner to each exam open to them that they have not tried, once per exam, cohort, learner and channel.</summary>
    public async Task InviteAsync(DbSession s, Academy.Learning.Exams.ExamService exams, long cohortId, long learnerId, ChatAddress to, string language)
    {
        var text = catalog.For(language);
        foreach (var open in await exams.OpenAsync(s, cohortId, learnerId))
            if (open.AttemptsUsed == 0 && open.InProgress is null)
                await outbox.EnqueueAsync(s, InvitationKey(open.Exam.Id, cohortId, learnerId, to.Channel), ExamMessages.Invitation(to, open.Exam, text));
    }

    /// <summary>
    /// The key of a learner's invitation to an exam on one channel: registration and the sweep share it,
    /// so whichever comes second sends nothing, ever (outbox rows are kept).
    /// </summary>
    public static string InvitationKey(long examId, long cohortId, long learnerId, string channel) =>
        string.Create(CultureInfo.InvariantCulture, $"{InvitationKeyPrefix(examId, cohortId)}{learnerId}@{channel}");

    /// <summary>An invitation key up to the learner id (for SQL that tells who was invited already).</summary>
    public static string InvitationKeyPrefix(long examId, long cohortId) =>
        string.Create(CultureInfo.InvariantCulture, $"exam/e{examId}/c{cohortId}/invite/l");
}
