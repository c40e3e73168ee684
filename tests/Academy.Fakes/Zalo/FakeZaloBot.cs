using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Academy.Fakes.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Academy.Fakes.Zalo;

/*
 * Docs — what this fake encodes. [M] = the official Bot Platform documentation as copied on 10/12/2025
 * (XuanNguyenNB/QuanLyThuChi_Bot_Telegram_Zalom docs/ZALO_BOT_API.md, pointing at bot.zaloplatforms.com/docs)
 * together with OpenClaw's client (extensions/zalo/src/api.ts, monitor.ts) and the Hermes plugin; [L] one of
 * them only; [A] assumed here. The channel keeps [L]/[A] facts in configuration.
 *
 *  - Every method is POST {base}/bot{token}/{method} with a JSON body ({} allowed) [M]; answers are
 *    {"ok": true, "result": …} or {"ok": false, "error_code": n, "description": …} [M]. Whether the HTTP status
 *    mirrors error_code is not documented: ErrorsUseHttpStatus (default on, like the Telegram API it copies) [A].
 *    A wrong token → 401 "Unauthorized" [L: OpenClaw's test double]; an unknown method → 404 [A].
 *  - getMe → {id, account_name, account_type: "BASIC", can_join_groups: false} [M].
 *  - getUpdates {timeout: "30" (seconds, a string)} [M] returns ONE update in result, not a list, and has no
 *    offset [M]; when nothing arrives within the timeout (capped by MaxLongPoll so tests stay fast) the answer is
 *    error_code 408 [M: OpenClaw treats 408 as "poll again"], description "Request timeout" [A]. An update is
 *    handed out once; one lost in transit is lost [A]. getUpdates while a webhook is set does not work [M]:
 *    409 "Conflict: webhook is active" here [A code].
 *  - setWebhook {url (HTTPS), secret_token (8–256 characters)} → {url, updated_at (ms)} [M]; an http:// URL is
 *    refused except on loopback (so tests can use Kestrel) [A]. deleteWebhook → {url: "", updated_at} [M];
 *    getWebhookInfo → {url, updated_at} [M]. While a webhook is set, every update is POSTed to it with header
 *    X-Bot-Api-Secret-Token [M], body {ok: true, result: {event_name, message}} [M] (WebhookEnvelope off: the bare
 *    update [L]); a try waits WebhookTimeout (5 s) for a 200 and is retried after each WebhookRetrySchedule delay,
 *    then dropped [A: Zalo documents neither].
 *  - sendMessage {chat_id, text 1–2000 characters} → {message_id, date} [M]; longer or empty → 400 [A code];
 *    sendPhoto {chat_id, photo (image URL), caption ≤ 2000} [M]; sendChatAction {chat_id, action typing |
 *    upload_photo} → {ok: true} [M]. Only chats that have written to the bot are known (RequirePriorMessage) →
 *    else 400 "chat not found" [A]; ordinary bots cannot be in groups [M], so a GROUP chat id is refused with 403
 *    [A] unless AllowGroupSends.
 *  - Updates a test injects: event_name message.text.received / message.image.received /
 *    message.sticker.received / message.unsupported.received [M]; message {message_id (hex), date (Unix ms),
 *    text | photo_url | sticker, from {id, display_name, is_bot: false}, chat {id = the sender for a private chat,
 *    chat_type PRIVATE | GROUP}} [M].
 *  - Rate limits are not published [M]: SendsPerMinute (off by default) answers 429 "Too Many Requests" [A].
 */

/// <summary>A message the bot sent.</summary>
public sealed record ZaloBotMessage(string Method, string ChatId, string? Text, string? Photo, string? Caption, string MessageId, DateTimeOffset At);

/// <summary>One webhook delivery of an update: every try and whether the host took it.</summary>
public sealed record ZaloBotDelivery(string MessageId, string Body, IReadOnlyList<CallbackAttempt> Attempts)
{
    public bool Accepted => Attempts.Count > 0 && Attempts[^1].Status == 200;
}

/// <summary>
/// An in-process Zalo Bot Platform on a loopback port: <c>bot{token}/…</c> with one update per
/// <c>getUpdates</c>, a webhook pushed with the secret header, private chats only, faults per method through
/// <see cref="Faults"/>, and a queue tests fill with what learners write.
/// </summary>
public sealed partial class FakeZaloBot : IAsyncDisposable
{
    public const string BotId = "1459232241454765289";
    public const string BotName = "bot.AcademyVN";

    private WebApplication? _app;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<ApiCall> _calls = [];
    private readonly LinkedList<JsonObject> _queue = new();
    private readonly Dictionary<string, string> _chats = new(StringComparer.Ordinal); // chat id → chat_type
    private readonly List<ZaloBotMessage> _sent = [];
    private readonly List<ZaloBotDelivery> _deliveries = [];
    private readonly List<DateTimeOffset> _sends = [];
    private readonly HttpClient _pusher = new();
    private readonly SemaphoreSlim _pending = new(0);
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _pump;
    private (string Url, string Secret, DateTimeOffset At)? _webhook;
    private DateTimeOffset _webhookChanged;

    private FakeZaloBot(TimeProvider time) => _time = time;

    public string Token { get; } = BotId + ":zb-Qm7kR2vX9pT4nW8yB3cF6hJ1";

    public ApiFaults Faults { get; } = new();

    /// <summary>http://127.0.0.1:{port}, for <c>Zalo:ApiBaseUrl</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>getUpdates waits at most this long, whatever timeout it asks for.</summary>
    public TimeSpan MaxLongPoll { get; set; } = TimeSpan.FromSeconds(3);

    public bool ErrorsUseHttpStatus { get; set; } = true;

    public int TextLimit { get; set; } = 2000;

    public bool RequirePriorMessage { get; set; } = true;

    public bool AllowGroupSends { get; set; }

    public bool WebhookEnvelope { get; set; } = true;

    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public IReadOnlyList<TimeSpan> WebhookRetrySchedule { get; set; } = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    /// <summary>Sends (any send method) per minute before 429; null: no limit.</summary>
    public int? SendsPerMinute { get; set; }

    public IReadOnlyList<ApiCall> Calls
    {
        get { lock (_gate) return [.. _calls]; }
    }

    public IReadOnlyList<ApiCall> CallsTo(string method)
    {
        lock (_gate) return [.. _calls.Where(c => c.Method == method)];
    }

    public IReadOnlyList<ZaloBotMessage> Sent
    {
        get { lock (_gate) return [.. _sent]; }
    }

    public IReadOnlyList<ZaloBotMessage> SentTo(string chatId)
    {
        lock (_gate) return [.. _sent.Where(m => m.ChatId == chatId)];
    }

    public IReadOnlyList<ZaloBotDelivery> WebhookDeliveries
    {
        get { lock (_gate) return [.. _deliveries]; }
    }

    public int PendingUpdates
    {
        get { lock (_gate) return _queue.Count; }
    }

    public string? WebhookUrl
    {
        get { lock (_gate) return _webhook?.Url; }
    }

    public static async Task<FakeZaloBot> StartAsync(TimeProvider? time = null)
    {
        var fake = new FakeZaloBot(time ?? TimeProvider.System);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake._app = app;
        fake.BaseUrl = app.Urls.Single();
        fake._pump = Task.Run(fake.PumpAsync);
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_pump is { } pump)
        {
            try { await pump; }
            catch (OperationCanceledException) { /* stopping */ }
        }
        if (_app is { } app)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        _pusher.Dispose();
        _pending.Dispose();
        _stopping.Dispose();
    }

    // ---- What learners write (the queue) -----------------------------------------------------------

    /// <summary>A learner writes to the bot in a private chat. Returns the update's message id.</summary>
    public string SendText(string userId, string text, string displayName = "Người học") =>
        Enqueue("message.text.received", userId, userId, "PRIVATE", displayName, m => m["text"] = text);

    public string SendImage(string userId, string photoUrl, string? caption = null, string displayName = "Người học") =>
        Enqueue("message.image.received", userId, userId, "PRIVATE", displayName, m =>
        {
            m["photo_url"] = photoUrl;
            if (caption is not null) m["caption"] = caption;
        });

    public string SendSticker(string userId, string stickerId = "0e078a2fb66a5f34067b", string displayName = "Người học") =>
        Enqueue("message.sticker.received", userId, userId, "PRIVATE", displayName, m => m["sticker"] = stickerId);

    /// <summary>Voice, a file, a link card…: what the bot is told it cannot read.</summary>
    public string SendUnsupported(string userId, string displayName = "Người học") =>
        Enqueue("message.unsupported.received", userId, userId, "PRIVATE", displayName, _ => { });

    /// <summary>A message in a group chat (which ordinary bots never see today; for the channel's "ignore groups" path).</summary>
    public string SendGroupText(string groupId, string userId, string text, string displayName = "Người học") =>
        Enqueue("message.text.received", groupId, userId, "GROUP", displayName, m => m["text"] = text);

    /// <summary>Queues any update object (<c>{event_name, message}</c>) as given.</summary>
    public void Enqueue(JsonObject update)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_gate)
        {
            if (update["message"]?["chat"] is JsonObject chat && chat["id"]?.GetValue<string>() is { } chatId)
                _chats[chatId] = chat["chat_type"]?.GetValue<string>() ?? "PRIVATE";
            _queue.AddLast(update);
            _arrived.TrySetResult();
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        _pending.Release();
    }

    private string Enqueue(string eventName, string chatId, string userId, string chatType, string displayName, Action<JsonObject> fill)
    {
        var id = FakeZaloOA.NewMessageId();
        var message = new JsonObject
        {
            ["message_id"] = id,
            ["date"] = Now.ToUnixTimeMilliseconds(),
            ["from"] = new JsonObject { ["id"] = userId, ["display_name"] = displayName, ["is_bot"] = false },
            ["chat"] = new JsonObject { ["id"] = chatId, ["chat_type"] = chatType },
        };
        fill(message);
        Enqueue(new JsonObject { ["event_name"] = eventName, ["message"] = message });
        return id;
    }

    // ---- HTTP plumbing ----------------------------------------------------------------------------

    private async Task HandleAsync(HttpContext context)
    {
        var match = PathPattern().Match(context.Request.Path.Value ?? "");
        if (!match.Success)
        {
            await WriteAsync(context, Error(404, "Not Found"));
            return;
        }
        var method = match.Groups["method"].Value;
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        if (match.Groups["token"].Value != Token)
        {
            Record(method, body, 401, 401);
            await WriteAsync(context, Error(401, "Unauthorized"));
            return;
        }

        if (Faults.Take(method) is { } fault && await ApiFaults.ServeAsync(context, fault, _stopping.Token, ErrorAnswer))
        {
            Record(method, body, fault.Kind == FaultKind.Errcode ? Status(fault.Errcode) : fault.Kind == FaultKind.Status ? fault.Status : 0,
                fault.Kind == FaultKind.Errcode ? fault.Errcode : -1);
            return;
        }

        JsonObject request;
        try
        {
            request = string.IsNullOrWhiteSpace(body) ? [] : JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            await Answer(context, method, body, Error(400, "Bad Request: the body is not a JSON object"));
            return;
        }

        var reply = method == "getUpdates"
            ? await GetUpdatesAsync(request, context.RequestAborted)
            : Dispatch(method, request);
        await Answer(context, method, body, reply);
    }

    private async Task Answer(HttpContext context, string method, string body, JsonObject reply)
    {
        var code = reply["ok"]?.GetValue<bool>() == true ? 0 : reply["error_code"]?.GetValue<int>() ?? -1;
        Record(method, body, code == 0 ? 200 : Status(code), code);
        await WriteAsync(context, reply);
    }

    private JsonObject Dispatch(string method, JsonObject request)
    {
        lock (_gate)
            return method switch
            {
                "getMe" => Ok(new JsonObject { ["id"] = BotId, ["account_name"] = BotName, ["account_type"] = "BASIC", ["can_join_groups"] = false }),
                "sendMessage" => SendMessage(request),
                "sendPhoto" => SendPhoto(request),
                "sendChatAction" => ChatAction(request),
                "setWebhook" => SetWebhook(request),
                "deleteWebhook" => DeleteWebhook(),
                "getWebhookInfo" => Ok(new JsonObject { ["url"] = _webhook?.Url ?? "", ["updated_at"] = _webhookChanged.ToUnixTimeMilliseconds() }),
                _ => Error(404, "Not Found: method " + method),
            };
    }

    private async Task<JsonObject> GetUpdatesAsync(JsonObject request, CancellationToken aborted)
    {
        var seconds = int.TryParse(Text(request, "timeout"), NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : 30;
        var wait = TimeSpan.FromSeconds(Math.Clamp(seconds, 0, 60));
        if (wait > MaxLongPoll) wait = MaxLongPoll;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted, _stopping.Token);
        deadline.CancelAfter(wait);
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                if (_webhook is not null) return Error(409, "Conflict: webhook is active; use deleteWebhook before getUpdates");
                if (_queue.First is { } first)
                {
                    _queue.RemoveFirst();
                    return Ok(first.Value.DeepClone());
                }
                if (deadline.IsCancellationRequested) return Error(408, "Request timeout");
                arrived = _arrived.Task;
            }
            try { await arrived.WaitAsync(deadline.Token); }
            catch (OperationCanceledException) { /* the long poll ran out: answer 408 on the next turn */ }
        }
    }

    private JsonObject Send(string method, JsonObject request, string? text, string? photo, string? caption)
    {
        var chatId = Text(request, "chat_id");
        if (chatId is null) return Error(400, "Bad Request: chat_id is required");
        if (_chats.TryGetValue(chatId, out var type) && type == "GROUP" && !AllowGroupSends)
            return Error(403, "Forbidden: the bot cannot send to group chats");
        if (RequirePriorMessage && type is null) return Error(400, "Bad Request: chat not found");
        if (SendsPerMinute is { } limit)
        {
            _sends.RemoveAll(s => Now - s >= TimeSpan.FromMinutes(1));
            if (_sends.Count >= limit) return Error(429, "Too Many Requests");
            _sends.Add(Now);
        }
        var id = FakeZaloOA.NewMessageId();
        _sent.Add(new ZaloBotMessage(method, chatId, text, photo, caption, id, Now));
        return Ok(new JsonObject { ["message_id"] = id, ["date"] = Now.ToUnixTimeMilliseconds() });
    }

    private JsonObject SendMessage(JsonObject request)
    {
        var text = Text(request, "text");
        if (text is null || Length(text) > TextLimit) return Error(400, $"Bad Request: text must be 1-{TextLimit} characters");
        return Send("sendMessage", request, text, photo: null, caption: null);
    }

    private JsonObject SendPhoto(JsonObject request)
    {
        var photo = Text(request, "photo");
        if (!Uri.TryCreate(photo, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return Error(400, "Bad Request: photo must be an image URL");
        var caption = Text(request, "caption");
        if (caption is not null && Length(caption) > TextLimit) return Error(400, $"Bad Request: caption must be at most {TextLimit} characters");
        return Send("sendPhoto", request, text: null, photo, caption);
    }

    private JsonObject ChatAction(JsonObject request)
    {
        if (Text(request, "action") is not ("typing" or "upload_photo")) return Error(400, "Bad Request: action must be typing or upload_photo");
        var chatId = Text(request, "chat_id");
        if (chatId is null || RequirePriorMessage && !_chats.ContainsKey(chatId)) return Error(400, "Bad Request: chat not found");
        return new JsonObject { ["ok"] = true };
    }

    private JsonObject SetWebhook(JsonObject request)
    {
        var url = Text(request, "url");
        var secret = Text(request, "secret_token");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !(uri.Scheme == "https" || uri.Scheme == "http" && uri.IsLoopback))
            return Error(400, "Bad Request: url must be an HTTPS URL");
        if (secret is null || secret.Length is < 8 or > 256) return Error(400, "Bad Request: secret_token must be 8-256 characters");
        _webhook = (url!, secret, Now);
        _webhookChanged = Now;
        _pending.Release();
        return Ok(new JsonObject { ["url"] = url, ["updated_at"] = Now.ToUnixTimeMilliseconds() });
    }

    private JsonObject DeleteWebhook()
    {
        _webhook = null;
        _webhookChanged = Now;
        return Ok(new JsonObject { ["url"] = "", ["updated_at"] = Now.ToUnixTimeMilliseconds() });
    }

    /// <summary>Pushes queued updates to the webhook, one at a time, in order, each with its tries.</summary>
    private async Task PumpAsync()
    {
        var stop = _stopping.Token;
        while (!stop.IsCancellationRequested)
        {
            try { await _pending.WaitAsync(TimeSpan.FromMilliseconds(200), stop); }
            catch (OperationCanceledException) { return; }
            while (true)
            {
                JsonObject update;
                string url, secret;
                lock (_gate)
                {
                    if (_webhook is not { } hook || _queue.First is not { } first) break;
                    _queue.RemoveFirst();
                    update = first.Value;
                    (url, secret) = (hook.Url, hook.Secret);
                }
                await DeliverAsync(update, url, secret, stop);
            }
        }
    }

    private async Task DeliverAsync(JsonObject update, string url, string secret, CancellationToken stop)
    {
        var body = (WebhookEnvelope ? Ok(update.DeepClone()) : update).ToJsonString(FakeZaloOA.Json);
        var tries = new List<CallbackAttempt>();
        for (var number = 1; number <= WebhookRetrySchedule.Count + 1; number++)
        {
            if (number > 1)
            {
                try { await Task.Delay(WebhookRetrySchedule[number - 2], stop); }
                catch (OperationCanceledException) { break; }
            }
            var watch = Stopwatch.StartNew();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
            deadline.CancelAfter(WebhookTimeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.TryAddWithoutValidation("X-Bot-Api-Secret-Token", secret);
                using var response = await _pusher.SendAsync(request, deadline.Token);
                var answer = await response.Content.ReadAsStringAsync(deadline.Token);
                tries.Add(new CallbackAttempt(number, (int)response.StatusCode, answer, false, null, watch.Elapsed));
                if ((int)response.StatusCode == 200) break;
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                tries.Add(new CallbackAttempt(number, null, null, true, "no answer within " + WebhookTimeout, watch.Elapsed));
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (HttpRequestException ex)
            {
                tries.Add(new CallbackAttempt(number, null, null, false, ex.Message, watch.Elapsed));
            }
        }
        lock (_gate) _deliveries.Add(new ZaloBotDelivery(update["message"]?["message_id"]?.GetValue<string>() ?? "", body, tries));
    }

    /// <summary>Waits until <paramref name="count"/> webhook deliveries have finished (all their tries).</summary>
    public async Task<IReadOnlyList<ZaloBotDelivery>> WaitForDeliveriesAsync(int count, TimeSpan timeout)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed < timeout)
        {
            lock (_gate)
                if (_deliveries.Count >= count) return [.. _deliveries];
            await Task.Delay(20);
        }
        throw new TimeoutException($"{count} webhook deliveries did not finish within {timeout}.");
    }

    private void Record(string method, string body, int status, int code)
    {
        lock (_gate) _calls.Add(new ApiCall(method, new Dictionary<string, string>(), body, [], status, code, Now));
    }

    private int Status(int code) => ErrorsUseHttpStatus && code is >= 400 and < 600 ? code : 200;

    private (int Status, string Body) ErrorAnswer(ApiFault fault) =>
        (Status(fault.Errcode), Error(fault.Errcode, fault.Errmsg ?? DefaultDescription(fault.Errcode)).ToJsonString(FakeZaloOA.Json));

    public static string DefaultDescription(int code) => code switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request timeout",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Error " + code.ToString(CultureInfo.InvariantCulture),
    };

    private async Task WriteAsync(HttpContext context, JsonObject reply)
    {
        var ok = reply["ok"]?.GetValue<bool>() == true;
        context.Response.StatusCode = ok ? 200 : Status(reply["error_code"]?.GetValue<int>() ?? 500);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(reply.ToJsonString(FakeZaloOA.Json));
    }

    private static JsonObject Ok(JsonNode? result) => new() { ["ok"] = true, ["result"] = result };

    private static JsonObject Error(int code, string description) => new() { ["ok"] = false, ["error_code"] = code, ["description"] = description };

    private static string? Text(JsonObject request, string name) => request[name] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    private static int Length(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes()) count++;
        return count;
    }

    [GeneratedRegex("^/bot(?<token>[^/]+)/(?<method>[A-Za-z]+)$")]
    private static partial Regex PathPattern();
}
