using System.Globalization;
using System.Text;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;

namespace Academy.Learning.Record;

/// <summary>Which items of a programme day to deliver.</summary>
[Flags]
public enum DayParts { Lesson = 1, CheckIn = 2, Quiz = 4, All = Lesson | CheckIn | Quiz }

/// <summary>What delivering a day queued.</summary>
public sealed record DayDelivery(int Day, int MessagesQueued, IReadOnlyList<long> DeliveryIds);

/// <summary>
/// A study group's programme day: the lesson, the check-in prompt and the quiz, queued in the
/// outbox for every chat the group has. Delivering the same day again queues nothing new: every
/// delivery and message is keyed by cohort/day/kind/group (and slot, and channel).
/// </summary>
public sealed class Programme(LearnerRecord record, Outbox outbox, Catalog catalog)
{
    /// <summary>Button data prefixes the chat handlers answer.</summary>
    public const string CheckInButton = "ci", LessonReadButton = "lr", QuizButton = "q";

    public async Task<DayDelivery> DeliverDayAsync(DbSession s, long cohortId, long groupId, int day, DayParts parts = DayParts.All)
    {
        ArgumentNullException.ThrowIfNull(s);
        var cohort = await CohortStore.GetAsync(s, cohortId) ?? throw new ArgumentException($"No cohort {cohortId}.", nameof(cohortId));
        if (day < 1 || day > cohort.LessonCount) throw new ArgumentOutOfRangeException(nameof(day), $"The programme has days 1–{cohort.LessonCount}.");
        var chats = await LearnerDirectory.ChatsOfGroupAsync(s, groupId);
        var text = catalog.For(await LearnerDirectory.GroupLanguageAsync(s, groupId));
        var lesson = await ContentStore.GetLessonAsync(s, cohort.CourseId, day)
                     ?? throw new InvalidOperationException($"Course has no lesson for day {day}.");
        var queued = 0;
        var deliveries = new List<long>();
        var prefix = $"c{cohortId}/d{day}";

        if (parts.HasFlag(DayParts.Lesson))
        {
            var id = await record.RecordDeliveryAsync(s, new Delivery($"{prefix}/lesson/g{groupId}", cohortId, groupId, null, day, DeliveryKind.Lesson, LessonId: lesson.Id));
            deliveries.Add(id);
            foreach (var chat in chats)
                queued += await Queue(s, $"{prefix}/lesson/g{groupId}@{chat.Channel}", new OutgoingMessage
                {
                    To = chat,
                    Text = LessonText(lesson.Lesson, text),
                    Format = TextFormat.Markdown,
                    Buttons = [[new Button(text["lesson.mark_read"], $"{LessonReadButton}:{id}")]],
                });
        }

        if (parts.HasFlag(DayParts.CheckIn))
        {
            var id = await record.RecordDeliveryAsync(s, new Delivery($"{prefix}/checkin/g{groupId}", cohortId, groupId, null, day, DeliveryKind.CheckIn));
            deliveries.Add(id);
            var close = LocalTimes.Format(cohort.Cohort.Schedule.CheckInClose);
            foreach (var chat in chats)
                queued += await Queue(s, $"{prefix}/checkin/g{groupId}@{chat.Channel}", new OutgoingMessage
                {
                    To = chat,
                    Text = text.Get("checkin.prompt", ("day", day), ("close", close)),
                    Buttons = [[new Button(text["checkin.button"], $"{CheckInButton}:{cohortId}")]],
                });
        }

        if (parts.HasFlag(DayParts.Quiz))
        {
            for (int slot = 1; slot <= cohort.Cohort.QuizQuestions; slot++)
            {
                var key = $"{prefix}/quiz/g{groupId}/{slot}";
                var existing = await s.QuerySingleOrDefaultAsync<long?>("SELECT id FROM deliveries WHERE idem_key = @key", new { key });
                long deliveryId;
                if (existing is { } found) deliveryId = found;
                else
                {
                    var questionId = await DrawQuestionAsync(s, cohortId, cohort.CourseId, groupId, lesson.Lesson.Topics, day * 100 + slot);
                    if (questionId is null) break; // the bank has no question for these topics
                    deliveryId = await record.RecordDeliveryAsync(s, new Delivery(key, cohortId, groupId, null, day, DeliveryKind.Question, QuestionId: questionId));
                }
                deliveries.Add(deliveryId);
                var questionRow = await s.ExecuteScalarAsync<long>("SELECT question_id FROM deliveries WHERE id = @deliveryId", new { deliveryId });
                var question = (await ContentStore.GetQuestionAsync(s, questionRow))!;
                foreach (var chat in chats)
                    queued += await Queue(s, $"{key}@{chat.Channel}", new OutgoingMessage { To = chat, Quiz = QuizOf(question, deliveryId, text) });
            }
        }
        return new DayDelivery(day, queued, deliveries);
    }

    /// <summary>The quiz content of a question, in the localizer's language.</summary>
    public static QuizContent QuizOf(Question question, long deliveryId, Localizer text)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(text);
        var options = question.Type == QuestionType.TrueFalse
            ? [text["quiz.true"], text["quiz.false"]]
            : question.Options.Select(o => o.In(text.Language)).ToList();
        return new QuizContent(question.Text.In(text.Language), options, question.Correct,
            question.Type == QuestionType.Multiple, question.Explanation?.In(text.Language), deliveryId, text["quiz.submit"]);
    }

    private async Task<int> Queue(DbSession s, string key, OutgoingMessage message) =>
        await outbox.EnqueueAsync(s, key, message) ? 1 : 0;

    private static string LessonText(Lesson lesson, Localizer text)
    {
        var sb = new StringBuilder();
        sb.Append("**").Append(text.Get("lesson.heading", ("day", lesson.Day), ("title", lesson.Title.In(text.Language)))).Append("**\n\n");
        sb.Append(lesson.Body.In(text.Language).Trim()).Append('\n');
        foreach (var media in lesson.Media)
            sb.Append("\n- [").Append(media.Caption?.In(text.Language) ?? media.Url).Append("](").Append(media.Url).Append(')');
        if (lesson.Discussion is not null)
            sb.Append("\n\n**").Append(text["lesson.discussion"]).Append("** ").Append(lesson.Discussion.In(text.Language));
        return sb.ToString();
    }

    // Never the same question twice to a group within a cohort, unless the topics' bank is exhausted;
    // the seed makes the draw repeatable for a given group and slot. Fill-in-the-blank questions stay
    // out of group quizzes: they need a typed answer, which a bot in privacy mode never sees in a
    // group (they belong to exams in private chat).
    private static async Task<long?> DrawQuestionAsync(DbSession s, long cohortId, long courseId, long groupId, IReadOnlyList<string> topics, int seed)
    {
        var candidates = (await s.QueryAsync<long>(
            "SELECT id FROM questions WHERE course_id = @courseId AND retired = 0 AND type <> 'Fill' AND topic IN @topics ORDER BY id",
            new { courseId, topics })).ToList();
        if (candidates.Count == 0) return null;
        var used = (await s.QueryAsync<long>(
            "SELECT question_id FROM deliveries WHERE cohort_id = @cohortId AND group_id = @groupId AND question_id IS NOT NULL",
            new { cohortId, groupId })).ToHashSet();
        var fresh = candidates.Where(c => !used.Contains(c)).ToList();
        var pool = fresh.Count > 0 ? fresh : candidates;
        // Not HashCode.Combine: it is seeded per process, and the draw must be the same after a restart.
        var random = new Random((int)((cohortId * 1_000_003 + groupId * 7_919 + seed) % int.MaxValue));
        return pool[random.Next(pool.Count)];
    }
}
