using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Academy.BotHost.Channels.WeChatFamily;
using Academy.Fakes.Platform;

namespace Academy.Fakes.WeChat;

/// <summary>
/// How the host answered a callback: every try, and the passive reply as WeChat reads it (in safe mode its
/// signature checked and decrypted). <see cref="Reply"/> is null for an empty answer or "success".
/// </summary>
public sealed record WeChatCallbackResult(CallbackDelivery Delivery, string? Reply, WxError? ReplyError, string Timestamp, string Nonce, string Message)
{
    public bool Accepted => Delivery.Accepted;
}

/// <summary>
/// WeChat calling the host at <c>/wechat</c> as the Official Account platform does: the GET handshake, and
/// POSTs of followers' messages and events in plain mode (<c>signature</c> over token, timestamp, nonce) or
/// safe mode (<c>encrypt_type=aes</c>, <c>msg_signature</c>, the message encrypted for the AppID), each with
/// <c>openid</c>, a 5-second wait and 3 tries. What a follower does also opens their customer-service window
/// in the fake (a message: 5 sends in 48 h; a click, follow or scan: 3 in a minute), whatever the host answers.
/// </summary>
public sealed class WeChatCallbacks(FakeWeChat fake, HttpClient host, string path = "/wechat", bool safeMode = false)
{
    public WxMessageCrypt Crypt { get; } = new(FakeWeChat.Token, FakeWeChat.EncodingAesKey, FakeWeChat.AppId);

    public bool SafeMode { get; set; } = safeMode;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    public int Attempts { get; set; } = 3;

    /// <summary>The GET handshake; the host must answer <paramref name="echo"/> unchanged.</summary>
    public HttpRequestMessage Handshake(out string echo, bool validSignature = true)
    {
        echo = RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
        var (timestamp, nonce) = Stamp();
        var signature = validSignature ? WxSignature.Plain(FakeWeChat.Token, timestamp, nonce) : new string('0', 40);
        return new HttpRequestMessage(HttpMethod.Get, $"{path}?signature={signature}&timestamp={timestamp}&nonce={nonce}&echostr={echo}");
    }

    /// <summary>A follower writes (opening 5 sends within 48 h).</summary>
    public Task<WeChatCallbackResult> TextAsync(string openId, string content, long? msgId = null)
    {
        fake.OpenWindow(openId, WindowReason.Message);
        return PostAsync(openId, Message(openId, "text", [new("Content", content), new("MsgId", (msgId ?? fake.NextMsgId()).ToString(CultureInfo.InvariantCulture))]));
    }

    /// <summary>A follower clicks a custom-menu CLICK item (3 sends within a minute).</summary>
    public Task<WeChatCallbackResult> ClickAsync(string openId, string eventKey)
    {
        fake.OpenWindow(openId, WindowReason.Event);
        return PostAsync(openId, Event(openId, "CLICK", [new("EventKey", eventKey)]));
    }

    /// <summary>A follower opens a VIEW menu link (no window is documented for it).</summary>
    public Task<WeChatCallbackResult> ViewAsync(string openId, string url) =>
        PostAsync(openId, Event(openId, "VIEW", [new("EventKey", url)]));

    /// <summary>Someone follows the account from its profile (3 sends within a minute).</summary>
    public Task<WeChatCallbackResult> FollowAsync(string openId)
    {
        fake.Follow(openId);
        fake.OpenWindow(openId, WindowReason.Event);
        return PostAsync(openId, Event(openId, "subscribe", [new("EventKey", "")]));
    }

    /// <summary>
    /// Someone scans a parametrised QR code: a non-follower follows (<c>subscribe</c>, EventKey <c>qrscene_{scene}</c>),
    /// a follower sends <c>SCAN</c> (EventKey <c>{scene}</c>); both carry the Ticket and open 3 sends within a minute.
    /// </summary>
    public Task<WeChatCallbackResult> ScanAsync(string openId, string ticket)
    {
        var code = fake.LiveQrCode(ticket) ?? throw new InvalidOperationException("The QR code is unknown or expired: scanning it does nothing.");
        var following = fake.IsFollower(openId);
        fake.Follow(openId);
        fake.OpenWindow(openId, WindowReason.Event);
        return PostAsync(openId, following
            ? Event(openId, "SCAN", [new("EventKey", code.Scene), new("Ticket", ticket)])
            : Event(openId, "subscribe", [new("EventKey", "qrscene_" + code.Scene), new("Ticket", ticket)]));
    }

    /// <summary>A follower unfollows: their windows close.</summary>
    public Task<WeChatCallbackResult> UnfollowAsync(string openId)
    {
        fake.Unfollow(openId);
        return PostAsync(openId, Event(openId, "unsubscribe", [new("EventKey", "")]));
    }

    /// <summary>Posts any plaintext XML message as it would arrive from <paramref name="openId"/>.</summary>
    public async Task<WeChatCallbackResult> PostAsync(string openId, string plaintextXml)
    {
        var (timestamp, nonce) = Stamp();
        var signature = WxSignature.Plain(FakeWeChat.Token, timestamp, nonce);
        var query = $"signature={signature}&timestamp={timestamp}&nonce={nonce}&openid={Uri.EscapeDataString(openId)}";
        var body = plaintextXml;
        if (SafeMode)
        {
            var encrypt = Crypt.Encrypt(plaintextXml);
            query += "&encrypt_type=aes&msg_signature=" + WxSignature.OverMessage(FakeWeChat.Token, timestamp, nonce, encrypt);
            body = WxEnvelope.BuildXml(encrypt, FakeWeChat.OriginalId);
        }
        var delivery = await CallbackPoster.PostAsync(host, () => new HttpRequestMessage(HttpMethod.Post, path + "?" + query)
        {
            Content = new StringContent(body, Encoding.UTF8, "text/xml"),
        }, Timeout, Attempts);
        return Opened(delivery, timestamp, nonce, plaintextXml);
    }

    private WeChatCallbackResult Opened(CallbackDelivery delivery, string timestamp, string nonce, string message)
    {
        var reply = delivery.Reply;
        if (string.IsNullOrEmpty(reply) || reply == "success") return new WeChatCallbackResult(delivery, null, null, timestamp, nonce, message);
        if (!SafeMode)
        {
            var parsed = WxXml.Parse(reply);
            return new WeChatCallbackResult(delivery, parsed.IsOk ? reply : null, parsed.Error, timestamp, nonce, message);
        }
        var sealedReply = WxEnvelope.ParseXmlReply(reply);
        if (!sealedReply.IsOk) return new WeChatCallbackResult(delivery, null, sealedReply.Error, timestamp, nonce, message);
        var opened = Crypt.OpenSealed(sealedReply.Value);
        return new WeChatCallbackResult(delivery, opened.IsOk ? opened.Value : null, opened.Error, timestamp, nonce, message);
    }

    private string Message(string openId, string msgType, IEnumerable<KeyValuePair<string, string>> fields) =>
        WxXml.Build(
            [
                new("ToUserName", FakeWeChat.OriginalId), new("FromUserName", openId),
                new("CreateTime", fake.Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)), new("MsgType", msgType), .. fields,
            ],
            new HashSet<string>(StringComparer.Ordinal) { "CreateTime", "MsgId" });

    private string Event(string openId, string eventName, IEnumerable<KeyValuePair<string, string>> fields) =>
        Message(openId, "event", [new("Event", eventName), .. fields]);

    private (string Timestamp, string Nonce) Stamp() =>
        (fake.Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
         RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture));
}
