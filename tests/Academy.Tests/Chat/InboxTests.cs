using Academy.BotHost.Pipeline;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

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

}
