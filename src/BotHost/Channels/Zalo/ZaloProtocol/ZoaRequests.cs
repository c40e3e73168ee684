using System.Text;
using System.Text.Json.Nodes;

namespace Academy.BotHost.Channels.Zalo.ZaloProtocol;

/// <summary>The button types an Official Account message may carry (private chats only; none are documented in groups).</summary>
public enum ZoaButtonType
{
    /// <summary><c>oa.query.hide</c>: the payload comes back as the follower's <c>user_send_text</c>, not shown in the chat.</summary>
    QueryHide,

    /// <summary><c>oa.query.show</c>: the payload comes back as the follower's <c>user_send_text</c>, shown as their message.</summary>
    QueryShow,

    /// <summary><c>oa.open.url</c>: opens a page; nothing comes back.</summary>
    OpenUrl,
}

/// <summary>One button: its label and what it sends back (a query payload) or opens (a URL).</summary>
public sealed record ZoaButton(string Title, ZoaButtonType Type, string Payload)
{
    public static ZoaButton Hidden(string title, string payload) => new(title, ZoaButtonType.QueryHide, payload);

    public static ZoaButton Shown(string title, string payload) => new(title, ZoaButtonType.QueryShow, payload);

    public static ZoaButton Link(string title, string url) => new(title, ZoaButtonType.OpenUrl, url);

    public static string TypeName(ZoaButtonType type) => type switch
    {
        ZoaButtonType.QueryHide => "oa.query.hide",
        ZoaButtonType.QueryShow => "oa.query.show",
        _ => "oa.open.url",
    };
}

/// <summary>
/// The request bodies Academy sends to the Official Account API, in the shapes the integrators' code and SDKs
/// agree on. Text goes through <see cref="ZaloText.Normalize"/> first: Zalo counts characters, and text pasted
/// from some devices arrives decomposed (longer) though it looks the same.
/// </summary>
public static class ZoaRequests
{
    /// <summary><c>POST /v3.0/oa/message/cs</c>: a consultation text message.</summary>
    public static JsonObject CsText(string userId, string text) => new()
    {
        ["recipient"] = new JsonObject { ["user_id"] = userId },
        ["message"] = new JsonObject { ["text"] = ZaloText.Normalize(text) },
    };

    /// <summary>
    /// <c>POST /v3.0/oa/message/cs</c>: text with buttons —
    /// <c>message.attachment = {type: "template", payload: {buttons: [{title, type, payload}]}}</c>, where a query
    /// button's payload is a string and a link's is <c>{url}</c>. Some integrators add <c>template_type: "button"</c>.
    /// </summary>
    public static JsonObject CsButtons(string userId, string text, IEnumerable<ZoaButton> buttons)
    {
        ArgumentNullException.ThrowIfNull(buttons);
        var list = new JsonArray();
        foreach (var button in buttons)
            list.Add(new JsonObject
            {
                ["title"] = ZaloText.Normalize(button.Title),
                ["type"] = ZoaButton.TypeName(button.Type),
                ["payload"] = button.Type == ZoaButtonType.OpenUrl ? new JsonObject { ["url"] = button.Payload } : button.Payload,
            });
        return new JsonObject
        {
            ["recipient"] = new JsonObject { ["user_id"] = userId },
            ["message"] = new JsonObject
            {
                ["text"] = ZaloText.Normalize(text),
                ["attachment"] = new JsonObject
                {
                    ["type"] = "template",
                    ["payload"] = new JsonObject { ["buttons"] = list },
                },
            },
        };
    }

    /// <summary>
    /// <c>POST /v3.0/oa/message/cs</c>: the form asking the follower to share name and phone (exactly one
    /// element); the answer arrives later as <c>user_submit_info</c>.
    /// </summary>
    public static JsonObject RequestUserInfo(string userId, string title, string subtitle, string imageUrl) => new()
    {
        ["recipient"] = new JsonObject { ["user_id"] = userId },
        ["message"] = new JsonObject
        {
            ["attachment"] = new JsonObject
            {
                ["type"] = "template",
                ["payload"] = new JsonObject
                {
                    ["template_type"] = "request_user_info",
                    ["elements"] = new JsonArray(new JsonObject
                    {
                        ["title"] = ZaloText.Normalize(title),
                        ["subtitle"] = ZaloText.Normalize(subtitle),
                        ["image_url"] = imageUrl,
                    }),
                },
            },
        },
    };

    /// <summary><c>POST /v3.0/oa/group/message</c>: text into an OA group; mention members with <see cref="ZoaMention.Marker"/>.</summary>
    public static JsonObject GroupText(string groupId, string text) => new()
    {
        ["recipient"] = new JsonObject { ["group_id"] = groupId },
        ["message"] = new JsonObject { ["text"] = ZaloText.Normalize(text) },
    };

    /// <summary><c>POST /v3.0/oa/group/creategroupwithoa</c>.</summary>
    public static JsonObject CreateGroup(string name, string assetId, IEnumerable<string> memberUserIds, string? description = null)
    {
        var body = new JsonObject
        {
            ["group_name"] = ZaloText.Normalize(name),
            ["asset_id"] = assetId,
            ["member_user_ids"] = new JsonArray([.. memberUserIds.Select(id => (JsonNode)id)]),
        };
        if (!string.IsNullOrEmpty(description)) body["group_description"] = ZaloText.Normalize(description);
        return body;
    }

    /// <summary>The <c>data</c> query value of a GET (<c>?data={"user_id": …}</c>), URL-encoded.</summary>
    public static string DataQuery(JsonObject parameters) => "data=" + Uri.EscapeDataString(parameters.ToJsonString());
}

/// <summary>
/// Group mentions are a text convention: <c>[@user_id]</c> tags one member, <c>[@group_id]</c> everyone. Text a
/// person wrote must not carry that pattern into a group, or anyone could tag the whole group.
/// </summary>
public static class ZoaMention
{
    public static string Marker(string userId) => "[@" + userId + "]";

    /// <summary><paramref name="text"/> with every <c>[@</c> broken (a zero-width space after the bracket), so no mention survives.</summary>
    public static string Neutralize(string text) => text.Replace("[@", "[\u200B@", StringComparison.Ordinal);
}

/// <summary>Text as Zalo measures it: NFC first, then characters (code points), at most 2000 in a message.</summary>
public static class ZaloText
{
    public const int MaxLength = 2000;

    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);
    }

    /// <summary>Characters in <paramref name="text"/> as sent (an emoji is one, as is a precomposed Vietnamese letter).</summary>
    public static int Length(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var count = 0;
        foreach (var _ in text.EnumerateRunes()) count++;
        return count;
    }

    public static bool Fits(string text, int limit = MaxLength) => Length(Normalize(text)) <= limit;
}
