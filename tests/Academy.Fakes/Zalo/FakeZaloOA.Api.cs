using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Academy.Fakes.Zalo;

/// <summary>How a consultation message between the free window and the 7-day limit (or beyond the free count) is treated.</summary>
public enum ZaloExtendedWindow
{
    /// <summary>Delivered and counted as billable (the 2025+ model).</summary>
    AllowedAndCounted,

    /// <summary>Refused with <see cref="FakeZaloOA.ExtendedWindowRefusalError"/>.</summary>
    Refused,
}

/// <summary>How a consultation message was paid for: inside the free window, or counted against the OA's quota.</summary>
public enum ZaloBilling
{
    Free,
    Counted,
}

/// <summary>A button as Zalo showed it: label, type (<c>oa.query.hide</c>…) and payload (the query text, or the URL).</summary>
public sealed record ZaloShownButton(string Title, string Type, string Payload);

/// <summary>A consultation message that reached a follower.</summary>
/// <param name="Kind"><c>text</c>, <c>buttons</c> or <c>request_user_info</c>.</param>
public sealed record ZaloCsMessage(string UserId, string MessageId, string Kind, string? Text, IReadOnlyList<ZaloShownButton> Buttons,
    ZaloBilling Billing, JsonObject Request, DateTimeOffset At);

/// <summary>A GMF package asset: what a group is created with, and until when it (and the group) lives.</summary>
public sealed record ZaloGroupAsset(string AssetId, string ProductType, int MaxMembers, DateTimeOffset ValidThrough, string? GroupId);

/// <summary>An OA group as the fake holds it.</summary>
public sealed record ZaloGroup(string GroupId, string Name, string AssetId, string Link, IReadOnlySet<string> Members, DateTimeOffset AutoDeleteDate, bool Disabled);

/// <summary>A message the OA posted into a group, with whom it tagged.</summary>
public sealed record ZaloGroupPost(string GroupId, string MessageId, string? Text, IReadOnlyList<string> Mentioned, bool MentionedEveryone,
    IReadOnlyList<string> UnknownMentions, JsonObject Request, DateTimeOffset At);

// The Official Account's API methods and the follower-side state they depend on.
public sealed partial class FakeZaloOA
{
    private readonly Dictionary<string, ZaloUserState> _users = new(StringComparer.Ordinal);
    private readonly List<ZaloCsMessage> _cs = [];
    private readonly Dictionary<string, ZaloGroupAsset> _assets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GroupState> _groups = new(StringComparer.Ordinal);
    private readonly List<DateTimeOffset> _groupCreations = [];
    private readonly List<ZaloGroupPost> _groupPosts = [];

    public TimeSpan FreeWindow { get; set; } = TimeSpan.FromHours(48);

    public TimeSpan HardWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Free consultation messages per free window; null: unlimited (the 2026 model); 8 in the old one.</summary>
    public int? FreeMessagesPerWindow { get; set; }

    public ZaloExtendedWindow ExtendedWindow { get; set; } = ZaloExtendedWindow.AllowedAndCounted;

    /// <summary>The error a message gets under <see cref="ZaloExtendedWindow.Refused"/>.</summary>
    public int ExtendedWindowRefusalError { get; set; } = -211;

    public int MaxButtons { get; set; } = 5;

    public int MaxButtonTitle { get; set; } = 100;

    public int TextLimit { get; set; } = 2000;

    /// <summary>Groups the OA may create per Vietnam calendar day.</summary>
    public int GroupsPerDay { get; set; } = 10;

    /// <summary>Members allowed in the creation call's initial list (99 per most sources, 200 per one SDK).</summary>
    public int InitialMemberCap { get; set; } = 99;

    public int GroupNameLimit { get; set; } = 100;

    private sealed class ZaloUserState(string userId, string byApp, string name)
    {
        public string UserId { get; } = userId;
        public string UserIdByApp { get; } = byApp;
        public string DisplayName { get; set; } = name;
        public bool Follower { get; set; }
        public DateTimeOffset? LastInteraction { get; set; }
        public int FreeUsed { get; set; }
        public string? SharedName { get; set; }
        public string? SharedPhone { get; set; }
    }

    private sealed class GroupState(string id, string name, string asset, string link, DateTimeOffset autoDelete)
    {
        public string GroupId { get; } = id;
        public string Name { get; } = name;
        public string AssetId { get; } = asset;
        public string Link { get; } = link;
        public HashSet<string> Members { get; } = new(StringComparer.Ordinal);
        public DateTimeOffset AutoDeleteDate { get; set; } = autoDelete;
        public bool Disabled { get; set; }
    }

    // ---- Users and their window ---------------------------------------------------------------------

    /// <summary>Someone Zalo knows as a user of this OA (no interaction yet): the state a test sets up.</summary>
    public void AddUser(string userId, string displayName = "Người học", bool follower = true)
    {
        lock (_gate) User(userId, displayName).Follower = follower;
    }

    /// <summary>
    /// What the user did opens (or re-opens) their window: a message, a button tap, a follow, a submitted form.
    /// The free count starts again.
    /// </summary>
    public void RecordInteraction(string userId)
    {
        lock (_gate)
        {
            var user = User(userId);
            user.LastInteraction = Now;
            user.FreeUsed = 0;
        }
    }

    public DateTimeOffset? LastInteraction(string userId)
    {
        lock (_gate) return _users.TryGetValue(userId, out var user) ? user.LastInteraction : null;
    }

    public bool IsFollower(string userId)
    {
        lock (_gate) return _users.TryGetValue(userId, out var user) && user.Follower;
    }

    internal void SetFollower(string userId, bool follower)
    {
        lock (_gate) User(userId).Follower = follower;
    }

    internal void ShareInfo(string userId, string? name, string? phone)
    {
        lock (_gate)
        {
            var user = User(userId);
            user.SharedName = name;
            user.SharedPhone = phone;
        }
    }

    internal string UserIdByApp(string userId)
    {
        lock (_gate) return User(userId).UserIdByApp;
    }

    private ZaloUserState User(string userId, string? displayName = null)
    {
        if (!_users.TryGetValue(userId, out var user))
            _users[userId] = user = new ZaloUserState(userId, AppScopedId(userId), displayName ?? "Người học");
        else if (displayName is not null) user.DisplayName = displayName;
        return user;
    }

    /// <summary>A stable App-scoped id for an OA-scoped one (Zalo's are unrelated digits; these only need to be stable).</summary>
    private static string AppScopedId(string userId)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(userId));
        return "55" + (BitConverter.ToUInt64(hash) % 10_000_000_000_000_000UL).ToString("D16", CultureInfo.InvariantCulture);
    }

    // ---- What reached people --------------------------------------------------------------------------

    public IReadOnlyList<ZaloCsMessage> CsMessages
    {
        get { lock (_gate) return [.. _cs]; }
    }

    public IReadOnlyList<ZaloCsMessage> CsMessagesTo(string userId)
    {
        lock (_gate) return [.. _cs.Where(m => m.UserId == userId)];
    }

    public IReadOnlyList<ZaloGroupPost> GroupPosts
    {
        get { lock (_gate) return [.. _groupPosts]; }
    }

    public IReadOnlyList<ZaloGroupPost> GroupPostsTo(string groupId)
    {
        lock (_gate) return [.. _groupPosts.Where(p => p.GroupId == groupId)];
    }

    // ---- message/cs --------------------------------------------------------------------------------

    private JsonObject SendCs(JsonObject request)
    {
        var userId = Text(request["recipient"], "user_id");
        if (userId is null) return Error(-201, "user_id is invalid!");
        if (request["message"] is not JsonObject message) return Error(-201, "message is invalid!");
        var text = Text(message, "text");
        if (text is not null && Length(text) > TextLimit) return Error(-210, "Parameter exceeds allowable limit");

        var kind = "text";
        var buttons = new List<ZaloShownButton>();
        if (message["attachment"] is JsonObject attachment)
        {
            if (Text(attachment, "type") != "template" || attachment["payload"] is not JsonObject payload) return Error(-201, "attachment is invalid!");
            var templateType = Text(payload, "template_type");
            if (templateType == "request_user_info")
            {
                if (payload["elements"] is not JsonArray { Count: 1 } elements || Text(elements[0], "title") is null)
                    return Error(-201, "elements is invalid!");
                kind = "request_user_info";
            }
            else if (templateType is null or "button")
            {
                text ??= Text(payload, "text");
                if (text is null) return Error(-201, "text is invalid!");
                if (Length(text) > TextLimit) return Error(-210, "Parameter exceeds allowable limit");
                if (payload["buttons"] is not JsonArray list || list.Count == 0 || list.Count > MaxButtons) return Error(-201, "buttons is invalid!");
                foreach (var node in list)
                {
                    if (Button(node) is not { } button) return Error(-201, "buttons is invalid!");
                    buttons.Add(button);
                }
                kind = "buttons";
            }
            else return Error(-233, "message type is invalid or not support");
        }
        else if (string.IsNullOrEmpty(text)) return Error(-201, "text is invalid!");

        if (!_users.TryGetValue(userId, out var user)) return Error(-201, "user_id is invalid!");
        if (user.LastInteraction is not { } last || Now - last > HardWindow)
            return Error(-230, "User has not interacted with the OA in the past 7 days");
        var free = Now - last <= FreeWindow && (FreeMessagesPerWindow is not { } count || user.FreeUsed < count);
        if (!free && ExtendedWindow == ZaloExtendedWindow.Refused)
            return Error(ExtendedWindowRefusalError, DefaultMessage(ExtendedWindowRefusalError));
        if (free) user.FreeUsed++;

        var id = NewMessageId();
        _cs.Add(new ZaloCsMessage(userId, id, kind, text, buttons, free ? ZaloBilling.Free : ZaloBilling.Counted, (JsonObject)request.DeepClone(), Now));
        var quota = new JsonObject { ["quota_type"] = free ? "reply" : "sub_quota" };
        if (free && FreeMessagesPerWindow is { } total)
        {
            quota["remain"] = total - user.FreeUsed;
            quota["total"] = total;
        }
        return Ok(new JsonObject { ["message_id"] = id, ["user_id"] = userId, ["quota"] = quota });
    }

    private ZaloShownButton? Button(JsonNode? node)
    {
        var title = Text(node, "title");
        var type = Text(node, "type");
        if (title is null || Length(title) > MaxButtonTitle) return null;
        switch (type)
        {
            case "oa.query.hide" or "oa.query.show":
                var query = node!["payload"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
                return string.IsNullOrEmpty(query) || query.Length > 1000 ? null : new ZaloShownButton(title, type, query);
            case "oa.open.url":
                var url = Text(node!["payload"], "url");
                return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? new ZaloShownButton(title, type, url!) : null;
            case "oa.open.phone":
                return Text(node!["payload"], "phone_code") is { } phone ? new ZaloShownButton(title, type, phone) : null;
            case "oa.open.sms":
                return Text(node!["payload"], "phone_code") is { } sms ? new ZaloShownButton(title, type, sms) : null;
            default:
                return null;
        }
    }

    /// <summary>The message as the follower has it (for pressing its buttons).</summary>
    public ZaloCsMessage? CsMessage(string messageId)
    {
        lock (_gate) return _cs.FirstOrDefault(m => m.MessageId == messageId);
    }

    // ---- GMF groups ----------------------------------------------------------------------------------

    /// <summary>A purchased GMF package (e.g. <c>gmf10</c>: up to 10 members) valid for <paramref name="validFor"/> (a year by default).</summary>
    public string AddGroupAsset(string productType = "gmf50", TimeSpan? validFor = null)
    {
        var members = int.TryParse(productType.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 50;
        lock (_gate)
        {
            var id = "asset-" + Next() + "-" + RandomText(8);
            _assets[id] = new ZaloGroupAsset(id, productType, members, Now + (validFor ?? TimeSpan.FromDays(365)), null);
            return id;
        }
    }

    public IReadOnlyList<ZaloGroupAsset> GroupAssets
    {
        get { lock (_gate) return [.. _assets.Values]; }
    }

    public ZaloGroup? Group(string groupId)
    {
        lock (_gate) return _groups.TryGetValue(groupId, out var g) ? Snapshot(g) : null;
    }

    public IReadOnlyList<ZaloGroup> Groups
    {
        get { lock (_gate) return [.. _groups.Values.Select(Snapshot)]; }
    }

    /// <summary>Someone joined the group (by its link, or accepted an invitation).</summary>
    public void AddGroupMember(string groupId, string userId)
    {
        lock (_gate) _groups[groupId].Members.Add(userId);
    }

    /// <summary>The group's package lapsed (or an admin deleted it): every later send gets -237.</summary>
    public void ExpireGroup(string groupId)
    {
        lock (_gate) _groups[groupId].Disabled = true;
    }

    private ZaloGroup Snapshot(GroupState g) =>
        new(g.GroupId, g.Name, g.AssetId, g.Link, new HashSet<string>(g.Members), g.AutoDeleteDate, g.Disabled || g.AutoDeleteDate <= Now);

    private JsonObject GetGroupQuota() => Ok(new JsonArray([.. _assets.Values.Select(a => (JsonNode)new JsonObject
    {
        ["asset_id"] = a.AssetId,
        ["product_type"] = a.ProductType,
        ["quota_type"] = "sub_quota",
        ["valid_through"] = a.ValidThrough.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        ["status"] = a.GroupId is null && a.ValidThrough > Now ? "available" : "used",
    })]));

    private JsonObject CreateGroupWithOa(JsonObject request)
    {
        var name = Text(request, "group_name");
        if (name is null || Length(name) > GroupNameLimit) return Error(-201, "group_name is invalid!");
        var assetId = Text(request, "asset_id");
        if (assetId is null || !_assets.TryGetValue(assetId, out var asset) || asset.ValidThrough <= Now) return Error(-201, "asset_id is invalid!");
        if (asset.GroupId is not null) return Error(-241, "asset_id is already used");
        if (request["member_user_ids"] is not JsonArray list || list.Count == 0) return Error(-201, "member_user_ids is invalid!");
        var members = list.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : n?.ToJsonString().Trim('"') ?? "").ToList();
        if (members.Count > InitialMemberCap || members.Count > asset.MaxMembers) return Error(-210, "Parameter exceeds allowable limit");
        foreach (var member in members)
            if (!_users.TryGetValue(member, out var user) || !(user.Follower || user.LastInteraction is { } last && Now - last <= HardWindow))
                return Error(-201, "member_user_ids is invalid!");

        var today = VietnamDay(Now);
        _groupCreations.RemoveAll(t => VietnamDay(t) != today);
        if (_groupCreations.Count >= GroupsPerDay) return Error(-211, "Out of quota");
        _groupCreations.Add(Now);

        var id = "g" + Next() + RandomText(10).ToLowerInvariant();
        var group = new GroupState(id, name, assetId, "https://zalo.me/g/" + RandomText(6).ToLowerInvariant(), asset.ValidThrough);
        foreach (var member in members) group.Members.Add(member);
        _groups[id] = group;
        _assets[assetId] = asset with { GroupId = id };
        return Ok(new JsonObject { ["group_id"] = id, ["group_link"] = group.Link, ["status"] = "active" });
    }

    private JsonObject SendGroupMessage(JsonObject request)
    {
        var groupId = Text(request["recipient"], "group_id");
        if (groupId is null || !_groups.TryGetValue(groupId, out var group)) return Error(-201, "group_id is invalid!");
        if (group.Disabled || group.AutoDeleteDate <= Now) return Error(-237, "The group is disabled");
        if (request["message"] is not JsonObject message) return Error(-201, "message is invalid!");
        if (message["attachment"] is JsonObject { } attachment && Text(attachment, "type") == "template")
            return Error(-233, "message type is invalid or not support");
        var text = Text(message, "text");
        if (text is null && message["attachment"] is null) return Error(-201, "text is invalid!");
        if (text is not null && Length(text) > TextLimit) return Error(-210, "Parameter exceeds allowable limit");

        var mentioned = new List<string>();
        var unknown = new List<string>();
        var everyone = false;
        void Mention(string id)
        {
            if (id == groupId) everyone = true;
            else if (group.Members.Contains(id)) { if (!mentioned.Contains(id)) mentioned.Add(id); }
            else unknown.Add(id);
        }
        foreach (Match marker in MentionMarker().Matches(text ?? "")) Mention(marker.Groups["id"].Value);
        if (message["mentions"] is JsonArray mentions)
            foreach (var m in mentions)
                if (Text(m, "user_id") is { } id) Mention(id);

        var messageId = NewMessageId();
        _groupPosts.Add(new ZaloGroupPost(groupId, messageId, text, mentioned, everyone, unknown, (JsonObject)request.DeepClone(), Now));
        return Ok(new JsonObject { ["message_id"] = messageId, ["group_id"] = groupId });
    }

    [GeneratedRegex(@"\[@(?<id>[^\[\]@\s]+)\]")]
    private static partial Regex MentionMarker();

    // ---- user/detail ---------------------------------------------------------------------------------

    private JsonObject GetUserDetail(JsonObject request)
    {
        var userId = Text(request, "user_id");
        if (userId is null || !_users.TryGetValue(userId, out var user)) return Error(-201, "user_id is invalid!");
        var detail = new JsonObject
        {
            ["user_id"] = user.UserId,
            ["user_id_by_app"] = user.UserIdByApp,
            ["display_name"] = user.DisplayName,
            ["user_is_follower"] = user.Follower,
            ["user_last_interaction_date"] = user.LastInteraction is { } last
                ? last.ToOffset(VietnamOffset).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)
                : null,
            ["avatar"] = "https://s120-ava-talk.zadn.vn/a/b/c/" + user.UserId + ".jpg",
        };
        if (user.SharedPhone is not null || user.SharedName is not null)
            detail["shared_info"] = new JsonObject { ["name"] = user.SharedName, ["phone"] = user.SharedPhone };
        return Ok(detail);
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /// <summary>Characters as received (no normalisation): decomposed text counts longer, as the integrators warn.</summary>
    private static int Length(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes()) count++;
        return count;
    }

    private static string? Text(JsonNode? node, string name)
    {
        if (node is not JsonObject o || o[name] is not JsonValue value) return null;
        if (value.TryGetValue<string>(out var s)) return string.IsNullOrEmpty(s) ? null : s;
        return value.ToJsonString();
    }
}
