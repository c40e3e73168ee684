using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Academy.Fakes.Platform;

namespace Academy.Fakes.WeCom;

/// <summary>What one member received from the app (message/send), after WeCom's own limits.</summary>
public sealed record WeComDelivery(string UserId, string MsgType, JsonObject Message, string MsgId, DateTimeOffset At);

/// <summary>How an interactive card looks to one person now: the card, and the label if its buttons were greyed.</summary>
public sealed record WeComCardView(string TaskId, string UserId, JsonObject Card, string? ReplaceName, int Updates);

// The self-built app's methods, each with the checks and limits WeCom documents.
public sealed partial class FakeWeCom
{
    private const int MaxTextBytes = 2048;

    private readonly List<WeComDelivery> _deliveries = [];
    private readonly List<WeComDelivery> _dropped = [];
    private readonly Dictionary<string, Queue<DateTimeOffset>> _memberSends = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DateTimeOffset> _duplicates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AppCard> _appCards = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ResponseCode> _responseCodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ApiFile> _media = new(StringComparer.Ordinal);
    private readonly List<DateTimeOffset> _lookupFailures = [];
    private readonly Queue<DateTimeOffset> _lookups = new();
    private DateTimeOffset _lookupBlockedUntil = DateTimeOffset.MinValue;

    /// <summary>The organisation's licensed seats; getuserid is blocked for a day past 20 % of them in wrong numbers.</summary>
    public int SeatLimit { get; set; } = 100;

    /// <summary>getuserid calls allowed per minute before 45009 (null: no throttle, the published pages give no figure).</summary>
    public int? LookupsPerMinute { get; set; }

    public bool EnforceMemberLimits { get; set; } = true;

    /// <summary>Messages that reached members, in order.</summary>
    public IReadOnlyList<WeComDelivery> Deliveries
    {
        get { lock (_gate) return [.. _deliveries]; }
    }

    public IReadOnlyList<WeComDelivery> DeliveriesTo(string userId)
    {
        lock (_gate) return [.. _deliveries.Where(d => string.Equals(d.UserId, userId, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>Messages WeCom accepted but silently did not deliver (a member's 30/min or 1000/h exceeded).</summary>
    public IReadOnlyList<WeComDelivery> Dropped
    {
        get { lock (_gate) return [.. _dropped]; }
    }

    /// <summary>Until when getuserid answers 45009 after too many wrong numbers.</summary>
    public DateTimeOffset LookupBlockedUntil
    {
        get { lock (_gate) return _lookupBlockedUntil; }
    }

    /// <summary>How an app card looks to <paramref name="userId"/> now, or null if they never received it.</summary>
    public WeComCardView? AppCardView(string taskId, string userId)
    {
        lock (_gate)
            return _appCards.TryGetValue(taskId, out var card) && card.Views.TryGetValue(userId, out var view)
                ? view with { Card = (JsonObject)view.Card.DeepClone() }
                : null;
    }

    public IReadOnlyDictionary<string, ApiFile> Media
    {
        get { lock (_gate) return new Dictionary<string, ApiFile>(_media); }
    }

    private sealed class AppCard(string taskId, string cardType, JsonObject card)
    {
        public string TaskId { get; } = taskId;
        public string CardType { get; } = cardType;
        public JsonObject Card { get; } = card;
        public Dictionary<string, WeComCardView> Views { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    private sealed record ResponseCode(string TaskId, DateTimeOffset Expires, bool Used);

    private JsonObject GetUserId(JsonObject request)
    {
        var now = Now;
        if (now < _lookupBlockedUntil) return Error(45009, "api freq out of limit");
        while (_lookups.TryPeek(out var at) && at <= now - TimeSpan.FromMinutes(1)) _lookups.Dequeue();
        if (LookupsPerMinute is { } perMinute && _lookups.Count >= perMinute) return Error(45009, "api freq out of limit");
        _lookups.Enqueue(now);

        var mobile = Text(request, "mobile") ?? "";
        if (Encoding.UTF8.GetByteCount(mobile) is < 5 or > 32) return Error(40058, "invalid Request Parameter: mobile must be 5-32 bytes");
        var member = _members.Values.FirstOrDefault(m => m.Mobile == mobile);
        if (member is null)
        {
            _lookupFailures.RemoveAll(at => at <= now - TimeSpan.FromDays(1));
            _lookupFailures.Add(now);
            if (_lookupFailures.Count > SeatLimit * 0.2) _lookupBlockedUntil = now + TimeSpan.FromDays(1);
            return Error(46004, "user no exist");
        }
        return member.Visible ? Ok(new JsonObject { ["userid"] = member.UserId }) : Error(60011, "no privilege to access/modify contact/party/agent");
    }

    private JsonObject SendMessage(JsonObject request)
    {
        if (Text(request, "agentid") != AgentId.ToString(CultureInfo.InvariantCulture)) return Error(40056, "invalid agentid");
        var msgType = Text(request, "msgtype") ?? "";
        if (request[msgType] is not JsonObject payload) return Error(40008, "invalid message type");
        switch (msgType)
        {
            case "text":
            case "markdown":
                var content = Text(payload, "content") ?? "";
                if (content.Length == 0) return Error(44004, "empty content");
                if (Encoding.UTF8.GetByteCount(content) > MaxTextBytes) return Error(45002, "content size out of limit");
                break;
            case "template_card":
                if (WeComCards.Problem(payload, app: true) is { } problem) return Error(40058, "invalid Request Parameter: " + problem);
                if (Text(payload, "task_id") is { } taskId && _appCards.ContainsKey(taskId)) return Error(40058, "invalid Request Parameter: task_id is used already");
                break;
            case "image":
            case "file":
            case "voice":
            case "video":
                if (Text(payload, "media_id") is not { } mediaId || !_media.ContainsKey(mediaId)) return Error(40007, "invalid media_id");
                break;
            case "textcard":
            case "news":
            case "mpnews":
            case "miniprogram_notice":
                break;
            default:
                return Error(40008, "invalid message type");
        }

        var (recipients, invalid) = Recipients(Text(request, "touser"));
        if (recipients.Count == 0) return Error(81013, "user & party & tag all invalid");

        var now = Now;
        if (Text(request, "enable_duplicate_check") == "1")
        {
            var interval = TimeSpan.FromSeconds(Math.Min(4 * 3600, double.TryParse(Text(request, "duplicate_check_interval"), CultureInfo.InvariantCulture, out var s) ? s : 1800));
            var key = request.ToJsonString();
            if (_duplicates.TryGetValue(key, out var sentAt) && now - sentAt < interval)
                return Ok(new JsonObject { ["invaliduser"] = string.Join('|', invalid), ["msgid"] = RandomText(40) });
            _duplicates[key] = now;
        }

        var msgId = RandomText(40);
        var reply = new JsonObject { ["invaliduser"] = string.Join('|', invalid), ["invalidparty"] = "", ["invalidtag"] = "", ["unlicenseduser"] = "", ["msgid"] = msgId };
        AppCard? card = null;
        if (msgType == "template_card")
        {
            var taskId = Text(payload, "task_id");
            var cardType = Text(payload, "card_type")!;
            if (taskId is not null)
            {
                card = new AppCard(taskId, cardType, (JsonObject)payload.DeepClone());
                _appCards[taskId] = card;
            }
            if (taskId is not null && WeComCards.Interactive.Contains(cardType))
            {
                var code = RandomText(32);
                _responseCodes[code] = new ResponseCode(taskId, now + ResponseCodeLifetime, false);
                reply["response_code"] = code;
            }
        }
        foreach (var userId in recipients)
        {
            var delivery = new WeComDelivery(userId, msgType, (JsonObject)request.DeepClone(), msgId, now);
            if (EnforceMemberLimits && !MemberMayReceive(userId, now))
            {
                _dropped.Add(delivery);
                continue;
            }
            _deliveries.Add(delivery);
            if (card is not null) card.Views[userId] = new WeComCardView(card.TaskId, userId, (JsonObject)card.Card.DeepClone(), null, 0);
        }
        return Ok(reply);
    }

    private (List<string> Valid, List<string> Invalid) Recipients(string? toUser)
    {
        var valid = new List<string>();
        var invalid = new List<string>();
        if (toUser == "@all")
        {
            valid.AddRange(_members.Values.Where(m => m.Visible).Select(m => m.UserId));
            return (valid, invalid);
        }
        foreach (var userId in (toUser ?? "").Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(1000))
        {
            if (_members.TryGetValue(userId, out var member) && member.Visible) valid.Add(member.UserId);
            else invalid.Add(userId);
        }
        return (valid, invalid);
    }

    /// <summary>WeCom's per-member limit for one app: 30 messages a minute and 1000 an hour.</summary>
    private bool MemberMayReceive(string userId, DateTimeOffset now)
    {
        if (!_memberSends.TryGetValue(userId, out var times)) _memberSends[userId] = times = new Queue<DateTimeOffset>();
        while (times.TryPeek(out var at) && at <= now - TimeSpan.FromHours(1)) times.Dequeue();
        if (times.Count >= 1000 || times.Count(t => t > now - TimeSpan.FromMinutes(1)) >= 30) return false;
        times.Enqueue(now);
        return true;
    }

    private JsonObject UpdateTemplateCard(JsonObject request)
    {
        if (Text(request, "agentid") != AgentId.ToString(CultureInfo.InvariantCulture)) return Error(40056, "invalid agentid");
        var code = Text(request, "response_code") ?? "";
        if (!_responseCodes.TryGetValue(code, out var grant)) return Error(40058, "invalid response_code");
        if (grant.Used) return Error(40058, "invalid response_code: used already");
        if (Now >= grant.Expires) return Error(40058, "invalid response_code: expired");
        var card = _appCards[grant.TaskId];
        JsonObject? replacement = null;
        string? replaceName = null;
        if (request["template_card"] is JsonObject newCard)
        {
            if (WeComCards.Problem(newCard, app: true) is { } problem && !problem.StartsWith("template_card.task_id", StringComparison.Ordinal))
                return Error(40058, "invalid Request Parameter: " + problem);
            replacement = newCard;
        }
        else if (request["button"] is JsonObject button && Text(button, "replace_name") is { Length: > 0 } name)
        {
            if (!WeComCards.Interactive.Contains(card.CardType)) return Error(40058, "invalid Request Parameter: only interactive cards have buttons to replace");
            replaceName = name;
        }
        else return Error(40058, "invalid Request Parameter: button.replace_name or template_card is required");

        var targets = Text(request, "atall") == "1"
            ? card.Views.Keys.ToList()
            : ((request["userids"] as JsonArray) ?? []).Select(u => u?.GetValue<string>() ?? "").ToList();
        var invalid = new JsonArray();
        foreach (var userId in targets)
        {
            if (!card.Views.TryGetValue(userId, out var view))
            {
                invalid.Add(userId);
                continue;
            }
            card.Views[userId] = view with
            {
                Card = replacement is null ? view.Card : (JsonObject)replacement.DeepClone(),
                ReplaceName = replaceName ?? (replacement is null ? view.ReplaceName : null),
                Updates = view.Updates + 1,
            };
        }
        _responseCodes[code] = grant with { Used = true };
        return Ok(new JsonObject { ["invaliduser"] = invalid });
    }

    /// <summary>
    /// A member presses an app card (WeCom then calls back with a fresh response_code for this press).
    /// Returns that code; the callback itself is built by <see cref="WeComCallbacks.CardPress"/>.
    /// </summary>
    public string IssueAppPressCode(string userId, string taskId)
    {
        lock (_gate)
        {
            if (!_appCards.TryGetValue(taskId, out var card) || !card.Views.ContainsKey(userId))
                throw new InvalidOperationException($"{userId} never received an app card with task_id {taskId}.");
            var code = RandomText(32);
            _responseCodes[code] = new ResponseCode(taskId, Now + ResponseCodeLifetime, false);
            return code;
        }
    }

    /// <summary>The card type of an app card sent earlier (for a press callback), or null.</summary>
    public string? AppCardType(string taskId)
    {
        lock (_gate) return _appCards.TryGetValue(taskId, out var card) ? card.CardType : null;
    }

    private static readonly Dictionary<string, long> MediaLimits = new(StringComparer.Ordinal)
    {
        ["image"] = 10L << 20, ["voice"] = 2L << 20, ["video"] = 10L << 20, ["file"] = 20L << 20,
    };

    private JsonObject UploadMedia(IReadOnlyDictionary<string, string> query, IReadOnlyList<ApiFile> files)
    {
        var type = query.GetValueOrDefault("type") ?? "";
        if (!MediaLimits.TryGetValue(type, out var limit)) return Error(40004, "invalid media type");
        if (files.FirstOrDefault(f => f.Field == "media") is not { } file) return Error(41005, "media data missing");
        if (file.Content.Length < 5 || file.Content.Length > limit) return Error(40006, "invalid file size");
        var mediaId = "3" + RandomText(60);
        _media[mediaId] = file;
        return Ok(new JsonObject
        {
            ["type"] = type,
            ["media_id"] = mediaId,
            ["created_at"] = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        });
    }
}
