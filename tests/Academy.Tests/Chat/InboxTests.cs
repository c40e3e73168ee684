using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Academy.BotHost.Chat;
using Academy.Learning.Content;

namespace Academy.Tests.Chat;

/// <summary>The inbox in a running host: re-deliveries are no-ops, and a poison update is parked, not lost, without blocking others.</summary>
public sealed class InboxTests : IAsyncLifetime
{
    private readonly AcademyApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_redelivered_update_is_recorded_once()
    {
        var inbox = _app.Services.GetRequiredService<InboxStore>();
        var update = """{"updateId":"u-1","personaId":"guest","personaName":"Guest","chatId":"dm-guest","text":"/help","sentAt":0}""";
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => inbox.RecordAsync("playground", "u-1", update)));
        Assert.Equal(1, results.Count(r => r));
        await Eventually.UntilAsync(async () => await _app.ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'done'") == 1);
        // The reply goes out through the outbox: wait for it, then make sure no second one follows.
        await Eventually.UntilAsync(async () => await _app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status = 'pending' OR status = 'sending'") == 0);
        await Task.Delay(300);
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM playground_messages WHERE chat_id = 'dm-guest'"));
    }

    [Fact]
    public async Task An_update_that_keeps_failing_is_parked_and_the_others_go_on()
    {
        var inbox = _app.Services.GetRequiredService<InboxStore>();
        await inbox.RecordAsync("playground", "poison", "{ this is not an update");
        await inbox.RecordAsync("playground", "good", """{"updateId":"good","personaId":"guest","personaName":"Guest","chatId":"dm-guest","text":"/help","sentAt":0}""");
        _app.Services.GetRequiredService<InboxProcessor>().Signal();
        await Eventually.UntilAsync(async () => await _app.ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE update_id = 'poison' AND status = 'failed'") == 1);
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE update_id = 'good' AND status = 'done'"));
        Assert.Equal(5, await _app.ScalarAsync<long>("SELECT attempts FROM inbox WHERE update_id = 'poison'"));
        Assert.Equal(1, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE update_id = 'poison' AND error LIKE '%Json%'"));
    }

    [Fact]
    public async Task The_processor_yielding_to_slow_acknowledgements_still_takes_every_update()
    {
        // Every acknowledgement counts as slow (target 0): the processor rests after each round while
        // updates keep coming, and must still get through all of them, during the stream and after it.
        await using var app = new AcademyApp(new Dictionary<string, string?>
        {
            ["Inbox:AcknowledgementTarget"] = "00:00:00",
            ["Inbox:YieldToWebhook"] = "2",
        });
        var inbox = app.Services.GetRequiredService<InboxStore>();
        var processor = app.Services.GetRequiredService<InboxProcessor>();
        long doneDuringStream = 0;
        for (var i = 0; i < 300; i++)
        {
            var id = "s-" + i;
            await inbox.RecordAsync("playground", id, $$"""{"updateId":"{{id}}","personaId":"guest{{i % 7}}","personaName":"Guest","chatId":"dm-guest{{i % 7}}","text":"/help","sentAt":0}""");
            processor.Signal();
            if (i == 299) doneDuringStream = await app.ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'done'");
            await Task.Delay(2);
        }
        Assert.True(doneDuringStream > 0, "nothing was processed while updates kept arriving");
        await Eventually.UntilAsync(async () => await app.ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'done'") == 300);
    }

    [Fact]
    public async Task The_slowest_acknowledgement_is_reported_once_to_the_processor()
    {
        var inbox = _app.Services.GetRequiredService<InboxStore>();
        Assert.Equal(TimeSpan.Zero, inbox.TakeSlowestAcknowledgement());
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            inbox.RecordAsync("playground", "ack-" + i, $$"""{"updateId":"ack-{{i}}","personaId":"guest","personaName":"Guest","chatId":"dm-guest","text":"/help","sentAt":0}""")));
        var slowest = inbox.TakeSlowestAcknowledgement();
        Assert.True(slowest > TimeSpan.Zero && slowest < TimeSpan.FromSeconds(30), slowest.ToString());
        Assert.Equal(TimeSpan.Zero, inbox.TakeSlowestAcknowledgement()); // taken: none since
    }
}
