using Academy.BotHost.Channels;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Tests.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Academy.BotHost.Chat;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.Tests.Chat;

/// <summary>
/// The inbox under load, on both engines: concurrent acknowledgements share commits and every
/// acknowledged update is stored once; a batch of turns commits together, a failing turn is
/// undone alone, and one chat's updates are handled in the order they arrived.
/// </summary>
public abstract class InboxBatchingSuite : StoreTestBase
{
    protected const string Channel = "test";

    protected InboxStore Inbox => new(Db, Time);

    protected InboxProcessor Processor()
    {
        var directory = new LearnerDirectory(Time);
        var pipeline = new TurnPipeline([new SayHandler(), new TallyHandler()], directory, new Outbox(Time), Catalog.Default,
            new Refusals(directory, Catalog.Default, Time));
        // No time bound on a batch here: which updates share a batch must not depend on the machine's speed.
        return new InboxProcessor(new InboxStore(Db, Time), Db, pipeline, [new TestMapper()], new Outbox(Time), Time,
            NullLogger<InboxProcessor>.Instance) { MaxBatchTime = TimeSpan.MaxValue };
    }

    [Fact]
    public async Task Every_acknowledged_update_is_stored_once_when_many_arrive_at_once()
    {
        var inbox = Inbox;
        // 400 concurrent requests: 300 distinct updates, 100 of them delivered twice.
        var calls = Enumerable.Range(0, 400).Select(i => i % 300).Select(i => (Id: i.ToString(), Task: inbox.RecordAsync(Channel, i.ToString(), $"chat-{i % 7}|say {i}"))).ToList();
        await Task.WhenAll(calls.Select(c => c.Task));

        Assert.Equal(300, calls.Count(c => c.Task.Result));
        Assert.All(calls.GroupBy(c => c.Id), g => Assert.Single(g, c => c.Task.Result));
        Assert.Equal(300, (await inbox.BacklogAsync()).Count);
        // SQLite acknowledged them into its inbox log; moved to the inbox, each is there once, with its payload.
        await inbox.TransferAsync();
        Assert.Equal(300, await ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'pending'"));
        Assert.Equal(300, (await inbox.BacklogAsync()).Count);
        Assert.Equal(0, await ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE payload NOT LIKE 'chat-%|say %'"));
        // A re-delivery after the commit is still recognised.
        Assert.False(await inbox.RecordAsync(Channel, "42", "chat-0|say 42"));
    }

    [Fact]
    public async Task A_failing_turn_is_undone_alone_and_the_rest_of_its_batch_is_kept()
    {
        await Inbox.RecordManyAsync(Channel, [("1", "chat-a|say one"), ("2", "chat-a|boom"), ("3", "chat-b|say three")]);

        Assert.Equal(3, await Processor().DrainOnceAsync());

        Assert.Equal(2, await ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'done'"));
        // The failed turn's reply, written before it threw, was rolled back with it; its failure is counted.
        Assert.Equal(["said one", "said three"], await TextsAsync());
        Assert.Equal(1, await ScalarAsync<long>("SELECT attempts FROM inbox WHERE update_id = '2' AND status = 'pending' AND error LIKE '%boom%'"));

        // It is tried again (alone now), and parked after the last attempt; nothing else is repeated.
        for (var i = 0; i < 4; i++) await Processor().DrainOnceAsync();
        Assert.Equal("failed", await ScalarAsync<string>("SELECT status FROM inbox WHERE update_id = '2'"));
        Assert.Equal(["said one", "said three"], await TextsAsync());
        Assert.Equal(0, await Processor().DrainOnceAsync());
    }

    [Fact]
    public async Task One_chats_updates_are_handled_in_the_order_they_arrived()
    {
        // Twelve updates in one batch (ids 9, 10, 11 … compare wrongly as text), and three more later.
        await Inbox.RecordManyAsync(Channel, Enumerable.Range(1, 12).Select(i => (i.ToString(), $"chat-{i % 2}|say {i}")));
        Time.Advance(TimeSpan.FromSeconds(1));
        foreach (var i in new[] { 13, 14, 15 }) await Inbox.RecordAsync(Channel, i.ToString(), $"chat-{i % 2}|say {i}");

        while (await Processor().DrainOnceAsync() > 0) { }

        var replies = await RepliesAsync();
        foreach (var chat in new[] { "chat-0", "chat-1" })
        {
            var said = replies.Where(r => r.Chat == chat).Select(r => int.Parse(r.Text["said ".Length..])).ToList();
            Assert.Equal(Enumerable.Range(1, 15).Where(i => $"chat-{i % 2}" == chat), said);
        }
    }

    [Fact]
    public async Task Consecutive_batchable_updates_run_together_the_others_alone_and_replies_keep_arrival_order()
    {
        await Inbox.RecordManyAsync(Channel, new[] { "tally 1", "tally 2", "say 3", "tally 4", "tally 5", "tally 6", "say 7" }
            .Select((t, i) => ((i + 1).ToString(), "chat-a|" + t)));

        Assert.Equal(7, await Processor().DrainOnceAsync());

        Assert.Equal(["tallied 1 in a run of 2", "tallied 2 in a run of 2", "said 3", "tallied 4 in a run of 3", "tallied 5 in a run of 3",
            "tallied 6 in a run of 3", "said 7"], (await RepliesAsync()).Select(r => r.Text));
        Assert.Equal(7, await ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'done'"));
        Assert.Equal(0, await Processor().DrainOnceAsync());
    }

    [Fact]
    public async Task A_failing_run_is_undone_and_its_updates_taken_one_at_a_time()
    {
        await Inbox.RecordManyAsync(Channel, [("1", "chat-a|tally 1"), ("2", "chat-a|tally boom"), ("3", "chat-b|tally 3")]);

        Assert.Equal(3, await Processor().DrainOnceAsync());

        // Nothing of the failed run was kept; alone, the two good ones went through and the poison one failed.
        Assert.Equal(["tallied 1 in a run of 1", "tallied 3 in a run of 1"], await TextsAsync());
        Assert.Equal(1, await ScalarAsync<long>("SELECT attempts FROM inbox WHERE update_id = '2' AND status = 'pending'"));
        for (var i = 0; i < 4; i++) await Processor().DrainOnceAsync();
        Assert.Equal("failed", await ScalarAsync<string>("SELECT status FROM inbox WHERE update_id = '2'"));
        Assert.Equal(["tallied 1 in a run of 1", "tallied 3 in a run of 1"], await TextsAsync());
    }

    [Fact]
    public async Task Two_workers_claiming_the_same_updates_each_get_a_different_share()
    {
        var inbox = Inbox;
        await inbox.RecordManyAsync(Channel, Enumerable.Range(1, 6).Select(i => (i.ToString(), $"chat-a|say {i}")));
        await inbox.TransferAsync();
        var pending = await inbox.PendingAsync(10);
        HashSet<(string, string)> first, second;
        await using (var a = await Db.BeginAsync())
        {
            first = await inbox.ClaimAsync(a, pending.Take(4).ToList());
            // The second worker asks for rows the first holds: it waits for the first's commit, then finds them done.
            var other = Task.Run(async () =>
            {
                await using var b = await Db.BeginAsync();
                var mine = await inbox.ClaimAsync(b, pending.Skip(2).ToList());
                await b.CommitAsync();
                return mine;
            });
            await Task.Delay(200);
            Assert.False(other.IsCompleted);
            await a.CommitAsync();
            await a.DisposeAsync();
            second = await other;
        }
        Assert.Equal(["1", "2", "3", "4"], first.Select(c => c.Item2).Order());
        Assert.Equal(["5", "6"], second.Select(c => c.Item2).Order());
        Assert.Equal(0, (await inbox.BacklogAsync()).Count);
    }

    protected async Task<IReadOnlyList<string>> TextsAsync() => (await RepliesAsync()).Select(r => r.Text).Order().ToList();

    private async Task<IReadOnlyList<(string Chat, string Text)>> RepliesAsync()
    {
        await using var s = await Db.BeginReadAsync();
        return (await s.QueryAsync<(string, string)>("SELECT chat_id, payload FROM outbox ORDER BY id"))
            .Select(r => (r.Item1, System.Text.Json.JsonDocument.Parse(r.Item2).RootElement.GetProperty("text").GetString()!)).ToList();
    }

    /// <summary>Payload "CHAT|COMMAND ARGS": a private-chat command from an unregistered person.</summary>
    private sealed class TestMapper : IInboundMapper
    {
        public string Channel => InboxBatchingSuite.Channel;

        public ChatEvent Map(string payload)
        {
            var (chat, text) = (payload.Split('|')[0], payload.Split('|')[1]);
            var words = text.Split(' ');
            return new ChatEvent
            {
                Channel = Channel, UpdateId = text, Kind = ChatEventKind.Command, Chat = new ChatAddress(Channel, chat), IsPrivate = true,
                From = new ChatUser("u-" + chat, "Tester"), Text = "/" + text, Command = words[0], Args = words[1..],
            };
        }
    }

    /// <summary>/tally X, taken in runs: replies "tallied X in a run of N"; a run holding "tally boom" fails, and so does that update alone.</summary>
    private sealed class TallyHandler : TurnHandler, IBatchTurnHandler
    {
        public override bool RequiresRegistration => false;

        public override bool Matches(ChatEvent e) => e.Command == "tally";

        public override Task HandleAsync(TurnContext turn) => HandleManyAsync([turn]);

        public async Task HandleManyAsync(IReadOnlyList<TurnContext> turns)
        {
            foreach (var turn in turns) await turn.ReplyAsync($"tallied {string.Join(' ', turn.Event.Args)} in a run of {turns.Count}");
            if (turns.Any(t => t.Event.Args.Contains("boom"))) throw new InvalidOperationException("boom");
        }
    }

    /// <summary>/say X replies "said X"; /boom replies, then fails.</summary>
    private sealed class SayHandler : TurnHandler
    {
        public override bool RequiresRegistration => false;

        public override bool Matches(ChatEvent e) => e.Command is "say" or "boom";

        public override async Task HandleAsync(TurnContext turn)
        {
            await turn.ReplyAsync("said " + string.Join(' ', turn.Event.Args));
            if (turn.Event.Command == "boom") throw new InvalidOperationException("boom");
        }
    }
}

/// <summary>
/// And on SQLite, the inbox log in front of the inbox: acknowledgements wait there, in order, until the
/// processor moves them; a move is never doubled, whatever the store forgets; the log keeps what it
/// needs and belongs to one store.
/// </summary>
public sealed class SqliteInboxBatchingTests : InboxBatchingSuite
{
    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());

    [Fact]
    public async Task Acknowledged_updates_wait_in_the_log_beside_the_store_until_moved_in_order()
    {
        Assert.True(File.Exists(AcademyDatabase.InboxLogPath(Options.SqlitePath)));
        Assert.EndsWith("academy.inbox.db", AcademyDatabase.InboxLogPath(Options.SqlitePath), StringComparison.Ordinal);
        await Inbox.RecordAsync(Channel, "12", "chat-a|say 12");
        Time.Advance(TimeSpan.FromMilliseconds(1));
        foreach (var i in new[] { 7, 3 }) await Inbox.RecordAsync(Channel, i.ToString(), $"chat-a|say {i}");

        Assert.Equal(0, await CountAsync("inbox"));
        Assert.Equal(3, (await Inbox.BacklogAsync()).Count);
        Assert.Equal(3, await Inbox.TransferAsync());
        Assert.Equal(0, await Inbox.TransferAsync());
        Assert.Equal(3, await CountAsync("inbox"));
        while (await Processor().DrainOnceAsync() > 0) { }
        // In the order they arrived; within one millisecond, by the platform's increasing update ids.
        Assert.Equal(["said 12", "said 3", "said 7"], await RepliesSortedByIdAsync());
        Assert.Equal(0, (await Inbox.BacklogAsync()).Count);
    }

    [Fact]
    public async Task A_store_that_forgot_its_last_move_takes_the_same_updates_again_without_running_them_twice()
    {
        await Inbox.RecordManyAsync(Channel, Enumerable.Range(1, 5).Select(i => (i.ToString(), $"chat-a|say {i}")));
        while (await Processor().DrainOnceAsync() > 0) { }
        Assert.Equal(5, (await TextsAsync()).Count);

        // As after a power cut that lost the store's last commits but not the log's.
        await using (var s = await Db.BeginAsync())
        {
            await s.ExecuteAsync("UPDATE inbox_transfer SET seq = 0");
            await s.CommitAsync();
        }
        await Inbox.RecordAsync(Channel, "6", "chat-a|say 6");
        Assert.Equal(6, await Inbox.TransferAsync());
        while (await Processor().DrainOnceAsync() > 0) { }
        Assert.Equal(["said 1", "said 2", "said 3", "said 4", "said 5", "said 6"], await TextsAsync());
        Assert.Equal(6, await CountAsync("inbox"));
        // A re-delivery of a processed update is still recognised by the log.
        Assert.False(await Inbox.RecordAsync(Channel, "2", "chat-a|say 2"));
    }

    [Fact]
    public async Task The_log_forgets_moved_updates_after_the_retention_and_numbers_go_on_after_it_emptied()
    {
        await Inbox.RecordManyAsync(Channel, [("1", "chat-a|say 1"), ("2", "chat-a|say 2")]);
        while (await Processor().DrainOnceAsync() > 0) { }
        Time.Advance(InboxStore.Retention + TimeSpan.FromMinutes(1));
        await Inbox.PruneAsync();
        await using (var log = await Db.InboxLog!.BeginReadAsync())
            Assert.Equal(0, await log.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox_log"));
        Assert.Equal(0, await CountAsync("inbox"));

        // Numbering goes on above what was moved, so the next update is not taken for an old one.
        Assert.True(await Inbox.RecordAsync(Channel, "3", "chat-a|say 3"));
        Assert.Equal(1, await Inbox.TransferAsync());
        while (await Processor().DrainOnceAsync() > 0) { }
        Assert.Equal(["said 1", "said 2", "said 3"], await TextsAsync());

        // An update not moved yet is kept, however old.
        await Inbox.RecordAsync(Channel, "4", "chat-a|say 4");
        Time.Advance(InboxStore.Retention + TimeSpan.FromMinutes(1));
        await Inbox.PruneAsync();
        Assert.Equal(1, (await Inbox.BacklogAsync()).Count);
    }

    [Fact]
    public async Task A_fresh_store_beside_an_old_log_leaves_the_old_updates_alone()
    {
        await Inbox.RecordManyAsync(Channel, [("1", "chat-a|say 1"), ("2", "chat-a|say 2")]);
        await Db.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { "", "-wal", "-shm" }.Select(x => Options.SqlitePath + x).Where(File.Exists)) File.Delete(file);

        await using var fresh = new AcademyDatabase(Options);
        await new Migrator(fresh, Time, NullLogger<Migrator>.Instance).MigrateAsync();
        var inbox = new InboxStore(fresh, Time);
        Assert.Equal(0, (await inbox.BacklogAsync()).Count);
        Assert.Equal(0, await inbox.TransferAsync());
        Assert.True(await inbox.RecordAsync(Channel, "3", "chat-a|say 3"));
        Assert.Equal(1, await inbox.TransferAsync());
        await using var s = await fresh.BeginReadAsync();
        Assert.Equal(["3"], await s.QueryAsync<string>("SELECT update_id FROM inbox"));
    }

    private async Task<IReadOnlyList<string>> RepliesSortedByIdAsync()
    {
        await using var s = await Db.BeginReadAsync();
        return (await s.QueryAsync<string>("SELECT payload FROM outbox ORDER BY id"))
            .Select(p => System.Text.Json.JsonDocument.Parse(p).RootElement.GetProperty("text").GetString()!).ToList();
    }
}

[Trait("Category", "Postgres")]
public sealed class PostgresInboxBatchingTests : InboxBatchingSuite
{
    protected override async Task<ITestStore> CreateStoreAsync() => await PostgresTestStore.CreateAsync();
}
