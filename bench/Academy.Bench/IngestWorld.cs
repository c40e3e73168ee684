using System.Globalization;
using System.Text;
using Academy.Learning.Daily;
using Academy.Learning.Storage;
using Microsoft.Extensions.DependencyInjection;
using Academy.Learning.Content;

namespace Academy.Bench;

/// <summary>One learner's quiz answer as Telegram posts it: a button press on a question in their group.</summary>
public sealed record QuizPress(long UserId, long ChatId, long DeliveryId, long LearnerId);

/// <summary>
/// The store the inbound scenarios run on: the national cohort (groups × learners, from the fan-out
/// seeding), every learner linked to a Telegram account, every group bound to a chat, and day 1's
/// quiz delivered. <see cref="Presses"/> are the answers of the learners who answer today.
/// </summary>
public sealed class IngestWorld
{
    public const long UserIdBase = 7_000_000_000;

    public required long CohortId { get; init; }
    public required int People { get; init; }
    public required IReadOnlyList<QuizPress> Presses { get; init; }

    /// <summary>Learners who do not answer today: their presses warm the host up before measuring.</summary>
    public required IReadOnlyList<QuizPress> Spare { get; init; }

    public static async Task<IngestWorld> SeedAsync(BenchStore store, int groups, int learnersPerGroup, int answering)
    {
        var clock = new BenchClock(DateTimeOffset.Parse("2026-11-30T00:00:00Z", CultureInfo.InvariantCulture));
        await using var services = FanOutScenario.Services(store, clock);
        await services.GetRequiredService<Migrator>().MigrateAsync();
        var db = services.GetRequiredService<AcademyDatabase>();
        var cohortId = await FanOutScenario.SeedAsync(services, db, groups, learnersPerGroup);

        await using (var w = await db.BeginAsync())
        {
            // Every learner has started the bot on Telegram: one account each (what /start links, in bulk).
            await w.ExecuteAsync(
                "INSERT INTO channel_identities (channel, external_id, learner_id, linked_at) " +
                "SELECT 'telegram', CAST(id + @UserIdBase AS TEXT), id, 0 FROM learners",
                new { UserIdBase });
            await w.CommitAsync();
        }
        if (db.Provider == StoreProvider.Postgres)
        {
            // As autovacuum would a minute after a bulk load: without statistics the planner joins 137,200
            // enrollments by scanning, and the seeding's own queries outlast their timeout.
            await using var c = await db.OpenAsync();
            await Dapper.SqlMapper.ExecuteAsync(c, "ANALYZE", commandType: System.Data.CommandType.Text);
        }
        StoredCohort cohort;
        await using (var s = await db.BeginReadAsync()) cohort = (await CohortStore.GetAsync(s, cohortId))!;
        var quiz = ProgrammePlan.Find(cohort, ProgrammeItem.Quiz, 1)!;
        clock.Now = quiz.At;
        var run = await services.GetRequiredService<DailyProgramme>().RunAsync(cohortId, ProgrammeItem.Quiz, 1);
        if (run.Outcome != RunOutcome.Done) throw new InvalidOperationException($"quiz: {run.Outcome}");

        List<QuizPress> presses;
        await using (var w = await db.BeginAsync())
        {
            // The quiz's own sends are not what is measured: the host starts with an empty outbox.
            await w.ExecuteAsync("UPDATE outbox SET status = 'done'");
            // Each answering learner presses an option of their group's first one-answer question of the day.
            presses = (await w.QueryAsync<QuizPress>(
                """
                SELECT e.learner_id + @UserIdBase AS UserId, CAST(c.chat_id AS BIGINT) AS ChatId, MIN(d.id) AS DeliveryId, e.learner_id AS LearnerId
                FROM enrollments e
                JOIN deliveries d ON d.group_id = e.group_id AND d.kind = 'Question' AND d.day = 1
                JOIN questions q ON q.id = d.question_id AND q.type <> 'Multiple'
                JOIN group_chats c ON c.group_id = e.group_id
                WHERE e.cohort_id = @cohortId AND LOWER(e.role) = 'learner'
                GROUP BY e.learner_id, c.chat_id
                ORDER BY e.learner_id
                """, new { UserIdBase, cohortId })).ToList();
            await w.CommitAsync();
        }
        var people = groups * learnersPerGroup;
        // Spread the answering learners over every group, as a day's participation is.
        var step = Math.Max(1.0, presses.Count / (double)Math.Min(answering, presses.Count));
        var chosen = Enumerable.Range(0, Math.Min(answering, presses.Count)).Select(i => presses[(int)(i * step)]).ToList();
        var taken = chosen.Select(p => p.LearnerId).ToHashSet();
        return new IngestWorld { CohortId = cohortId, People = people, Presses = chosen, Spare = presses.Where(p => !taken.Contains(p.LearnerId)).ToList() };
    }

    /// <summary>The update Telegram posts when a learner presses a quiz option in their group.</summary>
    public static string Update(long updateId, QuizPress p) =>
        string.Create(CultureInfo.InvariantCulture,
            $$$"""{"update_id":{{{updateId}}},"callback_query":{"id":"{{{updateId}}}","from":{"id":{{{p.UserId}}},"is_bot":false,"first_name":"学员","language_code":"zh-hans"},"message":{"message_id":{{{p.DeliveryId}}},"date":1796090400,"chat":{"id":{{{p.ChatId}}},"title":"County group","type":"supergroup"}},"chat_instance":"-{{{p.ChatId}}}","data":"q:{{{p.DeliveryId}}}:{{{p.UserId % 2}}}"}}""");

    public static byte[] UpdateBytes(long updateId, QuizPress p) => Encoding.UTF8.GetBytes(Update(updateId, p));
}
