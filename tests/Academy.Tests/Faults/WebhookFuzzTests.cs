using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Academy.Tests.Dashboard;
using Academy.Tests.Support;
using Academy.Tests.Telegram;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Academy.Tests.Faults;

/// <summary>
/// The Telegram webhook under hostile traffic: 1,000 seeded mutations of real-shaped updates (wrong
/// types, nulls, huge numbers, deep nesting, odd unicode, missing fields, other update kinds). None
/// gets a 500, nothing escapes as an unhandled exception, a poisoned inbox row is parked without
/// holding up the rest, and the bot still answers a normal update afterwards.
/// </summary>
public sealed class WebhookFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string HookPath = "/telegram/hook";
    private const string Secret = "fuzz-Secret_456";
    private const long Group = -1001234567890;

    private FakeBotApi _api = null!;
    private readonly CapturedLogs _logs = new();

    public async Task InitializeAsync() => _api = await FakeBotApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task A_thousand_mutated_updates_never_get_a_500_and_the_bot_keeps_serving()
    {
        var seed = FuzzSeed();
        output.WriteLine($"fuzz seed {seed} (rerun with ACADEMY_FUZZ_SEED={seed})");
        var random = new Random(seed);
        await using var host = StartHost();
        await Eventually.UntilAsync(() => Task.FromResult(_api.WebhookUrl is not null), "setWebhook");

        var updates = new TelegramUpdates();
        var statuses = new Dictionary<HttpStatusCode, int>();
        var samples = new List<string>();
        for (int i = 0; i < 1000; i++)
        {
            var body = Mutate(random, Shapes(updates, random), 1_000_000 + i);
            if (random.Next(25) == 0) body = body[..random.Next(body.Length)]; // cut off mid-transfer
            var status = await PostAsync(host, body);
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status is not (HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge))
                samples.Add($"{(int)status}: {body[..Math.Min(body.Length, 300)]}");
        }
        output.WriteLine(string.Join(", ", statuses.Select(p => $"{(int)p.Key}×{p.Value}")));
        Assert.True(samples.Count == 0, $"seed {seed}: unexpected statuses\n" + string.Join("\n", samples.Take(10)));
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.OK) > 300, "most mutations keep an integer update_id and are taken in");

        // Every recorded update ends processed or parked; none is left pending.
        await Eventually.UntilAsync(async () => await host.UnprocessedUpdatesAsync() == 0,
            "inbox settled", seconds: 60);
        var failed = await host.QueryAsync<string>("SELECT update_id || ' ' || COALESCE(error, '') FROM inbox WHERE status = 'failed'");
        Assert.True(failed.Count == 0, $"seed {seed}: updates a handler could not process:\n" + string.Join("\n", failed.Take(10)));

        // The host still serves: a plain /start gets its reply.
        Assert.Equal(HttpStatusCode.OK, await PostAsync(host, updates.PrivateText(6001, "/start")));
        await Eventually.UntilAsync(() => Task.FromResult(_api.Requests.Any(r => r.Method == "sendMessage" && r.ChatId == 6001 && r.StatusCode == 200)), "reply to /start");

        var unhandled = _logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        Assert.True(unhandled.Count == 0, $"seed {seed}: errors logged:\n" + string.Join("\n", unhandled.Take(5)));
    }

    [Fact]
    public async Task A_poisoned_inbox_row_is_parked_after_its_attempts_and_the_others_proceed()
    {
        await using var host = StartHost();
        await Eventually.UntilAsync(() => Task.FromResult(_api.WebhookUrl is not null), "setWebhook");
        // A row the webhook would never have taken (it checks the JSON), as a bad migration or an older version could leave one.
        await using (var session = await host.Services.GetRequiredService<Academy.Learning.Storage.AcademyDatabase>().BeginAsync())
        {
            await session.ExecuteAsync(
                "INSERT INTO inbox (channel, update_id, received_at, payload, status, attempts) VALUES ('telegram', '999999999', 0, '[not json', 'pending', 0)");
            await session.CommitAsync();
        }
        var updates = new TelegramUpdates();
        Assert.Equal(HttpStatusCode.OK, await PostAsync(host, updates.PrivateText(6002, "/help")));
        await Eventually.UntilAsync(() => Task.FromResult(_api.Requests.Any(r => r.Method == "sendMessage" && r.ChatId == 6002)), "reply beside the poisoned row");
        await Eventually.UntilAsync(async () => await host.ScalarAsync<string>("SELECT status FROM inbox WHERE update_id = '999999999'") == "failed", "poisoned row parked");
        Assert.Equal(5, await host.ScalarAsync<long>("SELECT attempts FROM inbox WHERE update_id = '999999999'"));
        Assert.Contains(_logs.Lines, l => l.Contains("Update telegram/999999999 failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bot_Framework_in_emulator_mode_takes_a_thousand_mutated_activities_without_a_500()
    {
        var seed = FuzzSeed();
        output.WriteLine($"fuzz seed {seed} (rerun with ACADEMY_FUZZ_SEED={seed})");
        var random = new Random(seed);
        await using var connector = await Academy.Tests.BotFramework.FakeBotConnector.StartAsync();
        await using var host = new AcademyApp(new Dictionary<string, string?>
        {
            ["BotFramework:AppId"] = "",
            ["BotFramework:AppPassword"] = "",
            ["BotFramework:Emulator"] = "true",
            ["BotFramework:OpenIdMetadataUrl"] = connector.MetadataUrl,
            ["BotFramework:Authority"] = connector.BaseUrl,
        }, services: s => s.AddSingleton<ILoggerProvider>(_logs));

        JsonObject Activity(string user, string? text, JsonObject? value, bool channel) => new()
        {
            ["type"] = random.Next(6) == 0 ? "conversationUpdate" : "message",
            ["timestamp"] = "2026-12-01T02:00:00Z",
            ["serviceUrl"] = connector.ServiceUrl,
            ["channelId"] = "msteams",
            ["from"] = new JsonObject { ["id"] = user, ["name"] = "User " + user },
            ["conversation"] = channel
                ? new JsonObject { ["id"] = "19:fuzz@thread.tacv2;messageid=1", ["conversationType"] = "channel", ["isGroup"] = true }
                : new JsonObject { ["id"] = "a:personal-" + user, ["conversationType"] = "personal" },
            ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "Academy" },
            ["text"] = text,
            ["value"] = value,
            ["membersAdded"] = new JsonArray(new JsonObject { ["id"] = user }),
        };
        var statuses = new Dictionary<HttpStatusCode, int>();
        for (int i = 0; i < 1000; i++)
        {
            var user = "29:fuzz-" + random.Next(5).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var activity = Activity(user, Pick(random, Strings), random.Next(3) == 0 ? new JsonObject { ["data"] = Pick(random, Strings) } : null, random.Next(2) == 0);
            var status = await PostAsync(host, Academy.BotHost.Channels.BotFramework.BotFrameworkOptions.MessagesPath, Mutate(random, activity, 2_000_000 + i, "id"), secret: null);
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"seed {seed}: {(int)status} for activity {i}");
        }
        output.WriteLine(string.Join(", ", statuses.Select(p => $"{(int)p.Key}×{p.Value}")));
        await Eventually.UntilAsync(async () => await host.UnprocessedUpdatesAsync() == 0,
            "inbox settled", seconds: 60);
        var failed = await host.QueryAsync<string>("SELECT update_id || ' ' || COALESCE(error, '') FROM inbox WHERE status = 'failed'");
        Assert.True(failed.Count == 0, $"seed {seed}: activities a handler could not process:\n" + string.Join("\n", failed.Take(10)));

        var help = Activity("29:after-fuzz", "/help", null, channel: false);
        help["type"] = "message";
        help["id"] = "after-fuzz-1";
        Assert.Equal(HttpStatusCode.OK, await PostAsync(host, Academy.BotHost.Channels.BotFramework.BotFrameworkOptions.MessagesPath, help.ToJsonString(), secret: null));
        await Eventually.UntilAsync(() => Task.FromResult(connector.Posted.Any(p => p.ConversationId == "a:personal-29:after-fuzz")), "reply to /help");
        var errors = _logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, $"seed {seed}: errors logged:\n" + string.Join("\n", errors.Take(5)));
    }

    /// <summary>
    /// A fixed seed by default, so the suite is repeatable; ACADEMY_FUZZ_SEED=random explores new ones
    /// (every seed found failing so far is fixed), ACADEMY_FUZZ_SEED=N replays one.
    /// </summary>
    private static int FuzzSeed() => Environment.GetEnvironmentVariable("ACADEMY_FUZZ_SEED") switch
    {
        null or "" => 20_261_201,
        "random" => Random.Shared.Next(),
        var given => int.Parse(given, System.Globalization.CultureInfo.InvariantCulture),
    };

    private AcademyApp StartHost() => new(
        new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = _api.Token,
            ["Telegram:ApiBaseUrl"] = _api.BaseUrl,
            ["Telegram:Mode"] = "Webhook",
            ["Telegram:WebhookUrl"] = "https://academy.example.org" + HookPath,
            ["Telegram:SecretToken"] = Secret,
            ["Playground:Enabled"] = "true",
        },
        services: s => s.AddSingleton<ILoggerProvider>(_logs));

    private static Task<HttpStatusCode> PostAsync(AcademyApp host, string json) => PostAsync(host, HookPath, json, Secret);

    private static Task<HttpStatusCode> PostAsync(AcademyApp host, string path, string json, string? secret) =>
        TelegramUpdates.PostAsync(host.Client, path, json, secret);

    // ---- the generator ----

    private static readonly string[] UpdateKinds =
        ["message", "edited_message", "channel_post", "callback_query", "poll_answer", "poll", "my_chat_member", "chat_member", "inline_query", "business_message", "x_future_kind"];

    private static readonly string[] Strings =
        ["", " ", "/start", "/bind@AcademyTestBot HN-01", "/push", "/summary HN-01 99999999999", "q:1:2", "lang:xx", "ci:-1", "Nguyễn Thị Mai Anh", "王芳",
         "\u202Eevil", "\u200B", "👩🏽‍💻🇻🇳", "\\ud800", "<b>not html</b>", "&amp;", "' OR 1=1 --", "=cmd|' /C calc'!A0", new string('x', 5000), "+84 903 100 200", "\u0000nul"];

    /// <summary>One real-shaped update: a command, a button press, a contact, a poll answer, a member change.</summary>
    private static JsonObject Shapes(TelegramUpdates updates, Random random)
    {
        long user = 7000 + random.Next(5);
        var json = random.Next(7) switch
        {
            0 => updates.PrivateText(user, Pick(random, Strings)),
            1 => updates.CommandIn(Group, user, Pick(random, Strings)),
            2 => updates.Callback(user, random.Next(2) == 0 ? user : Group, Pick(random, Strings)),
            3 => updates.Contact(user, Pick(random, Strings)),
            4 => updates.PollAnswer(user, random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture), random.Next(-2, 12)),
            5 => updates.Update(new
            {
                my_chat_member = new
                {
                    chat = TelegramUpdates.Chat(Group), from = TelegramUpdates.User(user), date = 1796090400,
                    old_chat_member = new { status = "left", user = new { id = FakeBotApi.BotId, is_bot = true, first_name = "Bot" } },
                    new_chat_member = new { status = "member", user = new { id = FakeBotApi.BotId, is_bot = true, first_name = "Bot" } },
                },
            }),
            _ => updates.Update(new { poll = new { id = "5", question = "?", options = new[] { new { text = "a", voter_count = 1 } }, is_closed = true } }),
        };
        return JsonNode.Parse(json)!.AsObject();
    }

    private static string Mutate(Random random, JsonObject update, long updateId, string idKey = "update_id")
    {
        update[idKey] = idKey == "update_id" ? updateId : JsonValue.Create(updateId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        for (int n = 1 + random.Next(4); n > 0; n--)
        {
            var (parent, key) = PickSlot(random, update);
            switch (random.Next(10))
            {
                case 0: Set(parent, key, null); break;
                case 1: Set(parent, key, JsonValue.Create(Pick(random, Strings))); break;
                case 2: Set(parent, key, JsonNode.Parse(Pick(random, ["1e308", "-1e308", "99999999999999999999999999", "-9223372036854775808", "18446744073709551615", "0.5", "-0"]))); break;
                case 3: Set(parent, key, JsonValue.Create(random.Next(2) == 0)); break;
                case 4: Set(parent, key, JsonNode.Parse(new string('[', 60) + new string(']', 60))); break;
                case 5: Set(parent, key, new JsonArray(JsonValue.Create(1), JsonValue.Create("two"), null)); break;
                case 6: Set(parent, key, new JsonObject { ["unexpected"] = new JsonObject() }); break;
                case 7: // missing field
                    if (parent is JsonObject o && key is string k && k != idKey) o.Remove(k);
                    break;
                case 8: // another update kind with the same body
                    var kind = update.Select(p => p.Key).FirstOrDefault(k => k != idKey);
                    if (kind is not null)
                    {
                        var body = update[kind];
                        update.Remove(kind);
                        update[Pick(random, UpdateKinds)] = body;
                    }
                    break;
                default:
                    if (random.Next(20) == 0) update[idKey] = JsonNode.Parse(Pick(random, ["\"12\"", "null", "1.5", "-1", "1e3", "[]"]));
                    break;
            }
        }
        return update.ToJsonString();
    }

    private static (JsonNode Parent, object Key) PickSlot(Random random, JsonObject root)
    {
        JsonNode parent = root;
        var keys = root.Select(p => p.Key).Where(k => k is not ("update_id" or "id")).DefaultIfEmpty("message").ToList();
        object key = keys[random.Next(keys.Count)];
        // Walk down a random path; stop at a random depth.
        while (true)
        {
            var child = parent is JsonObject o ? o[(string)key] : parent is JsonArray a ? a[(int)key] : null;
            if (random.Next(3) == 0 || child is null or JsonValue) return (parent, key);
            if (child is JsonObject obj && obj.Count > 0) { parent = obj; key = obj.ElementAt(random.Next(obj.Count)).Key; }
            else if (child is JsonArray arr && arr.Count > 0) { parent = arr; key = random.Next(arr.Count); }
            else return (parent, key);
        }
    }

    private static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (parent is JsonObject o) o[(string)key] = value;
        else if (parent is JsonArray a) a[(int)key] = value;
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
