using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Academy.Fakes.Platform;

namespace Academy.Fakes.WeChat;

/// <summary>A customer-service message that reached a follower.</summary>
public sealed record WeChatCustomMessage(string OpenId, string MsgType, JsonObject Request, DateTimeOffset At);

/// <summary>A template message as the follower sees it: each value cut and flattened as WeChat shows it.</summary>
public sealed record WeChatTemplateMessage(string OpenId, string TemplateId, string? Url, IReadOnlyDictionary<string, string> Shown,
    JsonObject Request, long MsgId, DateTimeOffset At);

/// <summary>A parametrised QR code: its scene, and when it stops working (null: permanent).</summary>
public sealed record WeChatQrCode(string Ticket, string Scene, bool Permanent, DateTimeOffset? Expires);

/// <summary>What opened a follower's customer-service window.</summary>
public enum WindowReason
{
    /// <summary>The follower wrote: 5 sends within 48 hours.</summary>
    Message,

    /// <summary>A menu click, a follow or a QR scan: 3 sends within 1 minute.</summary>
    Event,
}

// The Official Account's API methods and the follower-side state they depend on.
public sealed partial class FakeWeChat
{
    public static readonly TimeSpan MessageWindow = TimeSpan.FromHours(48);
    public static readonly TimeSpan EventWindow = TimeSpan.FromMinutes(1);
    public const int MessageWindowSends = 5;
    public const int EventWindowSends = 3;
    public const string DefaultTemplateId = "tpl-daily-lesson-0001";

    private static readonly byte[] QrPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==");

    private readonly HashSet<string> _followers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Grant>> _windows = new(StringComparer.Ordinal);
    private readonly List<WeChatCustomMessage> _custom = [];
    private readonly List<WeChatTemplateMessage> _templates = [];
    private readonly HashSet<string> _templateIds = new(StringComparer.Ordinal) { DefaultTemplateId };
    private readonly Dictionary<string, WeChatQrCode> _qrCodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ApiFile File, DateTimeOffset Expires)> _media = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string OpenId, string Scope, DateTimeOffset Expires, bool Used)> _oauthCodes = new(StringComparer.Ordinal);
    private JsonObject? _menu;
    private long _nextMsgId = 2_100_000_000_000_000_001;

    /// <summary>A verified service account may send msgmenu; a test account gets 40200.</summary>
    public bool IsVerifiedServiceAccount { get; set; } = true;

    /// <summary>Characters a template value keeps (WeChat cuts longer ones since 2023).</summary>
    public int TemplateValueLimit { get; set; } = 20;

    /// <summary>Refuse over-long template values with 47003 instead of cutting them.</summary>
    public bool RejectLongTemplateValues { get; set; }

    /// <summary>The person "in the WeChat browser" for the OAuth page (null: the page refuses).</summary>
    public string? BrowserOpenId { get; set; }

    public void AddTemplate(string templateId)
    {
        lock (_gate) _templateIds.Add(templateId);
    }

    // ---- Followers and their windows -----------------------------------------------------------------

    public bool IsFollower(string openId)
    {
        lock (_gate) return _followers.Contains(openId);
    }

    /// <summary>Makes <paramref name="openId"/> a follower without any callback (state set up by a test).</summary>
    public void AddFollower(string openId)
    {
        lock (_gate) _followers.Add(openId);
    }

    internal void Follow(string openId)
    {
        lock (_gate) _followers.Add(openId);
    }

    internal void Unfollow(string openId)
    {
        lock (_gate)
        {
            _followers.Remove(openId);
            _windows.Remove(openId);
        }
    }

    /// <summary>
    /// Records what the follower did: a message opens 5 sends within 48 h and replaces the previous message
    /// allowance; a click, follow or scan opens 3 sends within 1 minute.
    /// </summary>
    public void OpenWindow(string openId, WindowReason reason)
    {
        lock (_gate)
        {
            if (!_windows.TryGetValue(openId, out var grants)) _windows[openId] = grants = [];
            if (reason == WindowReason.Message)
            {
                grants.RemoveAll(g => g.Reason == WindowReason.Message);
                grants.Add(new Grant(WindowReason.Message, Now + MessageWindow, MessageWindowSends));
            }
            else grants.Add(new Grant(WindowReason.Event, Now + EventWindow, EventWindowSends));
        }
    }

    /// <summary>Sends still allowed to <paramref name="openId"/> now, over all open windows.</summary>
    public int SendsLeft(string openId)
    {
        lock (_gate) return _windows.TryGetValue(openId, out var grants) ? grants.Where(g => g.Expires > Now).Sum(g => g.Remaining) : 0;
    }

    private sealed class Grant(WindowReason reason, DateTimeOffset expires, int remaining)
    {
        public WindowReason Reason { get; } = reason;
        public DateTimeOffset Expires { get; } = expires;
        public int Remaining { get; set; } = remaining;
    }

    /// <summary>Takes one send from the window closing soonest; the errcode when none may be taken.</summary>
    private int TakeSend(string openId)
    {
        if (!_followers.Contains(openId)) return 45015;
        var open = _windows.TryGetValue(openId, out var grants) ? grants.Where(g => g.Expires > Now).ToList() : [];
        if (open.Count == 0) return 45015;
        var usable = open.Where(g => g.Remaining > 0).OrderBy(g => g.Expires).FirstOrDefault();
        if (usable is null) return 45047;
        usable.Remaining--;
        return 0;
    }

    // ---- What reached followers -------------------------------------------------------------------

    public IReadOnlyList<WeChatCustomMessage> CustomMessages
    {
        get { lock (_gate) return [.. _custom]; }
    }

    public IReadOnlyList<WeChatCustomMessage> CustomMessagesTo(string openId)
    {
        lock (_gate) return [.. _custom.Where(m => m.OpenId == openId)];
    }

    public IReadOnlyList<WeChatTemplateMessage> TemplateMessages
    {
        get { lock (_gate) return [.. _templates]; }
    }

    public IReadOnlyList<WeChatTemplateMessage> TemplateMessagesTo(string openId)
    {
        lock (_gate) return [.. _templates.Where(m => m.OpenId == openId)];
    }

    public IReadOnlyList<WeChatQrCode> QrCodes
    {
        get { lock (_gate) return [.. _qrCodes.Values]; }
    }

    public JsonObject? Menu
    {
        get { lock (_gate) return (JsonObject?)_menu?.DeepClone(); }
    }

    public IReadOnlyDictionary<string, ApiFile> Media
    {
        get { lock (_gate) return _media.ToDictionary(m => m.Key, m => m.Value.File); }
    }

    // ---- The methods ------------------------------------------------------------------------------

    private JsonObject SendCustom(JsonObject request)
    {
        var openId = Text(request, "touser") ?? "";
        var msgType = Text(request, "msgtype") ?? "";
        if (request[msgType] is not JsonObject payload) return Error(40008, "invalid message type");
        switch (msgType)
        {
            case "text":
                if (string.IsNullOrEmpty(Text(payload, "content"))) return Error(44004, "empty content");
                break;
            case "image":
            case "voice":
            case "video":
                if (Text(payload, "media_id") is not { } mediaId || !_media.TryGetValue(mediaId, out var media) || media.Expires <= Now)
                    return Error(40007, "invalid media_id");
                break;
            case "news":
                if (payload["articles"] is not JsonArray articles || articles.Count != 1) return Error(45008, "article size out of limit");
                break;
            case "msgmenu":
                if (!IsVerifiedServiceAccount) return Error(40200, "invalid account type");
                if (payload["list"] is not JsonArray items || items.Count == 0 || items.Any(i => string.IsNullOrEmpty(Text(i, "id")) || string.IsNullOrEmpty(Text(i, "content"))))
                    return Error(47001, "data format error: msgmenu.list needs items with id and content");
                break;
            case "music":
            case "mpnews":
            case "mpnewsarticle":
            case "wxcard":
            case "miniprogrampage":
                break;
            default:
                return Error(40008, "invalid message type");
        }
        var refused = TakeSend(openId);
        if (refused != 0) return Error(refused, ApiFaults.DefaultErrmsg(refused));
        _custom.Add(new WeChatCustomMessage(openId, msgType, (JsonObject)request.DeepClone(), Now));
        return Ok();
    }

    private JsonObject SendTemplate(JsonObject request)
    {
        var openId = Text(request, "touser") ?? "";
        if (!_followers.Contains(openId)) return Error(43004, "require subscribe");
        var templateId = Text(request, "template_id") ?? "";
        if (!_templateIds.Contains(templateId)) return Error(40037, "invalid template_id");
        var shown = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyword, value) in request["data"] as JsonObject ?? [])
        {
            var text = Text(value, "value") ?? "";
            if (RejectLongTemplateValues && text.Length > TemplateValueLimit)
                return Error(47003, $"argument invalid! data.{keyword}.value exceeds {TemplateValueLimit} characters");
            var flat = text.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
            shown[keyword] = new StringInfo(flat).LengthInTextElements > TemplateValueLimit
                ? new StringInfo(flat).SubstringByTextElements(0, TemplateValueLimit)
                : flat;
        }
        var msgId = _nextMsgId++;
        _templates.Add(new WeChatTemplateMessage(openId, templateId, Text(request, "url"), shown, (JsonObject)request.DeepClone(), msgId, Now));
        return Ok(new JsonObject { ["msgid"] = msgId });
    }

    private JsonObject CreateQrCode(JsonObject request)
    {
        var action = Text(request, "action_name") ?? "";
        var scene = request["action_info"]?["scene"];
        var permanent = action.StartsWith("QR_LIMIT_", StringComparison.Ordinal);
        string sceneValue;
        switch (action)
        {
            case "QR_STR_SCENE":
            case "QR_LIMIT_STR_SCENE":
                sceneValue = Text(scene, "scene_str") ?? "";
                if (sceneValue.Length is < 1 or > 64) return Error(40097, "invalid args: scene_str must be 1-64 characters");
                break;
            case "QR_SCENE":
            case "QR_LIMIT_SCENE":
                if (!long.TryParse(Text(scene, "scene_id"), CultureInfo.InvariantCulture, out var id) || id < 1 || (permanent && id > 100_000))
                    return Error(40097, "invalid args: scene_id");
                sceneValue = id.ToString(CultureInfo.InvariantCulture);
                break;
            default:
                return Error(40053, "invalid action_name");
        }
        int? seconds = null;
        if (!permanent)
        {
            seconds = int.TryParse(Text(request, "expire_seconds"), CultureInfo.InvariantCulture, out var s) ? s : 60;
            if (seconds is < 1 or > 2_592_000) return Error(40097, "invalid args: expire_seconds is at most 2592000");
        }
        var ticket = "gQ" + RandomText(54) + "==";
        var code = new WeChatQrCode(ticket, sceneValue, permanent, seconds is { } life ? Now + TimeSpan.FromSeconds(life) : null);
        _qrCodes[ticket] = code;
        var reply = new JsonObject { ["ticket"] = ticket };
        if (seconds is { } expire) reply["expire_seconds"] = expire;
        reply["url"] = "http://weixin.qq.com/q/" + RandomText(22);
        return reply; // qrcode/create answers without errcode on success
    }

    private byte[]? QrImage(string? ticket) =>
        ticket is not null && _qrCodes.TryGetValue(ticket, out var code) && (code.Expires is null || code.Expires > Now) ? QrPng : null;

    /// <summary>The code behind a ticket, if it still works.</summary>
    internal WeChatQrCode? LiveQrCode(string ticket)
    {
        lock (_gate) return _qrCodes.TryGetValue(ticket, out var code) && (code.Expires is null || code.Expires > Now) ? code : null;
    }

    private static readonly Dictionary<string, (long Limit, int Errcode)> MediaLimits = new(StringComparer.Ordinal)
    {
        ["image"] = (10L << 20, 40009), ["voice"] = (2L << 20, 40010), ["video"] = (10L << 20, 40011), ["thumb"] = (64L << 10, 40012),
    };

    private JsonObject UploadMedia(IReadOnlyDictionary<string, string> query, IReadOnlyList<ApiFile> files)
    {
        var type = query.GetValueOrDefault("type") ?? "";
        if (!MediaLimits.TryGetValue(type, out var rule)) return Error(40004, "invalid media type");
        if (files.FirstOrDefault(f => f.Field == "media") is not { } file) return Error(41005, "media data missing");
        if (file.Content.Length == 0 || file.Content.Length > rule.Limit) return Error(rule.Errcode, "invalid file size");
        var mediaId = RandomText(64);
        _media[mediaId] = (file, Now + TimeSpan.FromDays(3));
        return new JsonObject { ["type"] = type, ["media_id"] = mediaId, ["created_at"] = Now.ToUnixTimeSeconds() };
    }

    private JsonObject CreateMenu(JsonObject request)
    {
        if (request["button"] is not JsonArray buttons || buttons.Count is 0 or > 3) return Error(40016, "invalid button size");
        foreach (var button in buttons.OfType<JsonObject>())
        {
            if (ButtonProblem(button, 16) is { } problem) return problem;
            if (button["sub_button"] is JsonArray subs)
            {
                if (subs.Count > 5) return Error(40023, "invalid sub button size");
                foreach (var sub in subs.OfType<JsonObject>())
                    if (ButtonProblem(sub, 60) is { } subProblem) return subProblem;
            }
        }
        _menu = (JsonObject)request.DeepClone();
        return Ok();
    }

    private static JsonObject? ButtonProblem(JsonObject button, int nameBytes)
    {
        var name = Text(button, "name") ?? "";
        if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > nameBytes) return Error(40018, "invalid button name size");
        return Text(button, "type") switch
        {
            null when button["sub_button"] is JsonArray => null,
            "click" when string.IsNullOrEmpty(Text(button, "key")) => Error(40019, "invalid button key size"),
            "view" when string.IsNullOrEmpty(Text(button, "url")) => Error(40054, "invalid sub button url domain"),
            _ => null,
        };
    }

    // ---- Web OAuth (snsapi_base) --------------------------------------------------------------------

    private (string? Location, string? Problem) Authorize(IReadOnlyDictionary<string, string> query)
    {
        if (query.GetValueOrDefault("appid") != AppId) return (null, "appid 参数错误 (wrong appid)");
        if (query.GetValueOrDefault("response_type") != "code") return (null, "response_type must be code");
        var scope = query.GetValueOrDefault("scope");
        if (scope is not ("snsapi_base" or "snsapi_userinfo")) return (null, "scope 参数错误或没有 scope 权限");
        if (!Uri.TryCreate(query.GetValueOrDefault("redirect_uri"), UriKind.Absolute, out var redirect)) return (null, "redirect_uri 参数错误");
        if (BrowserOpenId is not { } openId) return (null, "请在微信客户端打开链接 (open this link in WeChat)");
        var code = RandomText(32);
        _oauthCodes[code] = (openId, scope, Now + TimeSpan.FromMinutes(5), false);
        var separator = string.IsNullOrEmpty(redirect.Query) ? "?" : "&";
        return (redirect + separator + "code=" + code + "&state=" + Uri.EscapeDataString(query.GetValueOrDefault("state") ?? ""), null);
    }

    private JsonObject OAuthToken(IReadOnlyDictionary<string, string> query)
    {
        if (query.GetValueOrDefault("appid") != AppId) return Error(40013, "invalid appid");
        if (query.GetValueOrDefault("secret") != AppSecret) return Error(40125, "invalid appsecret");
        if (query.GetValueOrDefault("grant_type") != "authorization_code") return Error(40002, "invalid grant_type");
        var code = query.GetValueOrDefault("code") ?? "";
        if (!_oauthCodes.TryGetValue(code, out var grant) || grant.Expires <= Now) return Error(40029, "invalid code");
        if (grant.Used) return Error(40163, "code been used");
        _oauthCodes[code] = grant with { Used = true };
        return new JsonObject
        {
            ["access_token"] = "sns-" + RandomText(40),
            ["expires_in"] = 7200,
            ["refresh_token"] = "snsrefresh-" + RandomText(40),
            ["openid"] = grant.OpenId,
            ["scope"] = grant.Scope,
        };
    }

    internal long NextMsgId()
    {
        lock (_gate) return _nextMsgId++;
    }
}
