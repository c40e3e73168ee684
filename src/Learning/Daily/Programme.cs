using System.Data;
using System.Globalization;
using System.Text;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Dapper;
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

    // Rows per multi-row INSERT. Small on purpose: SQLite binds named parameters by a linear search,
    // so a statement of n parameters costs n²; 50 rows measured fastest (400 was several times slower).
    private const int Batch = 50;

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
        var groups = await GroupsAsync(s, cohortId, onlyGroup);
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
            var ids = await RecordDeliveriesAsync(s, cohortId, day, now,
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
            var ids = await RecordDeliveriesAsync(s, cohortId, day, now,
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

    private sealed record GroupTarget(long Id, string Language, List<ChatAddress> Chats);

    private sealed record NewDelivery(string Key, long GroupId, DeliveryKind Kind, long? LessonId, long? QuestionId);

    private sealed record StoredDelivery(long Id, long? QuestionId);

    private static async Task<List<GroupTarget>> GroupsAsync(DbSession s, long cohortId, long? onlyGroup)
    {
        var where = onlyGroup is null ? "g.cohort_id = @cohortId" : "g.id = @onlyGroup";
        var groups = (await s.QueryAsync<(long Id, string? Language)>(
                $"SELECT g.id, g.language FROM study_groups g WHERE {where} ORDER BY g.id", new { cohortId, onlyGroup }))
            .Select(g => new GroupTarget(g.Id, Languages.Normalize(g.Language) ?? Languages.English, []))
            .ToList();
        var byId = groups.ToDictionary(g => g.Id);
        var chats = await s.QueryAsync<(long GroupId, string Channel, string ChatId, string? ThreadId)>(
            $"""
            SELECT gc.group_id, gc.channel, gc.chat_id, gc.thread_id FROM group_chats gc JOIN study_groups g ON g.id = gc.group_id
            WHERE {where} AND gc.active = 1 ORDER BY gc.group_id, gc.channel
            """, new { cohortId, onlyGroup });
        foreach (var c in chats)
            if (byId.TryGetValue(c.GroupId, out var g)) g.Chats.Add(new ChatAddress(c.Channel, c.ChatId, c.ThreadId));
        return groups;
    }

    // The quiz of the day, per group and slot: the delivery already recorded under the slot's key, or a
    // fresh draw. Same rules as one group at a time, decided in memory from two set queries.
    private async Task<(List<(GroupTarget Group, string Key, long DeliveryId, long QuestionId)> Slots, IReadOnlyList<BankQuestion> Bank)> QuizSlotsAsync(
        DbSession s, StoredCohort cohort, int day, IReadOnlyList<string> topics, List<GroupTarget> groups, long now)
    {
        var cohortId = cohort.Id;
        // The course's bank in one read (a few hundred rows), filtered here: the draw needs most of it anyway.
        var bank = await ContentStore.QuestionBankAsync(s, cohort.CourseId);
        var candidates = bank.Where(q => !q.Retired && q.Question.Type != QuestionType.Fill && topics.Contains(q.Question.Topic)).Select(q => q.Id).ToList();
        var wanted = groups.Select(g => g.Id).ToHashSet();
        var used = new Dictionary<long, HashSet<long>>();
        foreach (var (groupId, questionId) in await s.QueryAsync<(long, long)>(
                     "SELECT group_id, question_id FROM deliveries WHERE cohort_id = @cohortId AND group_id IS NOT NULL AND question_id IS NOT NULL",
                     new { cohortId }))
            if (wanted.Contains(groupId)) UsedOf(groupId).Add(questionId);
        var prefix = $"c{cohortId}/d{day}/quiz/g";
        var existing = (await s.QueryAsync<(string Key, long Id, long QuestionId)>(
                "SELECT idem_key, id, question_id FROM deliveries WHERE cohort_id = @cohortId AND day = @day AND kind = @kind AND question_id IS NOT NULL",
                new { cohortId, day, kind = nameof(DeliveryKind.Question) }))
            .Where(d => d.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(d => d.Key, d => new StoredDelivery(d.Id, d.QuestionId));

        var planned = new List<(GroupTarget Group, string Key)>();
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
        foreach (var (key, stored) in await RecordDeliveriesAsync(s, cohortId, day, now, fresh)) existing[key] = stored;
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

    // Records deliveries in multi-row statements; a key recorded before keeps its row (and its question).
    private static async Task<Dictionary<string, StoredDelivery>> RecordDeliveriesAsync(DbSession s, long cohortId, int day, long now, IReadOnlyList<NewDelivery> rows)
    {
        var result = new Dictionary<string, StoredDelivery>(rows.Count, StringComparer.Ordinal);
        foreach (var chunk in rows.DistinctBy(r => r.Key).Chunk(Batch))
        {
            var sql = new StringBuilder(
                "INSERT INTO deliveries (idem_key, cohort_id, group_id, learner_id, day, kind, lesson_id, question_id, delivered_at) VALUES ");
            var p = new DynamicParameters();
            p.Add("c", cohortId, DbType.Int64);
            p.Add("d", (long)day, DbType.Int64);
            p.Add("now", now, DbType.Int64);
            for (int i = 0; i < chunk.Length; i++)
            {
                var r = chunk[i];
                if (i > 0) sql.Append(',');
                sql.Append(CultureInfo.InvariantCulture, $"(@k{i}, @c, @g{i}, NULL, @d, @t{i}, @l{i}, @q{i}, @now)");
                p.Add($"k{i}", r.Key, DbType.String);
                p.Add($"g{i}", r.GroupId, DbType.Int64);
                p.Add($"t{i}", r.Kind.ToString(), DbType.String);
                p.Add($"l{i}", r.LessonId, DbType.Int64);
                p.Add($"q{i}", r.QuestionId, DbType.Int64);
            }
            // DO UPDATE (a no-op) rather than DO NOTHING so RETURNING yields the row on both paths.
            sql.Append(" ON CONFLICT (idem_key) DO UPDATE SET idem_key = excluded.idem_key RETURNING id, idem_key, question_id");
            foreach (var (id, key, questionId) in await s.QueryAsync<(long, string, long?)>(sql.ToString(), p))
                result[key] = new StoredDelivery(id, questionId);
        }
        return result;
    }
}
