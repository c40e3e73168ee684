using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Academy.Tests.Telegram;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Academy.Tests.Dashboard.DashboardSupport;
using static Academy.Tests.Support.PlaygroundUser;
using Academy.Learning.Content;

namespace Academy.Tests.Dashboard;

/// <summary>Every log line the host writes, as its configured filters let through.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The message, its structured values and any exception: whatever a log sink would store.
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} | {values} | {exception}");
        }
    }
}

/// <summary>/metrics after real traffic, and logs free of secrets during a registration and a Telegram exchange.</summary>
public sealed class OperationsTests
{
    private static readonly DateTimeOffset Day1Morning = DateTimeOffset.Parse("2026-12-01T02:00:00Z");

    [Fact]
    public async Task Metrics_count_updates_answers_and_sends_and_read_the_outbox_from_the_store()
    {
        await using var app = new AcademyApp(time: new ShiftedTime(Day1Morning));
        var admin = await RegisterAsync(app, Admin);
        var learner = await RegisterAsync(app, LearnerHanoi);
        const string group = "group-HN-01";
        await admin.SayAsync(group, "/push");
        var quiz = await WaitForBotAsync(app, group, m => ButtonData(m).Any(d => d.StartsWith("q:", StringComparison.Ordinal)) &&
                                                          !ButtonData(m).Any(d => d.EndsWith(":submit", StringComparison.Ordinal)));
        var option = ButtonData(quiz.GetProperty("message")).First();
        foreach (var _ in new[] { 1, 2 }) // a double tap: one answer
        {
            var last = await LastIdAsync(app, group);
            await learner.PressAsync(group, option);
            await WaitForBotAsync(app, group, m => m.GetProperty("notice").GetBoolean(), last);
        }
        // Two rows that are not due yet, the older created 90 s ago: the depth and age gauges read them.
        await using (var s = await app.Services.GetRequiredService<AcademyDatabase>().BeginAsync())
        {
            foreach (var (key, age) in new[] { ("test/later/1", 90_000L), ("test/later/2", 10_000L) })
                await s.ExecuteAsync(
                    """
                    INSERT INTO outbox (idem_key, channel, chat_id, payload, status, attempts, not_before, created_at)
                    VALUES (@key, 'playground', 'group-SH-01', '{}', 'pending', 0, @later, @created)
                    """, new { key, later = Day1Morning.AddDays(30).ToUnixTimeMilliseconds(), created = Day1Morning.ToUnixTimeMilliseconds() - age });
            await s.CommitAsync();
        }
        await Eventually.UntilAsync(async () => await app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status IN ('sending') OR (status = 'pending' AND idem_key NOT LIKE 'test/%')") == 0, "outbox drained");

        var response = await app.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain; version=0.0.4", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var metrics = Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(await app.ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE channel = 'playground'"), metrics["academy_updates_received_total{channel=\"playground\"}"]);
        Assert.Equal(1, metrics["academy_answers_recorded_total"]);
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT COUNT(*) FROM answers"));
        Assert.Equal(await app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status = 'sent'"), metrics["academy_sends_total{channel=\"playground\",result=\"sent\"}"]);
        Assert.Equal(2, metrics["academy_outbox_depth"]);
        Assert.InRange(metrics["academy_outbox_oldest_pending_age_seconds"], 90, 600);
        Assert.Equal(0, metrics["academy_rate_limited_total{channel=\"playground\"}"]);
        Assert.Equal(0, metrics["academy_inbox_pending"]);
    }

    [Fact]
    public async Task No_log_line_carries_the_bot_token_a_phone_number_or_a_sign_in_token()
    {
        await using var api = await FakeBotApi.StartAsync();
        var logs = new CapturedLogs();
        await using var app = new AcademyApp(new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = api.Token,
            ["Telegram:ApiBaseUrl"] = api.BaseUrl,
            ["Telegram:Mode"] = "Webhook",
            ["Telegram:WebhookUrl"] = "https://academy.example.org/telegram/hook",
            ["Telegram:SecretToken"] = "hook-Secret_123",
            ["Logging:LogLevel:Academy"] = "Debug",
        }, services: s => s.AddSingleton<ILoggerProvider>(logs), time: new ShiftedTime(Day1Morning));
        var telegram = new TelegramChat(app, api);
        const long liaison = 5002;

        // A registration in the playground and one over Telegram, both sharing a phone number.
        await RegisterAsync(app, LearnerHanoi);
        await telegram.RegisterAsync(liaison, "+84 912 345 678");
        // A 429 on the way (logged as a warning), then the dashboard link, used to sign in.
        api.ThrottleNext(liaison, 1);
        await telegram.SendAsync(telegram.Updates.PrivateText(liaison, "/dashboard"));
        var reply = await telegram.WaitForSendAsync(liaison, t => t.Contains("/dashboard/signin?token=", StringComparison.Ordinal));
        var link = new Uri(Regex.Match(reply.Field("text")!, @"https?://\S+").Value);
        using var http = RawClient(app);
        var cookie = await SignInAsync(http, link);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, "/dashboard", cookie)).StatusCode);

        var metrics = Parse(await app.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        Assert.Equal(1, metrics["academy_rate_limited_total{channel=\"telegram\"}"]);
        Assert.Equal(telegram.Posted, metrics["academy_updates_received_total{channel=\"telegram\"}"]);
        Assert.True(metrics["academy_sends_total{channel=\"telegram\",result=\"retry_later\"}"] >= 1);

        var lines = logs.Lines;
        Assert.Contains(lines, l => l.Contains("RetryLater", StringComparison.Ordinal)); // the capture sees the host's logs
        var secrets = new Dictionary<string, string>
        {
            ["bot token"] = api.Token.Split(':')[1],
            ["liaison's phone"] = "912345678",
            ["learner's phone"] = "913000111",
            ["sign-in token"] = System.Web.HttpUtility.ParseQueryString(link.Query)["token"]!,
            ["session token"] = cookie.Split('=', 2)[1],
        };
        foreach (var (what, secret) in secrets)
            Assert.False(lines.Any(l => l.Contains(secret, StringComparison.Ordinal)),
                $"a log line carries the {what}: {lines.FirstOrDefault(l => l.Contains(secret, StringComparison.Ordinal))}");
    }

    private static Dictionary<string, double> Parse(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#'))
            .Select(l => (Key: l[..l.LastIndexOf(' ')], Value: double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)))
            .ToDictionary(x => x.Key, x => x.Value);

    /// <summary>Telegram updates posted to the host's webhook, and what the fake Bot API was asked to send.</summary>
    private sealed class TelegramChat(AcademyApp app, FakeBotApi api)
    {
        private readonly TelegramUpdates _updates = new();

        public TelegramUpdates Updates => _updates;

        public int Posted { get; private set; }

        public async Task RegisterAsync(long user, string phone)
        {
            await SendAsync(_updates.PrivateText(user, "/start"));
            await WaitForSendAsync(user, t => t.Contains("choose your language", StringComparison.Ordinal));
            await SendAsync(_updates.Callback(user, user, "lang:en"));
            await WaitForSendAsync(user, t => t.Contains("share your phone number", StringComparison.Ordinal));
            await SendAsync(_updates.Contact(user, phone));
            await WaitForSendAsync(user, t => t.StartsWith("Welcome,", StringComparison.Ordinal));
        }

        public async Task SendAsync(string json)
        {
            Assert.Equal(HttpStatusCode.OK, await TelegramUpdates.PostAsync(app.Client, "/telegram/hook", json, "hook-Secret_123"));
            Posted++;
        }

        public async Task<RecordedRequest> WaitForSendAsync(long chat, Func<string, bool> text)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (true)
            {
                if (api.Requests.LastOrDefault(r => r.Method == "sendMessage" && r.ChatId == chat && r.StatusCode == 200 && text(r.Field("text") ?? "")) is { } found)
                    return found;
                Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for a message to {chat}");
                await Task.Delay(50);
            }
        }
    }
}
