using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Academy.Tests.Support;

/// <summary>
/// The real host on a real loopback port (Kestrel), on a throw-away SQLite file, with the sample
/// course loaded by the playground on first start. Extra settings and service overrides per test.
/// </summary>
public sealed class AcademyApp : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly SqliteTestStore _store;
    private readonly bool _ownsStore;

    /// <param name="store">A store shared with another host (a restart); by default a fresh one, deleted at the end.</param>
    public AcademyApp(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, TimeProvider? time = null,
        SqliteTestStore? store = null)
    {
        _store = store ?? new SqliteTestStore();
        _ownsStore = store is null;
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Storage:SqlitePath", _store.Options.SqlitePath);
            b.UseSetting("Playground:Enabled", "true");
            // The tests' clocks are set against the sample's own dates (day 1 = 2026-12-01).
            b.UseSetting("Playground:SampleStartsToday", "false");
            b.UseSetting("urls", "http://127.0.0.1:0"); // never the default 5080: tests run beside a developer's host
            // The programme would post into the playground chats a test is reading; scheduler tests turn it on.
            b.UseSetting("Scheduler:Enabled", "false");
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) b.UseSetting(key, value);
            b.ConfigureServices(s =>
            {
                if (time is not null) s.Replace(ServiceDescriptor.Singleton(time));
                services?.Invoke(s);
            });
        });
        _factory.UseKestrel(0);
        _factory.StartServer();
        Client = _factory.CreateClient();
        BaseAddress = Client.BaseAddress!;
    }

    public HttpClient Client { get; }
    public Uri BaseAddress { get; }
    public IServiceProvider Services => _factory.Services;

    /// <summary>One value read from the host's store.</summary>
    public async Task<T> ScalarAsync<T>(string sql, object? param = null)
    {
        await using var s = await Services.GetRequiredService<Academy.Learning.Storage.AcademyDatabase>().BeginReadAsync();
        return await s.ExecuteScalarAsync<T>(sql, param);
    }

    /// <summary>
    /// How many inbound updates the host has acknowledged: on SQLite the rows of its inbox log (where a
    /// webhook's update is until the processor moves it), on PostgreSQL the inbox.
    /// </summary>
    public async Task<long> AcknowledgedUpdatesAsync()
    {
        var db = Services.GetRequiredService<Academy.Learning.Storage.AcademyDatabase>();
        await using var s = await (db.InboxLog ?? db).BeginReadAsync();
        return await s.ExecuteScalarAsync<long>(db.InboxLog is null ? "SELECT COUNT(*) FROM inbox" : "SELECT COUNT(*) FROM inbox_log");
    }

    /// <summary>
    /// How many acknowledged updates are still to be processed: pending in the inbox, and on SQLite also
    /// those still in the inbox log, not yet moved (a test that looked at the inbox alone could find it
    /// empty before the processor had even moved the last updates there).
    /// </summary>
    public async Task<long> UnprocessedUpdatesAsync()
    {
        var db = Services.GetRequiredService<Academy.Learning.Storage.AcademyDatabase>();
        long pending, moved;
        await using (var s = await db.BeginReadAsync())
        {
            pending = await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'pending'");
            moved = db.InboxLog is null ? 0 : await s.ExecuteScalarAsync<long>("SELECT seq FROM inbox_transfer WHERE id = 1");
        }
        if (db.InboxLog is not { } log) return pending;
        await using var l = await log.BeginReadAsync();
        return pending + await l.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox_log WHERE seq > @moved", new { moved });
    }

    /// <summary>Rows of one column read from the host's store.</summary>
    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? param = null)
    {
        await using var s = await Services.GetRequiredService<Academy.Learning.Storage.AcademyDatabase>().BeginReadAsync();
        return (await s.QueryAsync<T>(sql, param)).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        if (_ownsStore) await _store.DisposeAsync();
    }
}

/// <summary>A person in the playground: says things, presses buttons, and waits for what the bot shows.</summary>
public sealed class PlaygroundUser(AcademyApp app, string personaId)
{
    public string PersonaId { get; } = personaId;
    public string PrivateChat => "dm-" + PersonaId;

    public async Task SayAsync(string chat, string text) => await PostAsync(new { personaId = PersonaId, chatId = chat, text });

    public async Task PressAsync(string chat, string data) => await PostAsync(new { personaId = PersonaId, chatId = chat, button = data });

    /// <summary>A press on a button of the transcript's message <paramref name="messageId"/>, as the page sends it.</summary>
    public async Task PressAsync(string chat, string data, long messageId) =>
        await PostAsync(new { personaId = PersonaId, chatId = chat, button = data, messageId });

    public async Task ShareContactAsync() => await PostAsync(new { personaId = PersonaId, chatId = PrivateChat, shareContact = true });

    private async Task PostAsync(object body)
    {
        var response = await app.Client.PostAsJsonAsync(new Uri("/playground/api/send", UriKind.Relative), body);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>Waits (up to 15 s) until the chat shows a bot message matching <paramref name="match"/>, and returns it.</summary>
    public static async Task<JsonElement> WaitForBotAsync(AcademyApp app, string chat, Func<JsonElement, bool> match, long after = 0)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var items = await app.Client.GetFromJsonAsync<JsonElement>(new Uri($"/playground/api/messages?chat={Uri.EscapeDataString(chat)}&after={after}", UriKind.Relative));
            foreach (var item in items.EnumerateArray())
                if (item.GetProperty("sender").GetString() == "bot" && match(item.GetProperty("message"))) return item;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"No matching bot message in {chat}; it shows: {items}");
            await Task.Delay(100);
        }
    }

    public static string Text(JsonElement message) => message.GetProperty("text").GetString() ?? "";

    public static IEnumerable<string> ButtonData(JsonElement message) =>
        message.GetProperty("buttons").EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(b => b.GetProperty("data").GetString()!);
}
