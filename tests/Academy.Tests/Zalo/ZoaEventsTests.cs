using System.Text;
using Academy.BotHost.Channels.Zalo.ZaloProtocol;

namespace Academy.Tests.Zalo;

/// <summary>
/// Official Account webhook events read into typed records, from the sample payloads the integrators'
/// documents reproduce (ids as Zalo writes them: strings, sometimes bare numbers), with the identity each
/// carries for de-duplicating Zalo's redeliveries.
/// </summary>
public class ZoaEventsTests
{
    private static ZoaEvent Parse(string json)
    {
        var parsed = ZoaEvents.Parse(Encoding.UTF8.GetBytes(json));
        Assert.True(parsed.IsOk, parsed.Error?.ToString());
        return parsed.Value;
    }

    private static ZaloError Refused(string json)
    {
        var parsed = ZoaEvents.Parse(Encoding.UTF8.GetBytes(json));
        Assert.False(parsed.IsOk);
        return parsed.Error!;
    }

    [Fact]
    public void The_documented_text_event_names_sender_oa_message_and_time()
    {
        var text = Assert.IsType<ZoaUserText>(Parse(
            """{"app_id": "360846524940903967", "user_id_by_app": "552177279717587730", "event_name": "user_send_text", "timestamp": "1670000000000", "sender": {"id": "2512523625412515"}, "recipient": {"id": "579745863508352884"}, "message": {"msg_id": "96d3cdf3af150460909", "text": "A"}}"""));

        Assert.Equal("2512523625412515", text.UserId);
        Assert.Equal("579745863508352884", text.OaId);
        Assert.Equal("96d3cdf3af150460909", text.MsgId);
        Assert.Equal("A", text.Text);
        Assert.Equal("360846524940903967", text.AppId);
        Assert.Equal("552177279717587730", text.UserIdByApp);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1670000000000), text.At);
        Assert.Equal("msg:96d3cdf3af150460909", text.DedupeKey);
    }

    [Fact]
    public void A_hidden_button_tap_is_a_text_event_carrying_the_payload()
    {
        // A4B's recorded sample with the payload of an oa.query.hide button as the text.
        var tap = Assert.IsType<ZoaUserText>(Parse(
            """{"event_name":"user_send_text","app_id":"2553928453557884079","sender":{"id":"6142494823000000001"},"recipient":{"id":"3662729599332560487"},"message":{"text":"quiz:q-17:2","msg_id":"cb31dff1c39642cc1b83"},"timestamp":"1699003881354","user_id_by_app":"979122185046046317"}"""));
        Assert.Equal("quiz:q-17:2", tap.Text);
        Assert.Equal("6142494823000000001", tap.UserId);
    }

    [Fact]
    public void A_redelivery_has_the_same_key_and_another_message_a_different_one()
    {
        const string first = """{"event_name":"user_send_text","timestamp":"1699003881354","sender":{"id":"u1"},"message":{"msg_id":"m-1","text":"B"}}""";
        const string retried = """{"event_name":"user_send_text","timestamp":"1699003881354","sender":{"id":"u1"},"message":{"msg_id":"m-1","text":"B"}}""";
        const string next = """{"event_name":"user_send_text","timestamp":"1699003881999","sender":{"id":"u1"},"message":{"msg_id":"m-2","text":"B"}}""";
        Assert.Equal(Parse(first).DedupeKey, Parse(retried).DedupeKey);
        Assert.NotEqual(Parse(first).DedupeKey, Parse(next).DedupeKey);
    }

    [Fact]
    public void Ids_written_as_bare_numbers_are_kept_digit_for_digit()
    {
        var text = Assert.IsType<ZoaUserText>(Parse(
            """{"event_name":"user_send_text","timestamp":1699003881354,"sender":{"id":2468458835296197922},"message":{"msg_id":"x1","text":"1"}}"""));
        Assert.Equal("2468458835296197922", text.UserId); // past 2^53: a double would have rounded it
        Assert.Equal("1699003881354", text.Timestamp);
    }

    [Fact]
    public void Follow_and_unfollow_name_the_follower_and_where_they_came_from()
    {
        var follow = Assert.IsType<ZoaFollow>(Parse(
            """{ "oa_id": "388613280879808645", "follower": { "id": "24684588352919792" }, "user_id_by_app": "552172779717587730", "event_name": "follow", "source": "oa_profile", "app_id": "36084652489903967", "timestamp": "154397978274" }"""));
        Assert.Equal("24684588352919792", follow.UserId);
        Assert.Equal("388613280879808645", follow.OaId);
        Assert.Equal("oa_profile", follow.Source);

        var unfollow = Assert.IsType<ZoaUnfollow>(Parse(
            """{"oa_id":"388613280879808645","follower":{"id":"24684588352919792"},"event_name":"unfollow","app_id":"36084652489903967","timestamp":"154397999999"}"""));
        Assert.Equal("24684588352919792", unfollow.UserId);
        Assert.NotEqual(follow.DedupeKey, unfollow.DedupeKey);
    }

    [Fact]
    public void Submitted_info_carries_the_shared_phone_in_e164()
    {
        var info = Assert.IsType<ZoaUserSubmitInfo>(Parse(
            """
            { "sender": {"id":"246845883529697922"}, "recipient": {"id":"388613280879880645"},
              "event_name": "user_submit_info", "app_id": "3608465248940903967", "timestamp": "1540368141908",
              "info": { "name": "Nguyễn Văn An", "phone": "84912345678", "user_dob": "30/10/1999", "gender": "Nam",
                        "full_address": { "user_city": "Thành phố Hồ Chí Minh", "user_ward": "Phường Tân Thuận",
                                          "user_address": "Đường số 13, KCX Tân Thuận Đông" } } }
            """));
        Assert.Equal("246845883529697922", info.UserId);
        Assert.Equal("Nguyễn Văn An", info.Name);
        Assert.Equal("84912345678", info.PhoneAsSent);
        Assert.Equal("+84912345678", info.Phone!.E164);
        Assert.Equal("Thành phố Hồ Chí Minh", info.City);
        Assert.Equal("Đường số 13, KCX Tân Thuận Đông", info.Address);
    }

    [Fact]
    public void Submitted_info_in_the_flat_form_and_with_a_phone_that_is_no_number()
    {
        var flat = Assert.IsType<ZoaUserSubmitInfo>(Parse(
            """{"event_name":"user_submit_info","timestamp":"1","sender":{"id":"u4"},"info":{"name":"Anh Minh","phone":"0987654321","city":"Hà Nội","district":"Ba Đình","address":"1 Hoàng Diệu"}}"""));
        Assert.Equal("+84987654321", flat.Phone!.E164);
        Assert.Equal("Ba Đình", flat.District);

        var odd = Assert.IsType<ZoaUserSubmitInfo>(Parse(
            """{"event_name":"user_submit_info","timestamp":"1","sender":{"id":"u5"},"info":{"name":"X","phone":"không có"}}"""));
        Assert.Equal("không có", odd.PhoneAsSent);
        Assert.Null(odd.Phone);
    }

    [Fact]
    public void A_members_group_text_names_group_sender_and_text()
    {
        // vyn-huy-nguyen/ai-zalo-bot-oa: "recipient.id is the group_id" in GMF events.
        var message = Assert.IsType<ZoaGroupMessage>(Parse(
            """{"app_id":"360846524940903967","oa_id":"579745863508352884","user_id_by_app":"5521","event_name":"user_send_group_text","timestamp":"1765000000000","sender":{"id":"2512523625412515"},"recipient":{"id":"g-7f3a1b2c"},"message":{"msg_id":"gm-1","text":"2"}}"""));
        Assert.Equal("g-7f3a1b2c", message.GroupId);
        Assert.Equal("2512523625412515", message.SenderId);
        Assert.False(message.FromOa);
        Assert.Equal("text", message.Kind);
        Assert.Equal("2", message.Text);
    }

    [Fact]
    public void A_group_id_under_recipient_group_id_wins_and_the_oas_own_group_message_is_marked()
    {
        var echo = Assert.IsType<ZoaGroupMessage>(Parse(
            """{"event_name":"oa_send_group_text","timestamp":"1","sender":{"id":"579745863508352884"},"recipient":{"id":"x","group_id":"g-real"},"message":{"msg_id":"gm-2","text":"Bài học hôm nay"}}"""));
        Assert.Equal("g-real", echo.GroupId);
        Assert.True(echo.FromOa);

        var image = Assert.IsType<ZoaGroupMessage>(Parse(
            """{"event_name":"user_send_group_image","timestamp":"1","sender":{"id":"u1"},"recipient":{"id":"g-1"},"message":{"msg_id":"gm-3"}}"""));
        Assert.Equal("image", image.Kind);
        Assert.Null(image.Text);
    }

    [Fact]
    public void Other_media_from_a_follower_is_an_interaction_without_an_answer()
    {
        var sticker = Assert.IsType<ZoaUserMedia>(Parse(
            """{"event_name":"user_send_sticker","timestamp":"1","sender":{"id":"u1"},"recipient":{"id":"oa"},"message":{"msg_id":"s-1","attachments":[{"type":"sticker","payload":{"id":"abc"}}]}}"""));
        Assert.Equal("sticker", sticker.Kind);
        Assert.Equal("u1", sticker.UserId);
    }

    [Fact]
    public void Delivery_and_read_receipts_name_the_follower_and_the_messages()
    {
        var received = Assert.IsType<ZoaDeliveryReceipt>(Parse(
            """{"event_name":"user_received_message","app_id":"1","timestamp":"1602560967477","sender":{"id":"oa-1"},"recipient":{"id":"u1"},"message":{"msg_ids":["a1","a2"],"delivery_time":"1602960467432"}}"""));
        Assert.False(received.Seen);
        Assert.Equal(["a1", "a2"], received.MsgIds);
        Assert.Equal("u1", received.UserId);

        var seen = Assert.IsType<ZoaDeliveryReceipt>(Parse(
            """{"event_name":"user_seen_message","timestamp":"1602560967999","sender":{"id":"oa-1"},"recipient":{"id":"u1"},"message":{"msg_id":"a1"}}"""));
        Assert.True(seen.Seen);
        Assert.Equal(["a1"], seen.MsgIds);
    }

    [Fact]
    public void Group_lifecycle_events_name_the_group()
    {
        var deleted = Assert.IsType<ZoaGroupChange>(Parse(
            """{"event_name":"delete_group","timestamp":"1","oa_id":"oa","group_id":"g-9"}"""));
        Assert.Equal("g-9", deleted.GroupId);
    }

    [Theory]
    [InlineData("""{"event_name":"add_user_to_tag","app_id":"1","oa_id":"2","tag":{"user_ids":["3"],"name":"x"},"timestamp":"15503500848"}""")]
    [InlineData("""{"event_name":"change_oa_daily_quota","oaId":"2","quota":{"prev_value":1,"new_value":2},"timestamp":"1"}""")]
    [InlineData("""{"event_name":"something_zalo_adds_next_year","timestamp":"1"}""")]
    public void Events_academy_has_no_use_for_are_ignorable(string json) =>
        Assert.IsType<ZoaIgnorable>(Parse(json));

    [Theory]
    [InlineData("""{"timestamp":"1","sender":{"id":"u"}}""", "event_name")]
    [InlineData("""{"event_name":"user_send_text","sender":{"id":"u"},"message":{"msg_id":"m"}}""", "timestamp")]
    [InlineData("""{"event_name":"user_send_text","timestamp":"1","message":{"msg_id":"m","text":"x"}}""", "sender.id")]
    [InlineData("""{"event_name":"user_send_text","timestamp":"1","sender":{"id":"u"},"message":{"text":"x"}}""", "message.msg_id")]
    [InlineData("""{"event_name":"user_send_group_text","timestamp":"1","sender":{"id":"u"},"message":{"msg_id":"m"}}""", "group id")]
    [InlineData("""{"event_name":"follow","timestamp":"1"}""", "follower.id")]
    public void An_event_missing_what_it_cannot_do_without_names_the_field(string json, string field)
    {
        var error = Refused(json);
        Assert.Equal(ZaloFailure.MissingField, error.Failure);
        Assert.Contains(field, error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("<html>502</html>")]
    [InlineData("[{\"event_name\":\"user_send_text\"}]")]
    public void Garbage_is_malformed(string json) => Assert.Equal(ZaloFailure.Malformed, Refused(json).Failure);
}
