using Academy.BotHost.Channels;
using Academy.BotHost.Pipeline;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Record;
using Academy.Tests.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Academy.Tests.Chat;

/// <summary>
/// The inbox under load, on both engines: concurrent acknowledgements share commits and every
/// acknowledged update is stored once; a batch of turns commits together, a failing turn is
/// undone alone, and one chat's updates are handled in the order they arrived.
/// </summary>
public abstract class InboxBatchingSuite : StoreTestBase
{
    private const string Channel = "test";

    private InboxStore Inbox => new(Db, Time);

    private InboxProcessor Processor()
    {
        var directory = new LearnerDirectory(Time);
        var pipeline = new TurnPipeline([new SayHandler()], directory, new Outbox(Time), Catalog.Default,
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

    private async Task<IReadOnlyList<string>> TextsAsync() => (await RepliesAsync()).Select(r => r.Text).Order().ToList();

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

public sealed class SqliteInboxBatchingTests : InboxBatchingSuite
{
    protected override Task<ITestStore> CreateStoreAsync() => Task.FromResult<ITestStore>(new SqliteTestStore());
}

[Trait("Category", "Postgres")]
public sealed class PostgresInboxBatchingTests : InboxBatchingSuite
{
    protected override async Task<ITestStore> CreateStoreAsync() => await PostgresTestStore.CreateAsync();
}
