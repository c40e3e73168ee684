using System.Collections.Concurrent;
using Academy.BotHost.Channels;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Chat;

/// <summary>
/// The outbox dispatcher in a running host, against a scripted channel: what it does with each
/// outcome, and that a row that succeeded is never sent again.
/// </summary>
public sealed class OutboxDispatcherTests : IAsyncLifetime
{
    private readonly ScriptedChannel _channel = new();
    private AcademyApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new AcademyApp(services: s => s.AddSingleton<IChannelClient>(_channel));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Each_outcome_is_recorded_and_only_retryable_ones_are_retried()
    {
        _channel.Script("429", SendStatus.RetryLater, SendStatus.Sent);          // rate-limited once, then fine
        _channel.Script("500", SendStatus.RetryLater, SendStatus.RetryLater, SendStatus.Sent);
        _channel.Script("403", SendStatus.Unreachable);
        _channel.Script("400", SendStatus.Failed);
        _channel.Script("timeout", SendStatus.Unknown);
        _channel.Script("ok", SendStatus.Sent);
        foreach (var chat in new[] { "429", "500", "403", "400", "timeout", "ok" }) await EnqueueAsync(chat, "hello " + chat);

        await Eventually.UntilAsync(async () => await _app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')") == 0);
        Assert.Equal("sent", await StatusAsync("429"));
        Assert.Equal("sent", await StatusAsync("500"));
        Assert.Equal("unreachable", await StatusAsync("403"));
        Assert.Equal("failed", await StatusAsync("400"));
        Assert.Equal("unknown", await StatusAsync("timeout"));
        Assert.Equal("sent", await StatusAsync("ok"));
        Assert.Equal(2, _channel.Attempts("429"));
        Assert.Equal(3, _channel.Attempts("500"));
        Assert.Equal(1, _channel.Attempts("timeout")); // an unknown outcome is not repeated
        Assert.Equal(1, _channel.Attempts("403"));
    }

    [Fact]
    public async Task One_chat_gets_its_messages_in_order_and_a_pause_there_does_not_hold_others()
    {
        _channel.Script("slow", SendStatus.RetryLater, SendStatus.Sent, SendStatus.Sent, SendStatus.Sent);
        for (int i = 1; i <= 3; i++) await EnqueueAsync("slow", $"slow {i}");
        for (int i = 1; i <= 3; i++) await EnqueueAsync("fast", $"fast {i}");
        await Eventually.UntilAsync(async () => await _app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status = 'sent'") == 6);
        Assert.Equal(["slow 1", "slow 1", "slow 2", "slow 3"], _channel.Texts("slow"));
        Assert.Equal(["fast 1", "fast 2", "fast 3"], _channel.Texts("fast"));
        // The fast chat finished while the slow one waited out its retry.
        Assert.True(_channel.LastSentAt("fast") < _channel.LastSentAt("slow"));
    }

    [Fact]
    public async Task A_long_backlog_in_one_chat_does_not_hold_up_other_chats()
    {
        // 1,200 messages queued for one chat that answers "retry later" …
        _channel.Script("backlog", Enumerable.Repeat(SendStatus.RetryLater, 50).ToArray());
        await using (var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            var outbox = _app.Services.GetRequiredService<Outbox>();
            for (int i = 0; i < 1200; i++)
                await outbox.EnqueueAsync(s, $"backlog/{i}", new OutgoingMessage { To = new ChatAddress("scripted", "backlog"), Text = $"b{i}" });
            await s.CommitAsync();
        }
        // … then one message for another chat: it goes at once, and the backlog keeps its order.
        await EnqueueAsync("other", "hello");
        await Eventually.UntilAsync(async () => await StatusAsync("other") == "sent");
        Assert.Equal(["b0"], _channel.Texts("backlog").Distinct());
    }

    [Fact]
    public async Task The_same_key_is_queued_once_and_sent_once()
    {
        for (int i = 0; i < 5; i++) await EnqueueAsync("dup", "only once", key: "c1/d1/lesson/g1@scripted");
        await Eventually.UntilAsync(async () => await _app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status = 'sent'") == 1);
        await Task.Delay(300);
        Assert.Equal(1, _channel.Attempts("dup"));
    }

    [Fact]
    public async Task A_chat_whose_head_another_instance_is_sending_waits_for_that_outcome()
    {
        // Another process on the same database holds the chat's first message (status 'sending',
        // lease running); this process must not overtake it with the second.
        await EnqueueAsync("shared", "first", key: "shared/1");
        await using (var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            await s.ExecuteAsync("UPDATE outbox SET status = 'sending', not_before = @lease WHERE idem_key = 'shared/1'",
                new { lease = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds() });
            await s.CommitAsync();
        }
        await EnqueueAsync("shared", "second", key: "shared/2");
        await EnqueueAsync("alone", "unrelated");
        await Eventually.UntilAsync(async () => await StatusAsync("alone") == "sent");
        await Task.Delay(500);
        Assert.Empty(_channel.Texts("shared"));

        // The other process records its send: the second message follows.
        await using (var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            await s.ExecuteAsync("UPDATE outbox SET status = 'sent' WHERE idem_key = 'shared/1'");
            await s.CommitAsync();
        }
        _app.Services.GetRequiredService<Outbox>().Notify();
        await Eventually.UntilAsync(async () => await _app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE idem_key = 'shared/2' AND status = 'sent'") == 1);
        Assert.Equal(["second"], _channel.Texts("shared"));
    }

    [Fact]
    public async Task A_send_cut_off_by_a_dead_sender_goes_again_after_its_lease_and_is_counted_as_a_possible_duplicate()
    {
        await EnqueueAsync("orphan", "lesson", key: "orphan/1");
        await EnqueueAsync("orphan", "quiz", key: "orphan/2");
        await using (var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            // Claimed by a process that was killed: its lease ran out a moment ago.
            await s.ExecuteAsync("UPDATE outbox SET status = 'sending', not_before = @lease WHERE idem_key = 'orphan/1'",
                new { lease = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds() });
            await s.CommitAsync();
        }
        _app.Services.GetRequiredService<Outbox>().Notify();
        await Eventually.UntilAsync(async () => await _app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE chat_id = 'orphan' AND status = 'sent'") == 2);
        Assert.Equal(["lesson", "quiz"], _channel.Texts("orphan")); // in order, the orphan first
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT interrupted FROM outbox WHERE idem_key = 'orphan/1'"));
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT interrupted FROM outbox WHERE idem_key = 'orphan/2'"));
    }

    [Fact]
    public async Task A_playground_send_cut_off_after_it_reached_the_transcript_shows_once_when_made_again()
    {
        // The playground's "platform" is the store: a send made again after its host died is keyed by its row.
        var outbox = _app.Services.GetRequiredService<Outbox>();
        var db = _app.Services.GetRequiredService<AcademyDatabase>();
        await using (var s = await db.BeginAsync())
        {
            await outbox.EnqueueAsync(s, "pg/1", new OutgoingMessage { To = new ChatAddress("playground", "group-crash"), Text = "lesson" });
            await outbox.EnqueueAsync(s, "pg/2", new OutgoingMessage { To = new ChatAddress("playground", "group-crash"), Text = "quiz" });
            // The dead host's send of pg/1 reached the transcript; its outcome was never written and its lease has run out.
            await s.ExecuteAsync("UPDATE outbox SET status = 'sending', not_before = @lease WHERE idem_key = 'pg/1'",
                new { lease = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds() });
            await s.ExecuteAsync("""
                INSERT INTO playground_messages (chat_id, sender, payload, at, outbox_id)
                SELECT 'group-crash', 'bot', '{"text":"lesson"}', 0, id FROM outbox WHERE idem_key = 'pg/1'
                """);
            await s.CommitAsync();
        }
        outbox.Notify();
        await Eventually.UntilAsync(async () => await _app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE chat_id = 'group-crash' AND status = 'sent'") == 2);
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT interrupted FROM outbox WHERE idem_key = 'pg/1'"));
        var shown = await _app.QueryAsync<string>("SELECT payload FROM playground_messages WHERE chat_id = 'group-crash' ORDER BY id");
        Assert.Equal(2, shown.Count);
        Assert.Contains("lesson", shown[0], StringComparison.Ordinal);
        Assert.Contains("quiz", shown[1], StringComparison.Ordinal);
        // The row that went again points at the message already shown.
        Assert.Equal(await _app.ScalarAsync<string>("SELECT CAST(MIN(id) AS TEXT) FROM playground_messages WHERE chat_id = 'group-crash'"),
            await _app.ScalarAsync<string>("SELECT platform_message_id FROM outbox WHERE idem_key = 'pg/1'"));
    }

    [Fact]
    public async Task Answers_to_button_presses_go_at_once_beside_a_group_held_by_its_rate_limits()
    {
        // A Telegram-like channel: one message a second per chat, 20 a minute per group, toasts unlimited.
        var paced = new ScriptedChannel("paced", new ChannelCapabilities(30, TimeSpan.FromSeconds(1), 20, 4096, true, 64) { UnpacedButtonAnswers = true });
        await using var app = new AcademyApp(services: s => s.AddSingleton<IChannelClient>(paced));
        var outbox = app.Services.GetRequiredService<Outbox>();
        const string group = "-1001234";
        await using (var s = await app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            // The group's announcement backlog (25 messages: at least a minute and a quarter at 20 a minute) …
            for (int i = 0; i < 25; i++)
                await outbox.EnqueueAsync(s, $"a/{i}", new OutgoingMessage { To = new ChatAddress("paced", group), Text = $"announcement {i}" });
            // … then 12 learners press a button in it.
            for (int i = 0; i < 12; i++)
                await outbox.EnqueueAsync(s, $"t/{i}", new OutgoingMessage { To = new ChatAddress("paced", group), AnswersCallbackId = $"cb{i}", Text = $"checked in {i}" });
            await s.CommitAsync();
        }
        outbox.Notify();

        await Eventually.UntilAsync(async () => await app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE idem_key LIKE 't/%' AND status = 'sent'") == 12);
        // Every toast went while the group was still on its first messages, which keep their order and pace.
        var announcements = paced.Texts(group).Where(t => t.StartsWith("announcement", StringComparison.Ordinal)).ToList();
        Assert.InRange(announcements.Count, 1, 4);
        Assert.Equal(Enumerable.Range(0, announcements.Count).Select(i => $"announcement {i}"), announcements);
        Assert.Equal(12, paced.Texts(group).Count(t => t.StartsWith("checked in", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Spent_buttons_name_the_message_that_carried_them_with_the_text_it_shows_and_go_nowhere_when_it_never_went_out()
    {
        var editing = new EditingChannel();
        await using var app = new AcademyApp(services: s => s.AddSingleton<IChannelClient>(editing));
        var outbox = app.Services.GetRequiredService<Outbox>();
        var chat = new ChatAddress("editing", "7");
        await using (var s = await app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            await outbox.EnqueueAsync(s, "q/1", new OutgoingMessage { To = chat, Text = "Question **1**", Format = TextFormat.Markdown, Buttons = [[new Button("A", "x:1:0:0")]] });
            await outbox.EnqueueAsync(s, "q/1/ticked", new OutgoingMessage { To = chat, Text = "Question **1** (ticked)", Format = TextFormat.Markdown, Edits = "q/1" });
            await outbox.EnqueueAsync(s, "q/1/spent", new OutgoingMessage { To = chat, Edits = "q/1", EditsButtonsOnly = true, Text = "✓ A" });
            await outbox.EnqueueAsync(s, "q/2/spent", new OutgoingMessage { To = chat, Edits = "q/2", EditsButtonsOnly = true, Text = "✓ B" });
            // A press names the message by the platform's id: the latest text it shows is found all the same.
            await outbox.EnqueueAsync(s, "press/spent", new OutgoingMessage { To = chat, EditMessageId = "m1", EditsButtonsOnly = true, Text = "✓ again" });
            await s.CommitAsync();
        }
        outbox.Notify();
        await Eventually.UntilAsync(async () => await app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')") == 0);
        var spent = editing.Received.Where(m => m.EditsButtonsOnly).ToList();
        Assert.Equal(3, spent.Count);
        Assert.Equal(("m1", "Question **1** (ticked)", TextFormat.Markdown), (spent[0].EditMessageId, spent[0].EditedText, spent[0].EditedFormat));
        Assert.Null(spent[1].EditMessageId); // q/2 never went out: the channel gets nothing to change
        Assert.Null(spent[1].EditedText);
        Assert.Equal(("m1", "Question **1** (ticked)"), (spent[2].EditMessageId, spent[2].EditedText)); // not "✓ A": a buttons-only edit shows no text of its own
    }

    /// <summary>A channel that numbers what it creates, edits in place, and keeps every message it was given.</summary>
    private sealed class EditingChannel : IChannelClient
    {
        private int _next;

        public ConcurrentQueue<OutgoingMessage> Received { get; } = new();

        public string Channel => "editing";

        public ChannelCapabilities Capabilities { get; } = new(200, TimeSpan.Zero, int.MaxValue, 4096, false, 64);

        public Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
        {
            Received.Enqueue(message);
            var id = message.EditMessageId ?? (message.EditsButtonsOnly ? null : $"m{Interlocked.Increment(ref _next)}");
            return Task.FromResult(new SendResult(SendStatus.Sent, id));
        }
    }

    private async Task EnqueueAsync(string chat, string text, string? key = null)
    {
        var outbox = _app.Services.GetRequiredService<Outbox>();
        await using var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginAsync();
        await outbox.EnqueueAsync(s, key ?? Guid.NewGuid().ToString("N"), new OutgoingMessage { To = new ChatAddress("scripted", chat), Text = text });
        await s.CommitAsync();
        outbox.Notify();
    }

    private async Task<string> StatusAsync(string chat)
    {
        await using var s = await _app.Services.GetRequiredService<AcademyDatabase>().BeginReadAsync();
        return await s.ExecuteScalarAsync<string>("SELECT status FROM outbox WHERE chat_id = @chat", new { chat });
    }

}

/// <summary>A channel whose outcomes per chat are scripted; it records every attempt.</summary>
public sealed class ScriptedChannel(string channel = "scripted", ChannelCapabilities? capabilities = null) : IChannelClient
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<SendStatus>> _scripts = new();
    private readonly ConcurrentQueue<(string Chat, string Text, DateTime At)> _attempts = new();

    public string Channel => channel;

    public ChannelCapabilities Capabilities { get; } = capabilities ?? new(200, TimeSpan.Zero, int.MaxValue, 4096, false, 64);

    public void Script(string chat, params SendStatus[] outcomes) => _scripts[chat] = new ConcurrentQueue<SendStatus>(outcomes);

    public int Attempts(string chat) => _attempts.Count(a => a.Chat == chat);

    public List<string> Texts(string chat) => _attempts.Where(a => a.Chat == chat).Select(a => a.Text).ToList();

    public DateTime LastSentAt(string chat) => _attempts.Where(a => a.Chat == chat).Max(a => a.At);

    public Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        _attempts.Enqueue((message.To.ChatId, message.Text ?? "", DateTime.UtcNow));
        var status = _scripts.TryGetValue(message.To.ChatId, out var q) && q.TryDequeue(out var s) ? s : SendStatus.Sent;
        return Task.FromResult(new SendResult(status, RetryAfter: status == SendStatus.RetryLater ? TimeSpan.FromMilliseconds(400) : null,
            Error: status == SendStatus.Sent ? null : status.ToString()));
    }
}
