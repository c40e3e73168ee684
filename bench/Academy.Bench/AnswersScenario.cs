using System.Diagnostics;
using System.Globalization;
using System.Text;
using Academy.BotHost.Channels.Telegram;
using Academy.Learning.Statistics;
using Academy.Learning.Storage;
using Academy.BotHost.Chat;
using Academy.Learning.Announcements;
using Academy.Learning.Content;
using Academy.Learning.Exams;

namespace Academy.Bench;

/// <summary>
/// <c>answers</c>: a day's quiz answers — 86,000 of the 135,000 enrolled — as Telegram updates in the
/// inbox, taken through the real turn pipeline of the real host (its own process: InboxProcessor →
/// TurnPipeline → QuizButtonHandler → LearnerRecord, each recorded with its points and its reply
/// queued and sent to a loopback sink), then the day's statistics of every group computed. Baseline: the same answer rows written as bare multi-row inserts in one
/// transaction, with no lookups, grading or replies.
/// </summary>
public static class AnswersScenario
{
    public static async Task RunAsync(BenchStore store, BenchOptions options, BenchReport report)
    {
        int groups = options.Quick ? 40 : 2_800, perGroup = options.Quick ? 6 : 49, answering = options.Quick ? 150 : 86_000;
        var world = await IngestWorld.SeedAsync(store, groups, perGroup, answering);
        Console.WriteLine($"answers/{store.Name}: {world.People} people enrolled, {world.Presses.Count} answering");
        var (sink, sinkAddress) = await TelegramSink.StartAsync();
        await using var _ = sink;
        await using var db = new AcademyDatabase(store.Options);
        var inbox = new InboxStore(db, TimeProvider.System);
        double inboxSeconds, turnsSeconds, seconds;
        int recorded, enrolled;
        var watch = Stopwatch.StartNew();
        await using (var host = await HostProcess.StartAsync(store, sinkAddress))
        {
            watch.Restart();
            // The day's answers land in the inbox as long polling stores them (batches of 100)...
            long updateId = 1;
            foreach (var batch in world.Presses.SkipLast(1).Chunk(100))
                await inbox.RecordManyAsync(TelegramMapper.Channel, batch.Select(p => (updateId.ToString(CultureInfo.InvariantCulture), IngestWorld.Update(updateId++, p))));
            // ...and the last through the webhook, which wakes the host's processor.
            await WebhookLoad.RunAsync(host.Webhook, [IngestWorld.UpdateBytes(updateId, world.Presses[^1])], 1, HostProcess.Secret);
            inboxSeconds = watch.Elapsed.TotalSeconds;
            await IngestScenario.UntilAnswersAsync(db, world.CohortId, world.Presses.Count, TimeSpan.FromMinutes(10), host);
            turnsSeconds = watch.Elapsed.TotalSeconds - inboxSeconds;
            await using var s = await db.BeginReadAsync();
            var days = await ProgrammeStatistics.GroupDaysAsync(s, world.CohortId, 1);
            recorded = days.Sum(d => d.Answers);
            enrolled = days.Sum(d => d.Enrolled);
            seconds = watch.Elapsed.TotalSeconds;
        }
        if (recorded != world.Presses.Count) throw new InvalidOperationException($"{recorded} answers in the statistics, {world.Presses.Count} given");
        Console.WriteLine($"answers/{store.Name}: inbox {inboxSeconds:0.00} s, turns {turnsSeconds:0.00} s ({turnsSeconds * 1e6 / recorded:0} µs each), statistics {seconds - inboxSeconds - turnsSeconds:0.00} s; {recorded} answers of {enrolled} enrolled");

        var baseline = await BaselineAsync(db, world);
        report.Add(new Figure("answers", store.Name, $"{recorded:N0} answers of {enrolled:N0} enrolled + day stats", seconds, "s",
            "bare answer inserts", baseline, baseline / seconds, "≤ 10 s", options.Quick ? null : seconds <= 10));
    }

    private static async Task<double> BaselineAsync(AcademyDatabase db, IngestWorld world)
    {
        await using (var s = await db.BeginAsync())
        {
            await s.ExecuteAsync(
                """
                CREATE TABLE bench_answers (delivery_id BIGINT NOT NULL, learner_id BIGINT NOT NULL, cohort_id BIGINT NOT NULL, question_id BIGINT NOT NULL,
                    response TEXT NOT NULL, correct BIGINT NOT NULL, answered_at BIGINT NOT NULL, UNIQUE (delivery_id, learner_id))
                """);
            await s.CommitAsync();
        }
        var watch = Stopwatch.StartNew();
        await using (var s = await db.BeginAsync())
        {
            foreach (var chunk in world.Presses.Chunk(500))
            {
                var sql = new StringBuilder("INSERT INTO bench_answers VALUES ");
                var args = new Dapper.DynamicParameters();
                args.Add("cohort", world.CohortId);
                for (int i = 0; i < chunk.Length; i++)
                {
                    sql.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"(@d{i}, @l{i}, @cohort, 1, '0', 1, 0)");
                    args.Add($"d{i}", chunk[i].DeliveryId);
                    args.Add($"l{i}", chunk[i].LearnerId);
                }
                await s.ExecuteAsync(sql.ToString(), args);
            }
            await s.CommitAsync();
        }
        return watch.Elapsed.TotalSeconds;
    }
}
