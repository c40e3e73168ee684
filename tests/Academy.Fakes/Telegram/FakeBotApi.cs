using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Academy.Fakes.Telegram;

public sealed record RecordedFile(string FileName, byte[] Content);

/// <summary>
/// One call the fake received. <see cref="Fields"/> holds every top-level field as text (strings
/// as-is, numbers and objects as JSON), whether it came as JSON or as multipart form fields.
/// </summary>
public sealed record RecordedRequest(string Method, IReadOnlyDictionary<string, string> Fields,
    IReadOnlyDictionary<string, RecordedFile> Files, bool IsMultipart, int StatusCode)
{
    public string? Field(string name) => Fields.GetValueOrDefault(name);

    public long? ChatId => Fields.TryGetValue("chat_id", out var v) && long.TryParse(v, CultureInfo.InvariantCulture, out var id) ? id : null;

    public JsonElement FieldJson(string name) => JsonDocument.Parse(Fields[name]).RootElement;

    /// <summary>When the fake received it, by its clock (the one its rate limits count with).</summary>
    public DateTimeOffset At { get; init; }
}

/// <summary>
/// An in-process Bot API on a loopback port: the documented behaviour of the methods Academy
/// calls, Telegram's rate limits, and faults a test can program per chat. Every request is
/// recorded (after the token check) with the status it got.
/// </summary>
public sealed partial class FakeBotApi : IAsyncDisposable
{
    public const long BotId = 7_123_456_789; // bot ids are past 2^32 too
    public const string BotUsername = "AcademyTestBot";

    private static readonly HashSet<string> SendMethods = new(StringComparer.OrdinalIgnoreCase)
        { "sendMessage", "sendPoll", "sendPhoto", "sendDocument" };

    private WebApplication? _app;
    private UnansweredPort? _unanswered;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly RateLimits _limits;
    private readonly Dictionary<long, long> _lastMessageId = [];
    private readonly Dictionary<(long Chat, long Message), JsonObject> _messages = [];
    private readonly List<(long Id, JsonObject Update)> _updates = [];
    private readonly Dictionary<long, string> _blocked = [];
    private readonly Dictionary<long, int> _failNext = [];
    private readonly Dictionary<long, long> _migrated = [];
    private readonly Dictionary<long, string> _rejected = [];
    private readonly Dictionary<long, int> _throttleNext = [];
    private DateTimeOffset _botThrottledUntil = DateTimeOffset.MinValue;
    private readonly HashSet<long> _hanging = [];
    private readonly HashSet<string> _brokenMethods = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _refusedMethods = new(StringComparer.OrdinalIgnoreCase);
    private TaskCompletionSource _updateArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextUpdateId = 100_000_001;
    private long _nextPollId = 5_370_000_000_000_000_001;
    private bool _polling;
    private string? _webhookUrl;

    private FakeBotApi(TimeProvider time)
    {
        _time = time;
        _limits = new RateLimits(time);
    }

    public string Token { get; } = $"{BotId}:AAHfake-Secret_0123456789abcdefghijkl";

    /// <summary>http://127.0.0.1:{port}, for TelegramOptions.ApiBaseUrl.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>getUpdates waits at most this long, whatever timeout it asks for, so tests stay fast.</summary>
    public TimeSpan MaxLongPoll { get; set; } = TimeSpan.FromSeconds(3);

    public bool EnforceRateLimits { get; set; } = true;

    /// <summary>
    /// How many sends one chat may bunch before getting 429 (default 3: Telegram lets short bursts
    /// through). 1 holds every chat strictly to one message a second, as the documentation states it.
    /// </summary>
    public int ChatBurst
    {
        get { lock (_gate) return _limits.Burst; }
        set { lock (_gate) _limits.Burst = Math.Max(1, value); }
    }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_gate) return [.. _requests]; }
    }

    public string? WebhookUrl
    {
        get { lock (_gate) return _webhookUrl; }
    }

    /// <summary>A message the bot sent, as the chat shows it now (after edits), or null.</summary>
    public JsonObject? Message(long chatId, long messageId)
    {
        lock (_gate) return _messages.TryGetValue((chatId, messageId), out var message) ? (JsonObject)message.DeepClone() : null;
    }

    /// <summary>The messages the bot sent to a chat, as it shows them now, oldest first.</summary>
    public IReadOnlyList<JsonObject> Messages(long chatId)
    {
        lock (_gate)
            return [.. _messages.Where(m => m.Key.Chat == chatId).OrderBy(m => m.Key.Message).Select(m => (JsonObject)m.Value.DeepClone())];
    }

    public static async Task<FakeBotApi> StartAsync(TimeProvider? time = null)
    {
        var fake = new FakeBotApi(time ?? TimeProvider.System);
        fake._app = await fake.ListenAsync("http://127.0.0.1:0");
        fake.BaseUrl = fake._app.Urls.Single();
        return fake;
    }

    private async Task<WebApplication> ListenAsync(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// The API's address stops taking connections, as when the network or the server is down: every
    /// connection is refused (nothing listens), or with <paramref name="unanswered"/> never answered (a
    /// listener whose queue is full: the kernel drops each SYN, so the client's connect times out).
    /// Either way no request reaches the API — it records nothing — until <see cref="ReconnectAsync"/>.
    /// Called again while down, it switches between the two.
    /// </summary>
    public async Task DisconnectAsync(bool unanswered = false)
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
        CloseUnanswered();
        if (unanswered) _unanswered = await UnansweredPort.OpenAsync(new Uri(BaseUrl).Port);
    }

    /// <summary>The API takes connections again, at the same address, with everything it recorded.</summary>
    public async Task ReconnectAsync()
    {
        CloseUnanswered();
        _app ??= await ListenAsync(BaseUrl);
    }

    private void CloseUnanswered()
    {
        _unanswered?.Dispose();
        _unanswered = null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        CloseUnanswered();
        if (_app is { } app)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        _stopping.Dispose();
    }

    /// <summary>Queues an update for getUpdates; an update without update_id gets the next one. Returns its id.</summary>
    public long EnqueueUpdate(string json)
    {
        var update = JsonNode.Parse(json)?.AsObject() ?? throw new ArgumentException("An update is a JSON object.", nameof(json));
        lock (_gate)
        {
            var id = update["update_id"]?.GetValue<long>() ?? _nextUpdateId;
            update["update_id"] = id;
            _nextUpdateId = Math.Max(_nextUpdateId, id + 1);
            _updates.Add((id, update));
            _updateArrived.TrySetResult();
            _updateArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return id;
        }
    }

    public int PendingUpdates
    {
        get { lock (_gate) return _updates.Count; }
    }

    /// <summary>Every later call for the chat gets 403 (the user blocked the bot, or the bot was kicked).</summary>
    public void BlockChat(long chatId, string description = "Forbidden: bot was blocked by the user")
    {
        lock (_gate) _blocked[chatId] = description;
    }

    /// <summary>Every call of this method fails with 500 (e.g. setMyCommands), whatever the chat.</summary>
    public void BreakMethod(string method)
    {
        lock (_gate) _brokenMethods.Add(method);
    }

    /// <summary>
    /// Every call of this method gets 400 with <paramref name="description"/> (a setting Telegram will not
    /// take, a webhook address it cannot reach); null lifts the refusal.
    /// </summary>
    public void RefuseMethod(string method, string? description)
    {
        lock (_gate)
        {
            if (description is null) _refusedMethods.Remove(method);
            else _refusedMethods[method] = description;
        }
    }

    /// <summary>The next <paramref name="count"/> calls for the chat get 500.</summary>
    public void FailNext(long chatId, int count)
    {
        lock (_gate) _failNext[chatId] = count;
    }

    /// <summary>The group became a supergroup: calls for the old id get 400 with migrate_to_chat_id.</summary>
    public void MigrateChat(long chatId, long newChatId)
    {
        lock (_gate) _migrated[chatId] = newChatId;
    }

    /// <summary>Every later call for the chat gets 400 with this description.</summary>
    public void RejectChat(long chatId, string description)
    {
        lock (_gate) _rejected[chatId] = description;
    }

    /// <summary>The next call for the chat gets 429 with this retry_after.</summary>
    public void ThrottleNext(long chatId, int retryAfterSeconds)
    {
        lock (_gate) _throttleNext[chatId] = retryAfterSeconds;
    }

    /// <summary>
    /// The bot as a whole is over its limit (a flood wait): for the next <paramref name="retryAfterSeconds"/>,
    /// every send to any chat gets 429 with the seconds still to wait as retry_after, as Telegram counts them down.
    /// </summary>
    public void ThrottleBot(int retryAfterSeconds)
    {
        lock (_gate) _botThrottledUntil = _time.GetUtcNow() + TimeSpan.FromSeconds(retryAfterSeconds);
    }

    /// <summary>Until when <see cref="ThrottleBot"/> holds every send.</summary>
    public DateTimeOffset BotThrottledUntil
    {
        get { lock (_gate) return _botThrottledUntil; }
    }

    /// <summary>Calls for the chat are received and recorded but never answered.</summary>
    public void HangChat(long chatId)
    {
        lock (_gate) _hanging.Add(chatId);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var match = PathPattern().Match(context.Request.Path.Value ?? "");
        if (!match.Success || context.Request.Method != HttpMethods.Post && context.Request.Method != HttpMethods.Get)
        {
            await WriteAsync(context, Reply.Error(404, "Not Found"));
            return;
        }
        if (match.Groups["token"].Value != Token)
        {
            await WriteAsync(context, Reply.Error(401, "Unauthorized"));
            return;
        }
        var method = match.Groups["method"].Value;
        var (fields, files, multipart) = await ReadBodyAsync(context.Request);

        Reply reply;
        bool broken;
        string? refusal;
        lock (_gate)
        {
            broken = _brokenMethods.Contains(method);
            refusal = _refusedMethods.GetValueOrDefault(method);
        }
        if (broken)
            reply = Reply.Error(500, "Internal Server Error");
        else if (refusal is not null)
            reply = Reply.BadRequest(refusal);
        else if (method.Equals("getUpdates", StringComparison.OrdinalIgnoreCase))
            reply = await GetUpdatesAsync(fields, context.RequestAborted);
        else
            lock (_gate) reply = Dispatch(method, fields, files);

        lock (_gate) _requests.Add(new RecordedRequest(method, fields, files, multipart, reply.Hang ? 0 : reply.Status) { At = _time.GetUtcNow() });
        if (reply.Hang)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try { await Task.Delay(Timeout.Infinite, stop.Token); }
            catch (OperationCanceledException) { context.Abort(); }
            return;
        }
        await WriteAsync(context, reply);
    }

    private static async Task<(Dictionary<string, string>, Dictionary<string, RecordedFile>, bool)> ReadBodyAsync(HttpRequest request)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new Dictionary<string, RecordedFile>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query) fields[key] = value.ToString();
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            foreach (var (key, value) in form) fields[key] = value.ToString();
            foreach (var file in form.Files)
            {
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer);
                files[file.Name] = new RecordedFile(file.FileName, buffer.ToArray());
            }
            return (fields, files, true);
        }
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        if (!string.IsNullOrWhiteSpace(body))
        {
            using var json = JsonDocument.Parse(body);
            foreach (var property in json.RootElement.EnumerateObject())
                fields[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }
        return (fields, files, false);
    }

    private static async Task WriteAsync(HttpContext context, Reply reply)
    {
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(reply.Body.ToJsonString());
    }

    [GeneratedRegex("^/bot(?<token>[^/]+)/(?<method>[A-Za-z]+)$")]
    private static partial Regex PathPattern();

    /// <summary>A Bot API answer: the {ok, result} / {ok, error_code, description, parameters} envelope, or no answer at all.</summary>
    private sealed record Reply(int Status, JsonObject Body, bool Hang = false)
    {
        public static Reply Ok(JsonNode? result) => new(200, new JsonObject { ["ok"] = true, ["result"] = result });

        public static Reply Error(int code, string description, JsonObject? parameters = null)
        {
            var body = new JsonObject { ["ok"] = false, ["error_code"] = code, ["description"] = description };
            if (parameters is not null) body["parameters"] = parameters;
            return new Reply(code, body);
        }

        public static Reply BadRequest(string description) => Error(400, "Bad Request: " + description);

        public static Reply TooMany(int retryAfter) =>
            Error(429, $"Too Many Requests: retry after {retryAfter}", new JsonObject { ["retry_after"] = retryAfter });

        public static readonly Reply NoAnswer = new(0, [], Hang: true);
    }
}
