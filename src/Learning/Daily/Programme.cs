using System.Globalization;
using System.Text;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Learning.Daily;

/// <summary>Which items of a programme day to deliver.</summary>
[Flags]
public enum DayParts { Lesson = 1, CheckIn = 2, Quiz = 4, All = Lesson | CheckIn | Quiz }

/// <summary>What delivering a day queued.</summary>
public sealed record DayDelivery(int Day, int MessagesQueued, IReadOnlyList<long> DeliveryIds);

/// <summary>What delivering a day to a cohort's groups queued: how many groups had a chat to reach, how many messages were new.</summary>
public sealed record CohortDelivery(int Day, int GroupsReached, int MessagesQueued);

/// <summary>
/// A study group's programme day: the lesson, the check-in prompt and the quiz, queued in the
/// outbox for every chat the group has. Delivering the same day again queues nothing new: every
/// delivery and message is keyed by cohort/day/kind/group (and slot, and channel), so the admin's
/// <c>/push</c> of one group and the scheduled delivery to every group never duplicate each other.
/// </summary>
/// <remarks>
/// One code path serves one group and 2,800: the cohort's groups, chats, languages and used
/// questions are read with a handful of set queries, texts are composed once per language, and
/// rows are written in multi-row statements.
/// </remarks>
public sealed class Programme(Outbox outbox, Catalog catalog, TimeProvider time)
{
    /// <summary>Button data prefixes the chat handlers answer.</summary>
    public const string CheckInButton = "ci", LessonReadButton = "lr", QuizButton = "q";

    /// <summary>Delivers a day to one group (whatever chats it has), as <c>/push</c> does.</summary>
    public async Task<DayDelivery> DeliverDayAsync(DbSession s, long cohortId, long groupId, int day, DayParts parts = DayParts.All)
    {
        ArgumentNullException.ThrowIfNull(s);
        var cohort = await CohortStore.GetAsync(s, cohortId) ?? throw new ArgumentException($"No cohort {cohortId}.", nameof(cohortId));
        var (_, queued, deliveries) = await DeliverAsync(s, cohort, day, parts, groupId);
        return new DayDelivery(day, queued, deliveries);
    }

    /// <summary>Delivers a day to every group of the cohort that has an active chat.</summary>
    public async Task<CohortDelivery> DeliverToCohortAsync(DbSession s, StoredCohort cohort, int day, DayParts parts)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(cohort);
        var (reached, queued, _) = await DeliverAsync(s, cohort, day, parts, null);
        return new CohortDelivery(day, reached, queued);
    }

    private async Task<(int Reached, int Queued, List<long> Deliveries)> DeliverAsync(DbSession s, StoredCohort cohort, int day, DayParts parts, long? onlyGroup)
    {
        if (day < 1 || day > cohort.LessonCount) throw new ArgumentOutOfRangeException(nameof(day), $"The programme has days 1–{cohort.LessonCount}.");
        var cohortId = cohort.Id;
        var lesson = await ContentStore.GetLessonAsync(s, cohort.CourseId, day)
                     ?? throw new InvalidOperationException($"Course has no lesson for day {day}.");
        var groups = await AudienceStore.GroupsAsync(s, cohortId, onlyGroup);
        // The scheduled fan-out reaches the groups that have a chat; a group without one gets its day
        // (and its questions) when its chat is bound and an admin pushes it.
        if (onlyGroup is null) groups = groups.Where(g => g.Chats.Count > 0).ToList();
        var reached = groups.Count(g => g.Chats.Count > 0);
        var deliveries = new List<long>();
        var messages = new List<(string Key, OutgoingMessage Message)>();
        var texts = new Dictionary<string, Localizer>();
        Localizer TextOf(string language) =>
            texts.TryGetValue(language, out var t) ? t : texts[language] = catalog.For(language);
        var prefix = $"c{cohortId}/d{day}";
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();

        if (parts.HasFlag(DayParts.Lesson))
        {
            var ids = await DeliveryStore.RecordDayAsync(s, cohortId, day, now,
                groups.Select(g => new NewDelivery($"{prefix}/lesson/g{g.Id}", g.Id, DeliveryKind.Lesson, lesson.Id, null)).ToList());
            var bodies = new Dictionary<string, string>();
            foreach (var g in groups)
            {
                var id = ids[$"{prefix}/lesson/g{g.Id}"].Id;
                deliveries.Add(id);
                var text = TextOf(g.Language);
                if (!bodies.TryGetValue(text.Language, out var body)) bodies[text.Language] = body = LessonText(lesson.Lesson, text);
                foreach (var chat in g.Chats)
                    messages.Add(($"{prefix}/lesson/g{g.Id}@{chat.Channel}", new OutgoingMessage
                    {
                        To = chat,
                        Text = body,
                        Format = TextFormat.Markdown,
                        Buttons = [[new Button(text["lesson.mark_read"], $"{LessonReadButton}:{id}")]],
                    }));
            }
        }

        if (parts.HasFlag(DayParts.CheckIn))
        {
            var ids = await DeliveryStore.RecordDayAsync(s, cohortId, day, now,
                groups.Select(g => new NewDelivery($"{prefix}/checkin/g{g.Id}", g.Id, DeliveryKind.CheckIn, null, null)).ToList());
            var close = LocalTimes.Format(cohort.Cohort.Schedule.CheckInClose);
            foreach (var g in groups)
            {
                deliveries.Add(ids[$"{prefix}/checkin/g{g.Id}"].Id);
                var text = TextOf(g.Language);
                foreach (var chat in g.Chats)
                    messages.Add(($"{prefix}/checkin/g{g.Id}@{chat.Channel}", new OutgoingMessage
                    {
                        To = chat,
                        Text = text.Get("checkin.prompt", ("day", day), ("close", close)),
                        Buttons = [[new Button(text["checkin.button"], $"{CheckInButton}:{cohortId}")]],
                    }));
            }
        }

        if (parts.HasFlag(DayParts.Quiz) && cohort.Cohort.QuizQuestions > 0 && groups.Count > 0)
        {
            var (slots, bank) = await QuizSlotsAsync(s, cohort, day, lesson.Lesson.Topics, groups, now);
            var rows = bank.ToDictionary(q => q.Id);
            var questions = slots.Select(x => x.QuestionId).Distinct().ToDictionary(id => id, id => rows[id].Question);
            foreach (var (group, key, deliveryId, questionId) in slots)
            {
                deliveries.Add(deliveryId);
                var text = TextOf(group.Language);
                foreach (var chat in group.Chats)
                    messages.Add(($"{key}@{chat.Channel}", new OutgoingMessage { To = chat, Quiz = QuizOf(questions[questionId], deliveryId, text) }));
            }
        }

        var queued = await outbox.EnqueueManyAsync(s, messages);
        return (reached, queued, deliveries);
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

    // The quiz of the day, per group and slot: the delivery already recorded under the slot's key, or a
    // fresh draw. Same rules as one group at a time, decided in memory from two set queries.
    private async Task<(List<(GroupAudience Group, string Key, long DeliveryId, long QuestionId)> Slots, IReadOnlyList<BankQuestion> Bank)> QuizSlotsAsync(
        DbSession s, StoredCohort cohort, int day, IReadOnlyList<string> topics, List<GroupAudience> groups, long now)
    {
        var cohortId = cohort.Id;
        // The course's bank in one read (a few hundred rows), filtered here: the draw needs most of it anyway.
        var bank = await ContentStore.QuestionBankAsync(s, cohort.CourseId);
        var candidates = bank.Where(q => !q.Retired && q.Question.Type != QuestionType.Fill && topics.Contains(q.Question.Topic)).Select(q => q.Id).ToList();
        var wanted = groups.Select(g => g.Id).ToHashSet();
        var used = new Dictionary<long, HashSet<long>>();
        foreach (var (groupId, questionId) in await DeliveryStore.QuestionsAskedOfGroupsAsync(s, cohortId))
            if (wanted.Contains(groupId)) UsedOf(groupId).Add(questionId);
        var prefix = $"c{cohortId}/d{day}/quiz/g";
        var existing = (await DeliveryStore.QuestionDeliveriesOfDayAsync(s, cohortId, day))
            .Where(d => d.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(d => d.Key, d => new StoredDelivery(d.Id, d.QuestionId));

        var planned = new List<(GroupAudience Group, string Key)>();
        var fresh = new List<NewDelivery>();
        foreach (var g in groups)
        {
            var usedHere = UsedOf(g.Id);
            for (int slot = 1; slot <= cohort.Cohort.QuizQuestions; slot++)
            {
                var key = $"{prefix}{g.Id}/{slot}";
                if (!existing.ContainsKey(key))
                {
                    if (candidates.Count == 0) break; // the bank has no question for these topics
                    var questionId = Draw(candidates, usedHere, cohortId, g.Id, day * 100 + slot);
                    usedHere.Add(questionId);
                    fresh.Add(new NewDelivery(key, g.Id, DeliveryKind.Question, null, questionId));
                }
                planned.Add((g, key));
            }
        }
        foreach (var (key, stored) in await DeliveryStore.RecordDayAsync(s, cohortId, day, now, fresh)) existing[key] = stored;
        return (planned.Select(p => (p.Group, p.Key, existing[p.Key].Id, existing[p.Key].QuestionId!.Value)).ToList(), bank);

        HashSet<long> UsedOf(long groupId) => used.TryGetValue(groupId, out var set) ? set : used[groupId] = [];
    }

    // Never the same question twice to a group within a cohort, unless the topics' bank is exhausted;
    // the seed makes the draw repeatable for a given group and slot. Fill-in-the-blank questions stay
    // out of group quizzes: they need a typed answer, which a bot in privacy mode never sees in a
    // group (they belong to exams in private chat).
    private static long Draw(List<long> candidates, HashSet<long> used, long cohortId, long groupId, int seed)
    {
        var fresh = candidates.Where(c => !used.Contains(c)).ToList();
        var pool = fresh.Count > 0 ? fresh : candidates;
        // Not HashCode.Combine: it is seeded per process, and the draw must be the same after a restart.
        var random = new Random((int)((cohortId * 1_000_003 + groupId * 7_919 + seed) % int.MaxValue));
        return pool[random.Next(pool.Count)];
    }
}
