using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Academy.Fakes.Platform;

namespace Academy.Fakes.Zalo;

/// <summary>Which id the platform puts first in the string it hashes (unconfirmed: a test picks one).</summary>
public enum ZaloSignedWith
{
    AppId,
    OaId,
}

/// <summary>How the host answered a webhook event: every try, and the body that was posted.</summary>
public sealed record ZaloCallbackResult(CallbackDelivery Delivery, string Body, string? MsgId)
{
    public bool Accepted => Delivery.Accepted;
}

/// <summary>
/// Zalo calling the host at <c>/zalo/oa</c> as the Official Account platform does: JSON events signed with
/// <c>X-ZEvent-Signature: mac=sha256(first + body + timestamp + key)</c> (hashed here independently of the
/// product's code), a <see cref="Timeout"/> (2 s) per try, then retries after each delay of
/// <see cref="RetrySchedule"/> (30 s, 5 min, 15 min, 30 min, 1 h on the platform — compress it in tests), each
/// retry marked with a <c>num_retry</c> header; any status but 200 counts as a failure. What a follower does
/// (writes, taps a query button, follows, submits the form) opens their window in the fake whatever the host answers.
/// </summary>
public sealed class ZaloOACallbacks(FakeZaloOA fake, HttpClient host, string path = "/zalo/oa")
{
    public ZaloSignedWith SignWith { get; set; } = ZaloSignedWith.AppId;

    /// <summary>Write the header as <c>mac=&lt;hex&gt;</c> (as documented) or as the bare hex.</summary>
    public bool MacPrefix { get; set; } = true;

    /// <summary>Also send <c>X-ZEvent-Timestamp</c> (some integrators read the timestamp from there).</summary>
    public bool SendTimestampHeader { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    public IReadOnlyList<TimeSpan> RetrySchedule { get; set; } =
        [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1)];

    /// <summary>The display name a member's mention of the OA shows in group text.</summary>
    public string OaName { get; set; } = "Học viện";

    // ---- Events as Zalo writes them (JSON text, ids as strings, timestamp in Unix ms) -----------------------

    public string TextEvent(string userId, string text, string msgId) => Envelope("user_send_text", userId, new JsonObject
    {
        ["sender"] = new JsonObject { ["id"] = userId },
        ["recipient"] = new JsonObject { ["id"] = FakeZaloOA.OaId },
        ["message"] = new JsonObject { ["msg_id"] = msgId, ["text"] = text },
    });

    public string FollowEvent(string userId, string source = "oa_profile") => Envelope("follow", userId, new JsonObject
    {
        ["oa_id"] = FakeZaloOA.OaId,
        ["follower"] = new JsonObject { ["id"] = userId },
        ["source"] = source,
    });

    public string UnfollowEvent(string userId) => Envelope("unfollow", userId, new JsonObject
    {
        ["oa_id"] = FakeZaloOA.OaId,
        ["follower"] = new JsonObject { ["id"] = userId },
    });

    /// <summary>The answer to a <c>request_user_info</c> form; <paramref name="phone"/> is what the person chose to share (Zalo writes <c>84…</c>).</summary>
    public string SubmitInfoEvent(string userId, string name, string phone, string? city = null, string? address = null) =>
        Envelope("user_submit_info", userId, new JsonObject
        {
            ["sender"] = new JsonObject { ["id"] = userId },
            ["recipient"] = new JsonObject { ["id"] = FakeZaloOA.OaId },
            ["info"] = Info(name, phone, city, address),
        });

    private static JsonObject Info(string name, string phone, string? city, string? address)
    {
        var info = new JsonObject { ["name"] = name, ["phone"] = phone };
        if (city is not null) info["city"] = city;
        if (address is not null) info["address"] = address;
        return info;
    }

    /// <summary>
    /// A member's text in an OA group (<c>user_send_group_text</c>, the group in <c>recipient.id</c>). With
    /// <paramref name="mentionOa"/> the text starts with <c>@{OaName}</c> and <c>message.mentions</c> names the OA
    /// (the inbound mention format is not documented; this one is assumed).
    /// </summary>
    public string GroupTextEvent(string groupId, string userId, string text, string msgId, bool mentionOa = false)
    {
        var message = new JsonObject { ["msg_id"] = msgId, ["text"] = mentionOa ? "@" + OaName + " " + text : text };
        if (mentionOa)
            message["mentions"] = new JsonArray(new JsonObject { ["user_id"] = FakeZaloOA.OaId, ["offset"] = 0, ["length"] = OaName.Length + 1 });
        return Envelope("user_send_group_text", userId, new JsonObject
        {
            ["oa_id"] = FakeZaloOA.OaId,
            ["sender"] = new JsonObject { ["id"] = userId },
            ["recipient"] = new JsonObject { ["id"] = groupId },
            ["message"] = message,
        });
    }

    /// <summary><c>user_received_message</c> or <c>user_seen_message</c> for messages the OA sent.</summary>
    public string ReceiptEvent(string userId, bool seen, params string[] msgIds) =>
        Envelope(seen ? "user_seen_message" : "user_received_message", userId, new JsonObject
        {
            ["sender"] = new JsonObject { ["id"] = FakeZaloOA.OaId },
            ["recipient"] = new JsonObject { ["id"] = userId },
            ["message"] = new JsonObject
            {
                ["msg_ids"] = new JsonArray([.. msgIds.Select(id => (JsonNode)id)]),
                ["delivery_time"] = Millis(),
            },
        });

    // ---- What people do --------------------------------------------------------------------------------

    /// <summary>A follower writes (opening their window).</summary>
    public Task<ZaloCallbackResult> TextAsync(string userId, string text, string? msgId = null)
    {
        fake.RecordInteraction(userId);
        var id = msgId ?? FakeZaloOA.NewMessageId();
        return PostAsync(TextEvent(userId, text, id), id);
    }

    /// <summary>
    /// The follower taps button <paramref name="index"/> of a message they received: a query button's payload comes
    /// back as their <c>user_send_text</c> (and counts as an interaction); a link button opens a page and Zalo
    /// sends nothing — null then.
    /// </summary>
    public async Task<ZaloCallbackResult?> PressButtonAsync(ZaloCsMessage received, int index)
    {
        ArgumentNullException.ThrowIfNull(received);
        var button = received.Buttons[index];
        if (button.Type is not ("oa.query.hide" or "oa.query.show")) return null;
        return await TextAsync(received.UserId, button.Payload);
    }

    /// <summary>A query button's payload as the follower's text, for a button the fake did not record (e.g. a forged or stale one).</summary>
    public Task<ZaloCallbackResult> ButtonPayloadAsync(string userId, string payload) => TextAsync(userId, payload);

    /// <summary>Zalo sends an event again (it did not see the 200 in time): the same body, marked with <c>num_retry</c>.</summary>
    public Task<ZaloCallbackResult> RedeliverAsync(ZaloCallbackResult earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        return PostAsync(earlier.Body, earlier.MsgId, retryOffset: 1);
    }

    public Task<ZaloCallbackResult> FollowAsync(string userId, string source = "oa_profile")
    {
        fake.SetFollower(userId, true);
        fake.RecordInteraction(userId);
        return PostAsync(FollowEvent(userId, source), null);
    }

    public Task<ZaloCallbackResult> UnfollowAsync(string userId)
    {
        fake.SetFollower(userId, false);
        return PostAsync(UnfollowEvent(userId), null);
    }

    /// <summary>The follower fills in the form; Zalo then also shows the number in user/detail's shared_info.</summary>
    public Task<ZaloCallbackResult> SubmitInfoAsync(string userId, string name, string phone, string? city = null, string? address = null)
    {
        fake.ShareInfo(userId, name, phone);
        fake.RecordInteraction(userId);
        return PostAsync(SubmitInfoEvent(userId, name, phone, city, address), null);
    }

    public Task<ZaloCallbackResult> GroupTextAsync(string groupId, string userId, string text, bool mentionOa = false, string? msgId = null)
    {
        var id = msgId ?? FakeZaloOA.NewMessageId();
        return PostAsync(GroupTextEvent(groupId, userId, text, id, mentionOa), id);
    }

    public Task<ZaloCallbackResult> ReceiptAsync(string userId, bool seen, params string[] msgIds) =>
        PostAsync(ReceiptEvent(userId, seen, msgIds), null);

    // ---- Delivery --------------------------------------------------------------------------------------

    /// <summary>The header value the platform sends for <paramref name="body"/> (its timestamp read from the body).</summary>
    public string Sign(string body)
    {
        var timestamp = JsonNode.Parse(body)?["timestamp"]?.GetValue<string>() ?? "";
        var first = SignWith == ZaloSignedWith.AppId ? FakeZaloOA.AppId : FakeZaloOA.OaId;
        var hex = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(first + body + timestamp + fake.WebhookKey)));
        return MacPrefix ? "mac=" + hex : hex;
    }

    /// <summary>
    /// Posts any body as Zalo would: signed (or with <paramref name="signature"/> as the header, null to sign,
    /// "" to send none), retried on timeouts, cut connections and non-200 answers after each scheduled delay.
    /// </summary>
    public async Task<ZaloCallbackResult> PostAsync(string body, string? msgId, string? signature = null, int retryOffset = 0, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        var header = signature ?? Sign(body);
        var timestamp = JsonNode.Parse(body)?["timestamp"]?.GetValue<string>();
        var tries = new List<CallbackAttempt>();
        for (var number = 1; number <= RetrySchedule.Count + 1; number++)
        {
            if (number > 1) await Task.Delay(RetrySchedule[number - 2], ct);
            var watch = Stopwatch.StartNew();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(Timeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                if (header.Length > 0) request.Headers.TryAddWithoutValidation("X-ZEvent-Signature", header);
                if (SendTimestampHeader && timestamp is not null) request.Headers.TryAddWithoutValidation("X-ZEvent-Timestamp", timestamp);
                if (number - 1 + retryOffset > 0) request.Headers.TryAddWithoutValidation("num_retry", (number - 1 + retryOffset).ToString(CultureInfo.InvariantCulture));
                using var response = await host.SendAsync(request, deadline.Token);
                var answer = await response.Content.ReadAsStringAsync(deadline.Token);
                tries.Add(new CallbackAttempt(number, (int)response.StatusCode, answer, false, null, watch.Elapsed));
                if ((int)response.StatusCode == 200) break;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                tries.Add(new CallbackAttempt(number, null, null, true, "no answer within " + Timeout, watch.Elapsed));
            }
            catch (HttpRequestException ex)
            {
                tries.Add(new CallbackAttempt(number, null, null, false, ex.Message, watch.Elapsed));
            }
        }
        return new ZaloCallbackResult(new CallbackDelivery(tries), body, msgId);
    }

    private string Envelope(string eventName, string userId, JsonObject fields)
    {
        var body = new JsonObject
        {
            ["app_id"] = FakeZaloOA.AppId,
            ["user_id_by_app"] = fake.UserIdByApp(userId),
            ["event_name"] = eventName,
            ["timestamp"] = Millis(),
        };
        foreach (var (name, value) in fields) body[name] = value?.DeepClone();
        return body.ToJsonString(FakeZaloOA.Json);
    }

    private string Millis() => fake.Now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
}
