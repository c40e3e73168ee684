using System.Text.Json;

namespace Academy.BotHost.Channels.Zalo.ZaloProtocol;

/// <summary>
/// One Official Account webhook event. Every event carries its name, the App ID, the timestamp Zalo wrote
/// (Unix milliseconds as text) and an identity for de-duplication: Zalo redelivers an event it thinks was not
/// acknowledged, and a redelivery has the same <c>msg_id</c> (messages) or the same name, subject and timestamp
/// (the rest).
/// </summary>
public abstract record ZoaEvent
{
    public required string EventName { get; init; }

    public string? AppId { get; init; }

    /// <summary>The App-scoped user id (<c>user_id_by_app</c>): the same person across OAs linked to one App.</summary>
    public string? UserIdByApp { get; init; }

    /// <summary>The timestamp as Zalo wrote it (hashed into the signature).</summary>
    public required string Timestamp { get; init; }

    public DateTimeOffset? At => ZaloJson.FromUnixMilliseconds(Timestamp);

    /// <summary>The same for an event and every redelivery of it; different for different events.</summary>
    public abstract string DedupeKey { get; }
}

/// <summary>A follower wrote text to the OA. A tap on an <c>oa.query.show</c> / <c>oa.query.hide</c> button arrives like this too, with the button's payload as the text.</summary>
/// <param name="UserId">The follower's OA-scoped id (<c>sender.id</c>).</param>
/// <param name="OaId">The OA (<c>recipient.id</c>).</param>
public sealed record ZoaUserText(string UserId, string? OaId, string MsgId, string Text) : ZoaEvent
{
    public override string DedupeKey => "msg:" + MsgId;
}

/// <summary>A follower sent something other than text (image, file, sticker, link, location…): an interaction, but no answer to read.</summary>
/// <param name="Kind">What followed <c>user_send_</c>: image, file, sticker….</param>
public sealed record ZoaUserMedia(string UserId, string? OaId, string MsgId, string Kind, string? Text) : ZoaEvent
{
    public override string DedupeKey => "msg:" + MsgId;
}

/// <summary>Someone followed the OA (<c>follower.id</c>); <paramref name="Source"/> is where from (e.g. <c>oa_profile</c>), when Zalo says.</summary>
public sealed record ZoaFollow(string UserId, string? OaId, string? Source) : ZoaEvent
{
    public override string DedupeKey => $"follow:{UserId}:{Timestamp}";
}

/// <summary>Someone unfollowed the OA.</summary>
public sealed record ZoaUnfollow(string UserId, string? OaId) : ZoaEvent
{
    public override string DedupeKey => $"unfollow:{UserId}:{Timestamp}";
}

/// <summary>
/// The follower filled in a <c>request_user_info</c> form. <paramref name="PhoneAsSent"/> is what Zalo wrote
/// (a number the person chose, usually <c>84…</c>); <paramref name="Phone"/> is it in E.164, null when it is not
/// a number at all.
/// </summary>
public sealed record ZoaUserSubmitInfo(string UserId, string? OaId, string? Name, string? PhoneAsSent, ZaloPhone? Phone,
    string? Address, string? City, string? District) : ZoaEvent
{
    public override string DedupeKey => $"submit_info:{UserId}:{Timestamp}";
}

/// <summary>
/// A message in an OA group (GMF): a member's (<c>user_send_group_*</c>) or the OA's own (<c>oa_send_group_*</c>,
/// the echo of what the OA sent). <paramref name="Text"/> is set for the text kinds.
/// </summary>
/// <param name="GroupId">Where Zalo names the group: <c>recipient.group_id</c>, <c>group_id</c>, else <c>recipient.id</c> (integrators disagree).</param>
/// <param name="SenderId">The member (or the OA) who sent it (<c>sender.id</c>).</param>
public sealed record ZoaGroupMessage(string GroupId, string SenderId, bool FromOa, string MsgId, string Kind, string? Text) : ZoaEvent
{
    public override string DedupeKey => "msg:" + MsgId;
}

/// <summary>The OA's own message to a follower, echoed back (<c>oa_send_*</c>).</summary>
public sealed record ZoaOaEcho(string UserId, string MsgId, string Kind, string? Text) : ZoaEvent
{
    public override string DedupeKey => "msg:" + MsgId;
}

/// <summary>A follower's phone received (<c>user_received_message</c>) or the follower read (<c>user_seen_message</c>) the OA's messages.</summary>
public sealed record ZoaDeliveryReceipt(string UserId, bool Seen, IReadOnlyList<string> MsgIds) : ZoaEvent
{
    public override string DedupeKey => $"{EventName}:{UserId}:{string.Join(',', MsgIds)}:{Timestamp}";
}

/// <summary>A group lifecycle event (<c>create_group</c>, <c>user_join_group</c>, <c>delete_group</c>…), with whatever group and users it names.</summary>
public sealed record ZoaGroupChange(string? GroupId, IReadOnlyList<string> UserIds) : ZoaEvent
{
    public override string DedupeKey => $"{EventName}:{GroupId}:{string.Join(',', UserIds)}:{Timestamp}";
}

/// <summary>An event Academy has no use for (tags, calls, ZBS, shop, anything new): acknowledge and drop.</summary>
public sealed record ZoaIgnorable : ZoaEvent
{
    public override string DedupeKey => $"{EventName}:{Timestamp}";
}

/// <summary>Reads a (verified) Official Account webhook body into a <see cref="ZoaEvent"/>.</summary>
public static class ZoaEvents
{
    private static readonly HashSet<string> GroupLifecycle = new(StringComparer.Ordinal)
    {
        "create_group", "delete_group", "update_group_info", "add_group_admin", "remove_group_admin", "user_join_group",
        "user_leave_group", "user_out_group", "user_request_join_group", "accept_request_join_group", "reject_request_join_group",
        "react_request_join_group_accept", "react_request_join_group_reject",
    };

    public static ZaloResult<ZoaEvent> Parse(ReadOnlySpan<byte> body)
    {
        var root = ZaloJson.ParseObject(body);
        return root.IsOk ? Parse(root.Value) : root.Error!;
    }

    /// <summary>The event in an already parsed body (as <see cref="ZoaWebhookVerifier.Verify"/> returns it).</summary>
    public static ZaloResult<ZoaEvent> Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return ZaloResult<ZoaEvent>.Fail(ZaloFailure.Malformed, "the event is not a JSON object");
        var name = ZaloJson.Text(root, "event_name");
        if (name is null) return ZaloResult<ZoaEvent>.Fail(ZaloFailure.MissingField, "the event has no event_name");
        var timestamp = ZaloJson.Text(root, "timestamp");
        if (timestamp is null) return ZaloResult<ZoaEvent>.Fail(ZaloFailure.MissingField, $"{name} has no timestamp");

        var appId = ZaloJson.Text(root, "app_id");
        var byApp = ZaloJson.Text(root, "user_id_by_app");
        var oaId = ZaloJson.FirstText(root, "oa_id", "recipient.id");
        var sender = ZaloJson.Text(root, "sender.id");
        var msgId = ZaloJson.Text(root, "message.msg_id");
        var text = ZaloJson.Text(root, "message.text");

        ZaloResult<ZoaEvent> Need(string field) =>
            ZaloResult<ZoaEvent>.Fail(ZaloFailure.MissingField, $"{name} has no {field}");

        ZoaEvent? parsed;
        if (name == "user_send_text")
        {
            if (sender is null) return Need("sender.id");
            if (msgId is null) return Need("message.msg_id");
            // An empty text is still an answer to record (and to ignore): keep it as "".
            parsed = new ZoaUserText(sender, ZaloJson.Text(root, "recipient.id"), msgId, text ?? "") { EventName = name, Timestamp = timestamp };
        }
        else if (name.StartsWith("user_send_group_", StringComparison.Ordinal) || name.StartsWith("oa_send_group_", StringComparison.Ordinal))
        {
            var fromOa = name.StartsWith("oa_", StringComparison.Ordinal);
            var kind = name[(fromOa ? "oa_send_group_" : "user_send_group_").Length..];
            var group = ZaloJson.FirstText(root, "recipient.group_id", "group_id", "message.group_id", "recipient.id");
            if (group is null) return Need("group id (recipient.group_id / group_id / recipient.id)");
            if (sender is null) return Need("sender.id");
            if (msgId is null) return Need("message.msg_id");
            parsed = new ZoaGroupMessage(group, sender, fromOa, msgId, kind, kind == "text" ? text ?? "" : text) { EventName = name, Timestamp = timestamp };
        }
        else if (name.StartsWith("user_send_", StringComparison.Ordinal))
        {
            if (sender is null) return Need("sender.id");
            if (msgId is null) return Need("message.msg_id");
            parsed = new ZoaUserMedia(sender, ZaloJson.Text(root, "recipient.id"), msgId, name["user_send_".Length..], text) { EventName = name, Timestamp = timestamp };
        }
        else if (name is "follow" or "unfollow")
        {
            var follower = ZaloJson.FirstText(root, "follower.id", "sender.id");
            if (follower is null) return Need("follower.id");
            parsed = name == "follow"
                ? new ZoaFollow(follower, oaId, ZaloJson.Text(root, "source")) { EventName = name, Timestamp = timestamp }
                : new ZoaUnfollow(follower, oaId) { EventName = name, Timestamp = timestamp };
        }
        else if (name == "user_submit_info")
        {
            if (sender is null) return Need("sender.id");
            var phone = ZaloJson.Text(root, "info.phone");
            ZaloPhone.TryParse(phone, out var normalized);
            parsed = new ZoaUserSubmitInfo(sender, ZaloJson.Text(root, "recipient.id"), ZaloJson.Text(root, "info.name"), phone, normalized,
                ZaloJson.FirstText(root, "info.address", "info.full_address.user_address"),
                ZaloJson.FirstText(root, "info.city", "info.full_address.user_city"),
                ZaloJson.FirstText(root, "info.district", "info.full_address.user_district"))
            { EventName = name, Timestamp = timestamp };
        }
        else if (name is "user_received_message" or "user_seen_message")
        {
            // To whom the OA wrote: the follower is the recipient here.
            var user = ZaloJson.FirstText(root, "recipient.id", "sender.id");
            if (user is null) return Need("recipient.id");
            var ids = ZaloJson.Texts(root, "message.msg_ids");
            if (ids.Count == 0) ids = ZaloJson.Texts(root, "message.msg_id");
            parsed = new ZoaDeliveryReceipt(user, name == "user_seen_message", ids) { EventName = name, Timestamp = timestamp };
        }
        else if (name.StartsWith("oa_send_", StringComparison.Ordinal))
        {
            var user = ZaloJson.Text(root, "recipient.id");
            if (user is null || msgId is null) parsed = new ZoaIgnorable { EventName = name, Timestamp = timestamp };
            else parsed = new ZoaOaEcho(user, msgId, name["oa_send_".Length..], text) { EventName = name, Timestamp = timestamp };
        }
        else if (GroupLifecycle.Contains(name))
        {
            var users = ZaloJson.Texts(root, "user_ids") is { Count: > 0 } list ? list : ZaloJson.Texts(root, "sender.id");
            parsed = new ZoaGroupChange(ZaloJson.FirstText(root, "group_id", "recipient.group_id", "recipient.id", "group.id"), users)
                { EventName = name, Timestamp = timestamp };
        }
        else parsed = new ZoaIgnorable { EventName = name, Timestamp = timestamp };

        return ZaloResult<ZoaEvent>.Ok(parsed with { AppId = appId, UserIdByApp = byApp });
    }
}
