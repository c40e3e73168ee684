using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Academy.Fakes.Platform;
using Microsoft.AspNetCore.Http;

namespace Academy.Fakes.WeCom;

/*
 * Docs — the smart robot's long connection (path/101463, "智能机器人长连接", read through a 2026-03 copy of the
 * page; official SDK WecomTeam/aibot-node-sdk src/ws.ts, src/client.ts, src/types/*.ts). [H] = the page or the SDK.
 *
 * Frames are JSON text messages {cmd, headers: {req_id}, body}; answers to the client's commands carry no cmd:
 * {headers: {req_id: <echoed>}, errcode, errmsg, [body]} [H].
 *  - aibot_subscribe {bot_id, secret} → ack errcode 0 [H]. Wrong credentials: errcode 853000 "invalid bot_id or
 *    secret" [M: one community report of the live answer]; the fake then closes the socket [A]. The page warns
 *    that repeated subscribes are rate-protected; RobotSubscribesPerMinute models it (off by default) with
 *    45009 [A]. One live connection per bot: a new subscribe displaces the old one, which first receives
 *    aibot_event_callback {msgid, create_time, aibotid, msgtype: "event", event: {eventtype: "disconnected_event"}}
 *    and is then closed by the server [H]; the close frame's status (1000) and reason are [A].
 *  - ping (every ~30 s) → ack errcode 0 [H]; the server closes an idle connection "after a long time" without
 *    heartbeats [H], the duration unpublished: RobotHeartbeatTimeout, off by default [A].
 *  - aibot_msg_callback {msgid, aibotid, chatid (groups only), chattype single|group, from.userid, msgtype,
 *    text.content} [H]; a group message arrives only when it @mentions the robot and keeps "@Name" in its text [H].
 *  - aibot_event_callback: the webhook events' bodies [H path/101027]: enter_chat (single chat, first entry of
 *    the day), template_card_event {card_type, event_key, task_id, selected_items.selected_item[{question_key,
 *    option_ids.option_id[]}]} under event.template_card_event [H], with from.userid = the presser.
 *  - aibot_respond_msg (req_id of a message callback; replies allowed within 24 h [H]): stream {id, finish,
 *    content ≤ 20480 bytes}, markdown, template_card, media by media_id [H]; a stream is refreshed by its id
 *    and ends with finish; 6 minutes from its first frame [H]; writing to a finished or timed-out stream is
 *    refused with 40058 [A].
 *  - aibot_respond_welcome_msg (req_id of enter_chat, within 5 s) text | template_card [H]; once [A].
 *  - aibot_respond_update_msg (req_id of template_card_event, within 5 s) {response_type: "update_template_card",
 *    userids?: only these people's card, else everyone's, template_card with the event's task_id} [H]; late or
 *    wrong req_id 40058 [A]; not limited to one update per event (nothing says so) [A].
 *  - aibot_send_msg {chatid: the userid for a single chat, the chatid for a group, chat_type?, msgtype markdown |
 *    template_card | file | image | voice | video} → ack [H]; only into a conversation where a user has
 *    written to the robot before [H]; a refusal code for an unopened conversation is not published: 40058 [A].
 *    chat_type appears in the page's example (1) without a documented meaning: recorded, not checked [A].
 *  - Per conversation, replies and pushes together: 30 a minute, 1000 an hour [H]; the excess is refused
 *    with 45009 [A: code].
 *  - aibot_upload_media_init {type, filename, total_size, total_chunks ≤ 100, md5?} → body.upload_id;
 *    aibot_upload_media_chunk {upload_id, chunk_index, base64_data ≤ 512 KB decoded}, idempotent, any order;
 *    aibot_upload_media_finish {upload_id} → body {type, media_id, created_at}; sessions live 30 minutes [H].
 * Not modelled: feedback_event, images/files sent by users, the upload rate (30/min, 1000/h).
 */

/// <summary>A frame the client sent on the robot connection, with the errcode its ack carried (null: no ack).</summary>
public sealed record RobotFrame(int Connection, string? Cmd, string ReqId, JsonObject Frame, DateTimeOffset At, int? AckErrcode)
{
    public JsonObject? Body => Frame["body"] as JsonObject;
}

/// <summary>A callback the fake pushed to the client: its req_id (to answer with) and its body's msgid.</summary>
public sealed record RobotInbound(string ReqId, string MsgId, JsonObject Frame);

/// <summary>A message the robot put into a conversation (push, reply, welcome, or a response_url post).</summary>
public sealed record RobotMessage(string Conversation, string Via, string MsgType, JsonObject Body, DateTimeOffset At);

// The smart robot's long connection: a WebSocket at the fake's root.
public sealed partial class FakeWeCom
{
    public static readonly TimeSpan ReplyWindow = TimeSpan.FromHours(24);
    public static readonly TimeSpan EventAnswerWindow = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan StreamWindow = TimeSpan.FromMinutes(6);
    private const int MaxFrameBytes = 4 << 20;
    private const int MaxMarkdownBytes = 20480;

    private readonly Dictionary<string, string> _bots = new(StringComparer.Ordinal) { [BotId] = BotSecret };
    private readonly Dictionary<int, RobotConnection> _connections = [];
    private readonly Dictionary<string, RobotConnection> _subscribers = new(StringComparer.Ordinal);
    private readonly List<RobotFrame> _robotFrames = [];
    private readonly Dictionary<string, Pushed> _pushed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _opened = new(StringComparer.Ordinal); // conversation → single | group
    private readonly Dictionary<string, Queue<DateTimeOffset>> _conversationSends = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RobotCard> _robotCards = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string ReqId, DateTimeOffset First, bool Finished)> _streams = new(StringComparer.Ordinal);
    private readonly List<RobotMessage> _robotMessages = [];
    private readonly Dictionary<string, Upload> _uploads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ApiFile> _robotMedia = new(StringComparer.Ordinal);
    private readonly Queue<DateTimeOffset> _subscribes = new();
    private int _nextConnection;

    /// <summary>ws://127.0.0.1:{port}/, for <c>WeCom:Robot:SocketUrl</c>.</summary>
    public string RobotSocketUrl => "ws" + BaseUrl["http".Length..] + "/";

    /// <summary>While set, WebSocket handshakes are answered 503 (the endpoint is down).</summary>
    public bool RefuseRobotConnections { get; set; }

    /// <summary>Closes a connection that sent nothing for this long, by the fake's clock (null: never; the real figure is unpublished).</summary>
    public TimeSpan? RobotHeartbeatTimeout { get; set; }

    /// <summary>Subscribes allowed per bot per minute before 45009 (null: unlimited; the page only warns of a limit).</summary>
    public int? RobotSubscribesPerMinute { get; set; }

    public bool EnforceConversationLimits { get; set; } = true;

    /// <summary>Adds another robot (bot id and secret) to the organisation.</summary>
    public void AddBot(string botId, string secret)
    {
        lock (_gate) _bots[botId] = secret;
    }

    public IReadOnlyList<RobotFrame> RobotFrames
    {
        get { lock (_gate) return [.. _robotFrames]; }
    }

    /// <summary>Messages the robot put into conversations, in order.</summary>
    public IReadOnlyList<RobotMessage> RobotMessages
    {
        get { lock (_gate) return [.. _robotMessages]; }
    }

    public IReadOnlyList<RobotMessage> RobotMessagesIn(string conversation)
    {
        lock (_gate) return [.. _robotMessages.Where(m => m.Conversation == conversation)];
    }

    /// <summary>Open robot WebSockets (subscribed or not).</summary>
    public int RobotConnectionCount
    {
        get { lock (_gate) return _connections.Count; }
    }

    /// <summary>Whether a connection holds the subscription of <paramref name="botId"/> (default: the test bot).</summary>
    public bool RobotSubscribed(string botId = BotId)
    {
        lock (_gate) return _subscribers.ContainsKey(botId);
    }

    /// <summary>The connection number holding <paramref name="botId"/>'s subscription, or null.</summary>
    public int? RobotSubscriber(string botId = BotId)
    {
        lock (_gate) return _subscribers.TryGetValue(botId, out var c) ? c.Id : null;
    }

    /// <summary>How a robot card looks to <paramref name="userId"/>: their own update if any, else the card as sent or last updated for all.</summary>
    public WeComCardView? RobotCardView(string taskId, string userId)
    {
        lock (_gate)
        {
            if (!_robotCards.TryGetValue(taskId, out var card)) return null;
            var view = card.Views.GetValueOrDefault(userId) ?? new WeComCardView(taskId, userId, card.Card, null, 0);
            return view with { Card = (JsonObject)view.Card.DeepClone() };
        }
    }

    public IReadOnlyDictionary<string, ApiFile> RobotMedia
    {
        get { lock (_gate) return new Dictionary<string, ApiFile>(_robotMedia); }
    }

    // ---- What a test makes users do --------------------------------------------------------------

    /// <summary>A user writes to the robot in their single chat.</summary>
    public Task<RobotInbound> SendTextAsync(string userId, string text) =>
        PushMessageAsync(userId, null, new JsonObject { ["msgtype"] = "text", ["text"] = new JsonObject { ["content"] = text } });

    /// <summary>A user @mentions the robot in a group: the text arrives as "@Academy {text}", as WeCom delivers it.</summary>
    public Task<RobotInbound> MentionAsync(string userId, string chatId, string text) =>
        SendGroupTextAsync(userId, chatId, "@" + BotName + " " + text);

    /// <summary>A group message that reaches the robot, with its text exactly as given.</summary>
    public Task<RobotInbound> SendGroupTextAsync(string userId, string chatId, string content) =>
        PushMessageAsync(userId, chatId, new JsonObject { ["msgtype"] = "text", ["text"] = new JsonObject { ["content"] = content } });

    /// <summary>A user opens the robot's single chat for the first time today.</summary>
    public Task<RobotInbound> EnterChatAsync(string userId) =>
        PushEventAsync(userId, null, "enter_chat", null, null);

    /// <summary>
    /// A user presses a robot card: a button (<paramref name="eventKey"/> = its key) or a submit button with the
    /// options they chose (<paramref name="selected"/>: question_key → option ids). The event carries the presser's
    /// userid, and its req_id is what an update for this press must answer.
    /// </summary>
    public Task<RobotInbound> PressCardAsync(string userId, string taskId, string eventKey,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? selected = null)
    {
        var (detail, chatId) = CardPress(userId, taskId, eventKey, selected);
        return PushEventAsync(userId, chatId, "template_card_event", detail, taskId);
    }

    /// <summary>The template_card_event detail of a press, checked against the card as the presser sees it.</summary>
    internal (JsonObject Detail, string? ChatId) CardPress(string userId, string taskId, string eventKey,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? selected)
    {
        lock (_gate)
        {
            if (!_robotCards.TryGetValue(taskId, out var card)) throw new InvalidOperationException($"No robot card with task_id {taskId} was sent.");
            var view = card.Views.GetValueOrDefault(userId)?.Card ?? card.Card;
            if (!WeComCards.EventKeys(view).Contains(eventKey)) throw new ArgumentException($"The card {taskId} has no button or submit key {eventKey}.", nameof(eventKey));
            var chosen = Chosen(view, card.CardType, selected);
            var detail = new JsonObject { ["card_type"] = card.CardType, ["event_key"] = eventKey, ["task_id"] = taskId };
            if (chosen.Count > 0)
                detail["selected_items"] = new JsonObject
                {
                    ["selected_item"] = new JsonArray([.. chosen.Select(c => (JsonNode)new JsonObject
                    {
                        ["question_key"] = c.Key,
                        ["option_ids"] = new JsonObject { ["option_id"] = new JsonArray([.. c.Value.Select(o => (JsonNode)JsonValue.Create(o)!)]) },
                    })]),
                };
            return (detail, card.ChatType == "group" ? card.Conversation : null);
        }
    }

    /// <summary>The choices a press submits: the caller's, checked against the card, plus a dropdown's default.</summary>
    internal static Dictionary<string, IReadOnlyList<string>> Chosen(JsonObject view, string cardType, IReadOnlyDictionary<string, IReadOnlyList<string>>? selected)
    {
        var questions = WeComCards.Questions(view);
        var chosen = new Dictionary<string, IReadOnlyList<string>>(selected ?? new Dictionary<string, IReadOnlyList<string>>(), StringComparer.Ordinal);
        if (view["button_selection"] is JsonObject dropdown && Text(dropdown, "question_key") is { } key && !chosen.ContainsKey(key))
            chosen[key] = [Text(dropdown, "selected_id") ?? questions[key].Options.First()];
        foreach (var (question, options) in chosen)
        {
            if (!questions.TryGetValue(question, out var known)) throw new ArgumentException($"The card has no question {question}.", nameof(selected));
            if (options.Count == 0 || options.Any(o => !known.Options.Contains(o)) || (!known.Multiple && options.Count > 1))
                throw new ArgumentException($"{string.Join(",", options)} is not a valid answer to {question}.", nameof(selected));
        }
        if (cardType is "vote_interaction" or "multiple_interaction" && chosen.Count == 0)
            throw new ArgumentException("A vote or multiple-choice card is submitted with its choices.", nameof(selected));
        return chosen;
    }

    /// <summary>Pushes any frame as WeCom would; a frame without headers.req_id gets one. Fails when no connection is subscribed.</summary>
    public async Task<RobotInbound> PushFrameAsync(JsonObject frame, string botId = BotId)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame["headers"]?["req_id"] is null) frame["headers"] = new JsonObject { ["req_id"] = NewReqId(Text(frame, "cmd") ?? "push") };
        RobotConnection connection;
        lock (_gate)
        {
            if (!_subscribers.TryGetValue(botId, out connection!)) throw new InvalidOperationException("No robot connection is subscribed.");
        }
        await SendFrameAsync(connection, frame);
        return new RobotInbound(frame["headers"]!["req_id"]!.GetValue<string>(), Text(frame["body"], "msgid") ?? "", frame);
    }

    /// <summary>
    /// The subscribed connection is displaced as when another host subscribes with the same bot id:
    /// it receives disconnected_event and the server closes it.
    /// </summary>
    public async Task DisplaceRobotAsync(string botId = BotId)
    {
        RobotConnection? old;
        lock (_gate)
        {
            if (_subscribers.Remove(botId, out old)) old.BotId = null;
        }
        if (old is not null) await DisplaceAsync(old, botId);
    }

    /// <summary>Every robot connection is cut without a close frame, as when the network drops.</summary>
    public Task DropRobotConnectionsAsync()
    {
        List<RobotConnection> all;
        lock (_gate) all = [.. _connections.Values];
        foreach (var connection in all)
        {
            Unsubscribe(connection);
            connection.Socket.Abort();
        }
        return Task.CompletedTask;
    }

    /// <summary>Every robot connection is closed by the server with a close frame.</summary>
    public async Task CloseRobotConnectionsAsync(WebSocketCloseStatus status = WebSocketCloseStatus.EndpointUnavailable)
    {
        List<RobotConnection> all;
        lock (_gate) all = [.. _connections.Values];
        foreach (var connection in all)
        {
            Unsubscribe(connection);
            await CloseQuietlyAsync(connection, status, "server closing");
        }
    }

    /// <summary>A connection the server is closing holds no subscription any more, whether or not the client answers the close.</summary>
    private void Unsubscribe(RobotConnection connection)
    {
        lock (_gate)
        {
            if (connection.BotId is { } bot && _subscribers.GetValueOrDefault(bot) == connection) _subscribers.Remove(bot);
            connection.BotId = null;
        }
    }

    /// <summary>Waits until the client has sent a frame matching <paramref name="match"/> (any frame so far counts).</summary>
    public async Task<RobotFrame> WaitForRobotFrameAsync(Func<RobotFrame, bool> match, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(match);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            lock (_gate)
                if (_robotFrames.FirstOrDefault(match) is { } frame) return frame;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The robot client sent no matching frame.");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until a connection holds <paramref name="botId"/>'s subscription, other than <paramref name="notConnection"/>.</summary>
    public async Task<int> WaitForRobotSubscriberAsync(TimeSpan? timeout = null, int? notConnection = null, string botId = BotId)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (RobotSubscriber(botId) is { } id && id != notConnection) return id;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("No robot connection subscribed.");
            await Task.Delay(20);
        }
    }

    // ---- The connection ---------------------------------------------------------------------------

    private sealed class RobotConnection(int id, WebSocket socket, DateTimeOffset openedAt)
    {
        public int Id { get; } = id;
        public WebSocket Socket { get; } = socket;
        public SemaphoreSlim SendLock { get; } = new(1, 1);
        public string? BotId { get; set; }
        public DateTimeOffset LastFrame { get; set; } = openedAt;
    }

    private sealed record Pushed(string ReqId, string Kind, string Conversation, string ChatType, string UserId, string? TaskId, DateTimeOffset At, string BotId)
    {
        public bool Welcomed { get; set; }
    }

    private sealed class RobotCard(string taskId, string cardType, JsonObject card, string conversation, string chatType)
    {
        public string TaskId { get; } = taskId;
        public string CardType { get; } = cardType;
        public JsonObject Card { get; set; } = card;
        public string Conversation { get; } = conversation;
        public string ChatType { get; } = chatType;
        public Dictionary<string, WeComCardView> Views { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    private sealed class Upload(string botId, string type, string fileName, long totalSize, int totalChunks, string? md5, DateTimeOffset expires)
    {
        public string BotId { get; } = botId;
        public string Type { get; } = type;
        public string FileName { get; } = fileName;
        public long TotalSize { get; } = totalSize;
        public int TotalChunks { get; } = totalChunks;
        public string? Md5 { get; } = md5;
        public DateTimeOffset Expires { get; } = expires;
        public SortedDictionary<int, byte[]> Chunks { get; } = [];
    }

    private async Task RobotSessionAsync(HttpContext context)
    {
        if (RefuseRobotConnections)
        {
            context.Response.StatusCode = 503;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        RobotConnection connection;
        lock (_gate)
        {
            connection = new RobotConnection(++_nextConnection, socket, Now);
            _connections[connection.Id] = connection;
        }
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var text = await ReceiveTextAsync(socket, _stopping.Token);
                if (text is null) break;
                await OnFrameAsync(connection, text);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the client went away, or the fake stops
        }
        finally
        {
            lock (_gate)
            {
                _connections.Remove(connection.Id);
                if (connection.BotId is { } bot && _subscribers.GetValueOrDefault(bot) == connection) _subscribers.Remove(bot);
            }
        }
    }

    private static async Task<string?> ReceiveTextAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return null;
            }
            message.Write(buffer, 0, result.Count);
            if (message.Length > MaxFrameBytes)
            {
                await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "frame too large", CancellationToken.None);
                return null;
            }
            if (result.EndOfMessage) return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
        }
    }

    private async Task OnFrameAsync(RobotConnection connection, string text)
    {
        JsonObject frame;
        try
        {
            frame = JsonNode.Parse(text) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            return; // not a frame: the platform's behaviour is unknown; ignored
        }
        var cmd = Text(frame, "cmd");
        var reqId = Text(frame["headers"], "req_id") ?? "";
        lock (_gate) connection.LastFrame = Now;

        JsonObject? ack = null;
        if (cmd is not null && Faults.Take(cmd) is { } fault)
        {
            switch (fault.Kind)
            {
                case FaultKind.Drop:
                case FaultKind.Status:
                    RecordFrame(connection, cmd, reqId, frame, null);
                    connection.Socket.Abort();
                    return;
                case FaultKind.Hang:
                    RecordFrame(connection, cmd, reqId, frame, null);
                    return;
                case FaultKind.Slow:
                    await Task.Delay(fault.Delay, _stopping.Token);
                    break;
                default:
                    ack = Ack(reqId, fault.Errcode, fault.Errmsg ?? ApiFaults.DefaultErrmsg(fault.Errcode));
                    break;
            }
        }

        RobotConnection? displaced = null;
        var closeAfter = false;
        if (ack is null)
        {
            lock (_gate)
            {
                if (cmd == "aibot_subscribe") (ack, displaced, closeAfter) = Subscribe(connection, reqId, frame["body"] as JsonObject);
                else if (cmd == "ping") ack = Ack(reqId, 0, "ok");
                else if (connection.BotId is not { } botId) ack = Ack(reqId, 40058, "not subscribed: send aibot_subscribe first");
                else ack = Command(botId, cmd, reqId, frame["body"] as JsonObject);
            }
        }
        RecordFrame(connection, cmd, reqId, frame, ack!["errcode"]?.GetValue<int>());
        if (displaced is not null) await DisplaceAsync(displaced, connection.BotId!);
        await SendFrameAsync(connection, ack!);
        if (closeAfter)
        {
            Unsubscribe(connection);
            await CloseQuietlyAsync(connection, WebSocketCloseStatus.PolicyViolation, "subscribe refused");
        }
    }

    private void RecordFrame(RobotConnection connection, string? cmd, string reqId, JsonObject frame, int? ackErrcode)
    {
        lock (_gate) _robotFrames.Add(new RobotFrame(connection.Id, cmd, reqId, (JsonObject)frame.DeepClone(), Now, ackErrcode));
    }

    private (JsonObject Ack, RobotConnection? Displaced, bool Close) Subscribe(RobotConnection connection, string reqId, JsonObject? body)
    {
        var botId = Text(body, "bot_id") ?? "";
        if (!_bots.TryGetValue(botId, out var secret) || secret != Text(body, "secret"))
            return (Ack(reqId, 853000, "invalid bot_id or secret"), null, true);
        var now = Now;
        while (_subscribes.TryPeek(out var at) && at <= now - TimeSpan.FromMinutes(1)) _subscribes.Dequeue();
        if (RobotSubscribesPerMinute is { } limit && _subscribes.Count >= limit) return (Ack(reqId, 45009, "api freq out of limit"), null, false);
        _subscribes.Enqueue(now);
        RobotConnection? displaced = null;
        if (_subscribers.TryGetValue(botId, out var old) && old != connection)
        {
            displaced = old;
            old.BotId = null;
        }
        _subscribers[botId] = connection;
        connection.BotId = botId;
        return (Ack(reqId, 0, "ok"), displaced, false);
    }

    private async Task DisplaceAsync(RobotConnection old, string botId)
    {
        var notice = new JsonObject
        {
            ["cmd"] = "aibot_event_callback",
            ["headers"] = new JsonObject { ["req_id"] = NewReqId("aibot_event_callback") },
            ["body"] = new JsonObject
            {
                ["msgid"] = NewMsgId(),
                ["create_time"] = Now.ToUnixTimeSeconds(),
                ["aibotid"] = botId,
                ["msgtype"] = "event",
                ["event"] = new JsonObject { ["eventtype"] = "disconnected_event" },
            },
        };
        await SendFrameAsync(old, notice);
        await CloseQuietlyAsync(old, WebSocketCloseStatus.NormalClosure, "displaced by a new connection");
    }

    private JsonObject Command(string botId, string? cmd, string reqId, JsonObject? body)
    {
        body ??= [];
        return cmd switch
        {
            "aibot_respond_msg" => RespondMessage(botId, reqId, body),
            "aibot_respond_welcome_msg" => RespondWelcome(botId, reqId, body),
            "aibot_respond_update_msg" => RespondUpdate(botId, reqId, body),
            "aibot_send_msg" => SendRobotMessage(reqId, body),
            "aibot_upload_media_init" => UploadInit(botId, reqId, body),
            "aibot_upload_media_chunk" => UploadChunk(botId, reqId, body),
            "aibot_upload_media_finish" => UploadFinish(botId, reqId, body),
            _ => Ack(reqId, 40058, $"unknown cmd {cmd}"),
        };
    }

    private JsonObject RespondMessage(string botId, string reqId, JsonObject body)
    {
        if (!_pushed.TryGetValue(reqId, out var pushed) || pushed.Kind != "msg" || pushed.BotId != botId)
            return Ack(reqId, 40058, "req_id is not a message callback of this robot");
        var now = Now;
        if (now - pushed.At > ReplyWindow) return Ack(reqId, 40058, "the reply window of this message has closed");
        var msgType = Text(body, "msgtype") ?? "";
        var countsAsMessage = true;
        if (msgType is "stream" or "stream_with_template_card")
        {
            var stream = body["stream"] as JsonObject;
            var streamId = Text(stream, "id");
            if (string.IsNullOrEmpty(streamId)) return Ack(reqId, 40058, "stream.id is required");
            if (Encoding.UTF8.GetByteCount(Text(stream, "content") ?? "") > MaxMarkdownBytes) return Ack(reqId, 40058, "stream.content is over 20480 bytes");
            if (_streams.TryGetValue(streamId, out var known))
            {
                if (known.ReqId != reqId) return Ack(reqId, 40058, "stream.id belongs to another message");
                if (known.Finished) return Ack(reqId, 40058, "the stream is finished");
                if (now - known.First > StreamWindow) return Ack(reqId, 40058, "the stream ran past 6 minutes");
                countsAsMessage = false;
            }
            _streams[streamId] = (reqId, known.ReqId is null ? now : known.First, stream?["finish"]?.GetValue<bool>() == true);
            if (msgType == "stream_with_template_card" && body["template_card"] is JsonObject card && RegisterCard(card, pushed.Conversation, pushed.ChatType) is { } cardProblem)
                return Ack(reqId, 40058, cardProblem);
        }
        else if (MessageProblem(body, pushed.Conversation, pushed.ChatType) is { } problem) return Ack(reqId, 40058, problem);
        if (countsAsMessage && !ConversationMayReceive(pushed.Conversation, now)) return Ack(reqId, 45009, "api freq out of limit");
        _robotMessages.Add(new RobotMessage(pushed.Conversation, "aibot_respond_msg", msgType, (JsonObject)body.DeepClone(), now));
        return Ack(reqId, 0, "ok");
    }

    private JsonObject RespondWelcome(string botId, string reqId, JsonObject body)
    {
        if (!_pushed.TryGetValue(reqId, out var pushed) || pushed.Kind != "enter_chat" || pushed.BotId != botId)
            return Ack(reqId, 40058, "req_id is not an enter_chat event of this robot");
        if (Now - pushed.At > EventAnswerWindow) return Ack(reqId, 40058, "the welcome came later than 5 seconds");
        if (pushed.Welcomed) return Ack(reqId, 40058, "this event was answered already");
        var msgType = Text(body, "msgtype");
        if (msgType == "text")
        {
            if (string.IsNullOrEmpty(Text(body["text"], "content"))) return Ack(reqId, 44004, "empty content");
        }
        else if (msgType != "template_card") return Ack(reqId, 40008, "a welcome is text or template_card");
        else if (RegisterCard(body["template_card"] as JsonObject, pushed.Conversation, pushed.ChatType) is { } problem) return Ack(reqId, 40058, problem);
        pushed.Welcomed = true;
        _robotMessages.Add(new RobotMessage(pushed.Conversation, "aibot_respond_welcome_msg", msgType!, (JsonObject)body.DeepClone(), Now));
        return Ack(reqId, 0, "ok");
    }

    private JsonObject RespondUpdate(string botId, string reqId, JsonObject body)
    {
        if (!_pushed.TryGetValue(reqId, out var pushed) || pushed.Kind != "template_card_event" || pushed.BotId != botId)
            return Ack(reqId, 40058, "req_id is not a template_card_event of this robot");
        if (Now - pushed.At > EventAnswerWindow) return Ack(reqId, 40058, "the update came later than 5 seconds");
        if (Text(body, "response_type") != "update_template_card") return Ack(reqId, 40058, "response_type must be update_template_card");
        if (body["template_card"] is not JsonObject card) return Ack(reqId, 40058, "template_card is required");
        if (WeComCards.Problem(card, app: false) is { } problem) return Ack(reqId, 40058, problem);
        if (Text(card, "task_id") != pushed.TaskId) return Ack(reqId, 40058, "template_card.task_id must be the pressed card's task_id");
        var target = _robotCards[pushed.TaskId!];
        var userIds = ((body["userids"] as JsonArray) ?? []).Select(u => u?.GetValue<string>()).OfType<string>().ToList();
        if (userIds.Count == 0)
        {
            target.Card = (JsonObject)card.DeepClone();
            foreach (var user in target.Views.Keys.ToList())
                target.Views[user] = target.Views[user] with { Card = (JsonObject)card.DeepClone(), Updates = target.Views[user].Updates + 1 };
        }
        else
            foreach (var user in userIds)
            {
                var before = target.Views.GetValueOrDefault(user);
                target.Views[user] = new WeComCardView(target.TaskId, user, (JsonObject)card.DeepClone(), null, (before?.Updates ?? 0) + 1);
            }
        return Ack(reqId, 0, "ok");
    }

    private JsonObject SendRobotMessage(string reqId, JsonObject body)
    {
        var chatId = Text(body, "chatid");
        if (string.IsNullOrEmpty(chatId)) return Ack(reqId, 40058, "chatid is required");
        if (!_opened.TryGetValue(chatId, out var chatType))
            return Ack(reqId, 40058, "no user has written to the robot in this conversation yet");
        if (MessageProblem(body, chatId, chatType) is { } problem) return Ack(reqId, 40058, problem);
        if (!ConversationMayReceive(chatId, Now)) return Ack(reqId, 45009, "api freq out of limit");
        _robotMessages.Add(new RobotMessage(chatId, "aibot_send_msg", Text(body, "msgtype")!, (JsonObject)body.DeepClone(), Now));
        return Ack(reqId, 0, "ok");
    }

    /// <summary>Checks a markdown / card / media message and registers a card; the reason it is refused, or null.</summary>
    private string? MessageProblem(JsonObject body, string conversation, string chatType)
    {
        switch (Text(body, "msgtype"))
        {
            case "markdown":
                var content = Text(body["markdown"], "content") ?? "";
                if (content.Length == 0) return "markdown.content is empty";
                return Encoding.UTF8.GetByteCount(content) > MaxMarkdownBytes ? "markdown.content is over 20480 bytes" : null;
            case "template_card":
                return RegisterCard(body["template_card"] as JsonObject, conversation, chatType);
            case "file":
            case "image":
            case "voice":
            case "video":
                var type = Text(body, "msgtype")!;
                return Text(body[type], "media_id") is { } mediaId && _robotMedia.ContainsKey(mediaId) ? null : $"{type}.media_id is not a robot upload";
            default:
                return $"msgtype {Text(body, "msgtype")} is not supported here";
        }
    }

    private string? RegisterCard(JsonObject? card, string conversation, string chatType)
    {
        if (WeComCards.Problem(card, app: false) is { } problem) return problem;
        if (Text(card, "task_id") is not { } taskId) return null;
        if (_robotCards.ContainsKey(taskId)) return "template_card.task_id is used already";
        _robotCards[taskId] = new RobotCard(taskId, Text(card, "card_type")!, (JsonObject)card!.DeepClone(), conversation, chatType);
        return null;
    }

    private bool ConversationMayReceive(string conversation, DateTimeOffset now)
    {
        if (!EnforceConversationLimits) return true;
        if (!_conversationSends.TryGetValue(conversation, out var times)) _conversationSends[conversation] = times = new Queue<DateTimeOffset>();
        while (times.TryPeek(out var at) && at <= now - TimeSpan.FromHours(1)) times.Dequeue();
        if (times.Count >= 1000 || times.Count(t => t > now - TimeSpan.FromMinutes(1)) >= 30) return false;
        times.Enqueue(now);
        return true;
    }

    private JsonObject UploadInit(string botId, string reqId, JsonObject body)
    {
        var type = Text(body, "type") ?? "";
        if (type is not ("file" or "image" or "voice" or "video")) return Ack(reqId, 40004, "invalid media type");
        var chunks = int.TryParse(Text(body, "total_chunks"), CultureInfo.InvariantCulture, out var c) ? c : 0;
        var size = long.TryParse(Text(body, "total_size"), CultureInfo.InvariantCulture, out var s) ? s : 0;
        if (chunks is < 1 or > 100) return Ack(reqId, 40058, "total_chunks must be 1-100");
        if (size < 1) return Ack(reqId, 40006, "invalid file size");
        var uploadId = "upload-" + RandomText(16);
        _uploads[uploadId] = new Upload(botId, type, Text(body, "filename") ?? "", size, chunks, Text(body, "md5"), Now + TimeSpan.FromMinutes(30));
        var ack = Ack(reqId, 0, "ok");
        ack["body"] = new JsonObject { ["upload_id"] = uploadId };
        return ack;
    }

    private JsonObject UploadChunk(string botId, string reqId, JsonObject body)
    {
        if (Session(botId, Text(body, "upload_id")) is not { } upload) return Ack(reqId, 40058, "invalid or expired upload_id");
        if (!int.TryParse(Text(body, "chunk_index"), CultureInfo.InvariantCulture, out var index)) return Ack(reqId, 40058, "chunk_index is required");
        byte[] data;
        try
        {
            data = Convert.FromBase64String(Text(body, "base64_data") ?? "");
        }
        catch (FormatException)
        {
            return Ack(reqId, 40058, "base64_data is not Base64");
        }
        if (data.Length > 512 * 1024) return Ack(reqId, 40006, "a chunk is at most 512 KB");
        upload.Chunks.TryAdd(index, data); // a repeated chunk is ignored
        return Ack(reqId, 0, "ok");
    }

    private JsonObject UploadFinish(string botId, string reqId, JsonObject body)
    {
        var uploadId = Text(body, "upload_id");
        if (Session(botId, uploadId) is not { } upload) return Ack(reqId, 40058, "invalid or expired upload_id");
        if (upload.Chunks.Count != upload.TotalChunks) return Ack(reqId, 40058, $"{upload.Chunks.Count} of {upload.TotalChunks} chunks arrived");
        var content = upload.Chunks.Values.SelectMany(b => b).ToArray();
        if (content.Length != upload.TotalSize) return Ack(reqId, 40006, "the chunks do not add up to total_size");
        if (upload.Md5 is { Length: > 0 } md5 && !string.Equals(md5, Convert.ToHexStringLower(MD5.HashData(content)), StringComparison.OrdinalIgnoreCase))
            return Ack(reqId, 40058, "md5 does not match");
        _uploads.Remove(uploadId!);
        var mediaId = "1" + RandomText(43);
        _robotMedia[mediaId] = new ApiFile("media", upload.FileName, null, content);
        var ack = Ack(reqId, 0, "ok");
        ack["body"] = new JsonObject { ["type"] = upload.Type, ["media_id"] = mediaId, ["created_at"] = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) };
        return ack;
    }

    private Upload? Session(string botId, string? uploadId) =>
        uploadId is not null && _uploads.TryGetValue(uploadId, out var upload) && upload.BotId == botId && Now < upload.Expires ? upload : null;

    // ---- Pushing callbacks ------------------------------------------------------------------------

    private Task<RobotInbound> PushMessageAsync(string userId, string? chatId, JsonObject content) =>
        PushCallbackAsync("aibot_msg_callback", "msg", MessageBody(userId, chatId, content), userId, chatId, null);

    private Task<RobotInbound> PushEventAsync(string userId, string? chatId, string eventType, JsonObject? detail, string? taskId) =>
        PushCallbackAsync("aibot_event_callback", eventType, EventBody(userId, chatId, eventType, detail), userId, chatId, taskId);

    /// <summary>A message callback's body (the same in long-connection and callback mode, less response_url).</summary>
    internal JsonObject MessageBody(string userId, string? chatId, JsonObject content)
    {
        var body = new JsonObject { ["msgid"] = NewMsgId(), ["aibotid"] = BotId };
        if (chatId is not null) body["chatid"] = chatId;
        body["chattype"] = chatId is null ? "single" : "group";
        body["from"] = new JsonObject { ["userid"] = userId };
        foreach (var (name, value) in content) body[name] = value?.DeepClone();
        return body;
    }

    /// <summary>An event callback's body: the common envelope with event.eventtype and event.{eventtype} detail.</summary>
    internal JsonObject EventBody(string userId, string? chatId, string eventType, JsonObject? detail)
    {
        var body = new JsonObject { ["msgid"] = NewMsgId(), ["create_time"] = Now.ToUnixTimeSeconds(), ["aibotid"] = BotId };
        if (chatId is not null) body["chatid"] = chatId;
        body["chattype"] = chatId is null ? "single" : "group";
        body["from"] = new JsonObject { ["userid"] = userId };
        body["msgtype"] = "event";
        var @event = new JsonObject { ["eventtype"] = eventType };
        if (detail is not null) @event[eventType] = detail;
        body["event"] = @event;
        return body;
    }

    private async Task<RobotInbound> PushCallbackAsync(string cmd, string kind, JsonObject body, string userId, string? chatId, string? taskId)
    {
        var reqId = NewReqId(cmd);
        var conversation = chatId ?? userId;
        var chatType = chatId is null ? "single" : "group";
        lock (_gate)
        {
            _pushed[reqId] = new Pushed(reqId, kind, conversation, chatType, userId, taskId, Now, BotId);
            // A user's message opens the conversation to pushes (aibot_send_msg).
            if (kind == "msg") _opened[conversation] = chatType;
        }
        return await PushFrameAsync(new JsonObject { ["cmd"] = cmd, ["headers"] = new JsonObject { ["req_id"] = reqId }, ["body"] = body });
    }

    private static JsonObject Ack(string reqId, int errcode, string errmsg) =>
        new() { ["headers"] = new JsonObject { ["req_id"] = reqId }, ["errcode"] = errcode, ["errmsg"] = errmsg };

    private static async Task SendFrameAsync(RobotConnection connection, JsonObject frame)
    {
        var bytes = Encoding.UTF8.GetBytes(frame.ToJsonString());
        await connection.SendLock.WaitAsync();
        try
        {
            if (connection.Socket.State == WebSocketState.Open)
                await connection.Socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            // the client is gone
        }
        finally
        {
            connection.SendLock.Release();
        }
    }

    private static async Task CloseQuietlyAsync(RobotConnection connection, WebSocketCloseStatus status, string reason)
    {
        await connection.SendLock.WaitAsync();
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (connection.Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await connection.Socket.CloseOutputAsync(status, reason, deadline.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            connection.Socket.Abort();
        }
        finally
        {
            connection.SendLock.Release();
        }
    }

    private void StartRobotWatch() => _ = WatchHeartbeatsAsync();

    private async Task WatchHeartbeatsAsync()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                await Task.Delay(100, _stopping.Token);
                if (RobotHeartbeatTimeout is not { } timeout) continue;
                List<RobotConnection> idle;
                lock (_gate) idle = [.. _connections.Values.Where(c => Now - c.LastFrame > timeout)];
                foreach (var connection in idle)
                {
                    Unsubscribe(connection);
                    await CloseQuietlyAsync(connection, WebSocketCloseStatus.PolicyViolation, "no heartbeat");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the fake stops
        }
    }

    private string NewReqId(string prefix) => prefix + "_" + Now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + "_" + RandomText(8);

    private static string NewMsgId() => RandomText(24);

    // ---- Callback mode's response_url -------------------------------------------------------------

    private readonly Dictionary<string, (string Conversation, DateTimeOffset Expires, bool Used)> _responseUrls = new(StringComparer.Ordinal);

    /// <summary>A response_url for a robot callback into <paramref name="conversation"/>: POST it once, within an hour.</summary>
    public string IssueResponseUrl(string conversation)
    {
        lock (_gate)
        {
            var code = RandomText(32);
            _responseUrls[code] = (conversation, Now + ResponseUrlLifetime, false);
            return BaseUrl + "/cgi-bin/aibot/response?response_code=" + code;
        }
    }

    private JsonObject ResponseUrl(IReadOnlyDictionary<string, string> query, string body)
    {
        var code = query.GetValueOrDefault("response_code") ?? "";
        if (!_responseUrls.TryGetValue(code, out var grant)) return Error(40058, "invalid response_code");
        if (grant.Used) return Error(40058, "invalid response_code: used already");
        if (Now >= grant.Expires) return Error(40058, "invalid response_code: expired");
        JsonObject message;
        try
        {
            message = JsonNode.Parse(body) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            return Error(47001, "data format error");
        }
        if (Text(message, "msgtype") is not ("markdown" or "template_card")) return Error(40008, "invalid message type");
        var chatType = _opened.GetValueOrDefault(grant.Conversation) ?? "single";
        if (MessageProblem(message, grant.Conversation, chatType) is { } problem) return Error(40058, "invalid Request Parameter: " + problem);
        _responseUrls[code] = grant with { Used = true };
        _robotMessages.Add(new RobotMessage(grant.Conversation, "response_url", Text(message, "msgtype")!, message, Now));
        return Ok();
    }

    /// <summary>Marks a conversation as opened by a user's message without pushing anything (callback-mode tests).</summary>
    public void OpenConversation(string conversation, bool group)
    {
        lock (_gate) _opened[conversation] = group ? "group" : "single";
    }
}
