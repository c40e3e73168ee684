using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Academy.BotHost.Channels.WeChatFamily;
using Academy.Fakes.Platform;

namespace Academy.Fakes.WeCom;

/// <summary>
/// How the host answered a callback: the delivery (every try), and the passive reply opened the way
/// WeCom opens it (its own signature checked, decrypted). <see cref="Reply"/> is null for an empty answer.
/// </summary>
public sealed record WeComCallbackResult(CallbackDelivery Delivery, string? Reply, WxError? ReplyError, string Timestamp, string Nonce)
{
    public bool Accepted => Delivery.Accepted;
}

/// <summary>
/// WeCom calling the host: the self-built app's encrypted XML at <c>/wecom/app</c> and the smart robot's
/// encrypted JSON at <c>/wecom/robot</c>, their GET URL verifications, signed with the callback Token and
/// EncodingAESKey as WeCom does, posted with its 5-second wait and 3 tries (<see cref="Timeout"/>, <see cref="Attempts"/>).
/// </summary>
public sealed class WeComCallbacks(FakeWeCom fake, HttpClient host, string appPath = "/wecom/app", string robotPath = "/wecom/robot")
{
    public WxMessageCrypt AppCrypt { get; } = new(FakeWeCom.AppToken, FakeWeCom.AppEncodingAesKey, FakeWeCom.CorpId);

    /// <summary>The internal smart robot's callbacks carry an empty receive id.</summary>
    public WxMessageCrypt RobotCrypt { get; } = new(FakeWeCom.RobotToken, FakeWeCom.RobotEncodingAesKey, "");

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    public int Attempts { get; set; } = 3;

    /// <summary>Writes Base64 <c>+</c> and <c>/</c> unescaped in echostr, as a careless proxy might (WeCom itself percent-encodes).</summary>
    public bool LiteralPlus { get; set; }

    // ---- URL verification (GET) -------------------------------------------------------------------

    /// <summary>The GET the app's URL verification sends; <paramref name="plaintext"/> is what the host must answer.</summary>
    public HttpRequestMessage AppVerification(out string plaintext) => Verification(AppCrypt, appPath, out plaintext);

    public HttpRequestMessage RobotVerification(out string plaintext) => Verification(RobotCrypt, robotPath, out plaintext);

    private HttpRequestMessage Verification(WxMessageCrypt crypt, string path, out string plaintext)
    {
        plaintext = RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture) +
                    RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
        var (timestamp, nonce) = Stamp();
        // Drawn until the Base64 carries a '+', so a host that form-decodes the query is caught.
        string echo;
        do echo = crypt.Encrypt(plaintext);
        while (!echo.Contains('+', StringComparison.Ordinal));
        var signature = WxSignature.OverMessage(crypt.Token, timestamp, nonce, echo);
        var echoInQuery = LiteralPlus ? echo.Replace("=", "%3D", StringComparison.Ordinal) : Uri.EscapeDataString(echo);
        return new HttpRequestMessage(HttpMethod.Get, $"{path}?msg_signature={signature}&timestamp={timestamp}&nonce={nonce}&echostr={echoInQuery}");
    }

    // ---- The self-built app (XML) -----------------------------------------------------------------

    /// <summary>A member writes to the app.</summary>
    public Task<WeComCallbackResult> AppTextAsync(string userId, string content, long? msgId = null) =>
        PostAppAsync(AppMessage(userId, "text", [new("Content", content), new("MsgId", (msgId ?? NextMsgId()).ToString(CultureInfo.InvariantCulture))]));

    /// <summary>An app event: <c>enter_agent</c>, <c>subscribe</c>, <c>unsubscribe</c>, <c>click</c> (with its key)…</summary>
    public Task<WeComCallbackResult> AppEventAsync(string userId, string eventName, string? eventKey = null) =>
        PostAppAsync(AppMessage(userId, "event", [new("Event", eventName), new("EventKey", eventKey ?? "")]));

    /// <summary>
    /// A member presses an app card sent through message/send: the event carries the card's TaskId, the key
    /// pressed, the choices, and a fresh ResponseCode the fake will honour once within 72 hours.
    /// </summary>
    public Task<WeComCallbackResult> AppCardPressAsync(string userId, string taskId, string eventKey,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? selected = null)
    {
        var cardType = fake.AppCardType(taskId) ?? throw new InvalidOperationException($"No app card with task_id {taskId} was sent.");
        var code = fake.IssueAppPressCode(userId, taskId);
        var xml = AppMessage(userId, "event",
        [
            new("Event", "template_card_event"), new("EventKey", eventKey), new("TaskId", taskId),
            new("CardType", cardType), new("ResponseCode", code),
        ]);
        if (selected is { Count: > 0 })
        {
            var items = new StringBuilder("<SelectedItems>");
            foreach (var (question, options) in selected)
            {
                items.Append("<SelectedItem><QuestionKey>").Append(WxXml.Cdata(question)).Append("</QuestionKey><OptionIds>");
                foreach (var option in options) items.Append("<OptionId>").Append(WxXml.Cdata(option)).Append("</OptionId>");
                items.Append("</OptionIds></SelectedItem>");
            }
            xml = xml.Replace("</xml>", items.Append("</SelectedItems></xml>").ToString(), StringComparison.Ordinal);
        }
        return PostAppAsync(xml);
    }

    /// <summary>Posts any plaintext XML message as the app's encrypted callback.</summary>
    public async Task<WeComCallbackResult> PostAppAsync(string plaintextXml)
    {
        var (timestamp, nonce) = Stamp();
        var encrypt = AppCrypt.Encrypt(plaintextXml);
        var body = WxEnvelope.BuildXml(encrypt, FakeWeCom.CorpId, FakeWeCom.AgentId.ToString(CultureInfo.InvariantCulture));
        var delivery = await PostAsync(appPath, WxSignature.OverMessage(AppCrypt.Token, timestamp, nonce, encrypt), timestamp, nonce, body, "text/xml");
        return Opened(delivery, timestamp, nonce, reply => WxEnvelope.ParseXmlReply(reply), AppCrypt, checkNonce: false);
    }

    private string AppMessage(string userId, string msgType, IEnumerable<KeyValuePair<string, string>> fields) =>
        WxXml.Build(
            [
                new("ToUserName", FakeWeCom.CorpId), new("FromUserName", userId),
                new("CreateTime", fake.Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
                new("MsgType", msgType), .. fields, new("AgentID", FakeWeCom.AgentId.ToString(CultureInfo.InvariantCulture)),
            ],
            new HashSet<string>(StringComparer.Ordinal) { "CreateTime", "MsgId", "AgentID" });

    // ---- The smart robot in callback mode (JSON) ---------------------------------------------------

    /// <summary>A user writes to the robot (single chat, or a group when <paramref name="chatId"/> is given); the body carries a response_url.</summary>
    public Task<WeComCallbackResult> RobotTextAsync(string userId, string content, string? chatId = null)
    {
        var body = fake.MessageBody(userId, chatId, new JsonObject { ["msgtype"] = "text", ["text"] = new JsonObject { ["content"] = content } });
        fake.OpenConversation(chatId ?? userId, chatId is not null);
        body["response_url"] = fake.IssueResponseUrl(chatId ?? userId);
        return PostRobotAsync(body.ToJsonString());
    }

    /// <summary>A user @mentions the robot in a group: "@Academy {text}".</summary>
    public Task<WeComCallbackResult> RobotMentionAsync(string userId, string chatId, string text) =>
        RobotTextAsync(userId, "@" + FakeWeCom.BotName + " " + text, chatId);

    public Task<WeComCallbackResult> RobotEnterChatAsync(string userId) =>
        PostRobotAsync(fake.EventBody(userId, null, "enter_chat", null).ToJsonString());

    /// <summary>A user presses a robot card that was sent in a passive reply or through a response_url.</summary>
    public Task<WeComCallbackResult> RobotCardPressAsync(string userId, string taskId, string eventKey,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? selected = null)
    {
        var (detail, chatId) = fake.CardPress(userId, taskId, eventKey, selected);
        var body = fake.EventBody(userId, chatId, "template_card_event", detail);
        body["response_url"] = fake.IssueResponseUrl(chatId ?? userId);
        return PostRobotAsync(body.ToJsonString());
    }

    /// <summary>Posts any plaintext JSON as the robot's encrypted callback.</summary>
    public async Task<WeComCallbackResult> PostRobotAsync(string plaintextJson)
    {
        var (timestamp, nonce) = Stamp();
        var encrypt = RobotCrypt.Encrypt(plaintextJson);
        var delivery = await PostAsync(robotPath, WxSignature.OverMessage(RobotCrypt.Token, timestamp, nonce, encrypt), timestamp, nonce,
            WxEnvelope.BuildJson(encrypt), "application/json");
        return Opened(delivery, timestamp, nonce, reply => WxEnvelope.ParseJsonReply(reply), RobotCrypt, checkNonce: true);
    }

    // ---- Plumbing ---------------------------------------------------------------------------------

    private Task<CallbackDelivery> PostAsync(string path, string signature, string timestamp, string nonce, string body, string contentType) =>
        CallbackPoster.PostAsync(host, () => new HttpRequestMessage(HttpMethod.Post, $"{path}?msg_signature={signature}&timestamp={timestamp}&nonce={nonce}")
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        }, Timeout, Attempts);

    private static WeComCallbackResult Opened(CallbackDelivery delivery, string timestamp, string nonce,
        Func<string, WxResult<WxSealed>> parse, WxMessageCrypt crypt, bool checkNonce)
    {
        if (string.IsNullOrEmpty(delivery.Reply) || delivery.Reply == "success") return new WeComCallbackResult(delivery, null, null, timestamp, nonce);
        var sealedReply = parse(delivery.Reply);
        if (!sealedReply.IsOk) return new WeComCallbackResult(delivery, null, sealedReply.Error, timestamp, nonce);
        if (checkNonce && sealedReply.Value.Nonce != nonce)
            return new WeComCallbackResult(delivery, null, new WxError(WxFailure.Malformed, "the reply's nonce is not the callback's"), timestamp, nonce);
        var opened = crypt.OpenSealed(sealedReply.Value);
        return new WeComCallbackResult(delivery, opened.IsOk ? opened.Value : null, opened.Error, timestamp, nonce);
    }

    private (string Timestamp, string Nonce) Stamp() =>
        (fake.Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
         RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture));

    private static long NextMsgId() => RandomNumberGenerator.GetInt32(1, int.MaxValue) * 4_000_000_000L + RandomNumberGenerator.GetInt32(int.MaxValue);
}
