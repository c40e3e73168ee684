using System.Text;
using Academy.BotHost.Channels.Zalo.ZaloProtocol;

namespace Academy.Tests.Zalo;

/// <summary>
/// The Zalo Bot Platform's wire format: the webhook's <c>X-Bot-Api-Secret-Token</c>, the documented update
/// sample (with and without its <c>{ok, result}</c> envelope and event name), and <c>getUpdates</c> answers —
/// one update, or 408 for nothing new — cases taken from the checklist of OpenClaw's Zalo tests.
/// </summary>
public class ZbProtocolTests
{
    // The official documentation's sample (copy of 10/12/2025): no event_name.
    private const string DocsSample =
        """{"ok": true, "result": {"message": {"chat": {"id": "e4ea2cd5189df1c3a88c", "chat_type": "PRIVATE"}, "text": "Xin chào", "message_id": "16f6366b3f02645a3d15", "date": 1766619597466, "from": {"id": "e4ea2cd5189df1c3a88c", "first_name": "Nguyen Van A"}}}}""";

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void The_documented_sample_is_a_private_text_from_its_sender()
    {
        var update = ZbProtocol.ParseUpdate(Bytes(DocsSample));
        Assert.True(update.IsOk, update.Error?.ToString());
        var u = update.Value;
        Assert.Equal(ZbUpdateKind.Text, u.Kind);
        Assert.Equal("message.text.received", u.EventName);
        Assert.Equal("Xin chào", u.Text);
        Assert.Equal("16f6366b3f02645a3d15", u.MessageId);
        Assert.Equal("e4ea2cd5189df1c3a88c", u.FromId);
        Assert.Equal("e4ea2cd5189df1c3a88c", u.ChatId);
        Assert.Equal(ZbChatType.Private, u.ChatType);
        Assert.Equal("Nguyen Van A", u.FromName);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1766619597466), u.Date);
        Assert.Equal("message.text.received:16f6366b3f02645a3d15", u.DedupeKey);
    }

    [Fact]
    public void A_bare_update_with_its_event_name_reads_the_same()
    {
        var bare = ZbProtocol.ParseUpdate(Bytes(
            """{"event_name":"message.text.received","message":{"message_id":"abc","date":1766619597466,"text":"2","from":{"id":"u1","display_name":"Lan","is_bot":false},"chat":{"id":"u1","chat_type":"PRIVATE"}}}"""));
        Assert.True(bare.IsOk, bare.Error?.ToString());
        Assert.Equal("2", bare.Value.Text);
        Assert.Equal("Lan", bare.Value.FromName);
        Assert.False(bare.Value.FromBot);
    }

    [Theory]
    [InlineData("message.image.received", ZbUpdateKind.Image)]
    [InlineData("message.sticker.received", ZbUpdateKind.Sticker)]
    [InlineData("message.unsupported.received", ZbUpdateKind.Unsupported)]
    [InlineData("message.voice.received", ZbUpdateKind.Other)]
    public void Other_event_names_are_typed(string name, ZbUpdateKind kind)
    {
        var update = ZbProtocol.ParseUpdate(Bytes(
            """{"ok":true,"result":{"event_name":"NAME","message":{"message_id":"m","date":1,"photo_url":"https://f21-zpc.zdn.vn/jpg/1.jpg","from":{"id":"u"},"chat":{"id":"u","chat_type":"PRIVATE"}}}}"""
                .Replace("NAME", name, StringComparison.Ordinal)));
        Assert.Equal(kind, update.Value.Kind);
        Assert.Equal(name, update.Value.EventName);
    }

    [Fact]
    public void A_group_chat_and_a_bots_own_message_are_recognisable()
    {
        var group = ZbProtocol.ParseUpdate(Bytes(
            """{"event_name":"message.text.received","message":{"message_id":"m","text":"hi","from":{"id":"u","is_bot":true},"chat":{"id":"g-1","chat_type":"GROUP"}}}""")).Value;
        Assert.Equal(ZbChatType.Group, group.ChatType);
        Assert.Equal("g-1", group.ChatId);
        Assert.True(group.FromBot);
    }

    [Theory]
    [InlineData("""{"ok":true,"result":{"event_name":"message.text.received"}}""", ZaloFailure.MissingField)]
    [InlineData("""{"event_name":"x","message":{"from":{"id":"u"}}}""", ZaloFailure.MissingField)]
    [InlineData("""{"event_name":"x","message":{"message_id":"m"}}""", ZaloFailure.MissingField)]
    [InlineData("null", ZaloFailure.Malformed)]
    [InlineData("not json", ZaloFailure.Malformed)]
    public void An_update_without_what_it_needs_is_refused(string json, ZaloFailure failure) =>
        Assert.Equal(failure, ZbProtocol.ParseUpdate(Bytes(json)).Error!.Failure);

    [Fact]
    public void The_secret_header_must_be_exactly_the_configured_secret()
    {
        Assert.True(ZbProtocol.SecretMatches("my-secret-token", "my-secret-token"));
        Assert.False(ZbProtocol.SecretMatches("my-secret-token", "wrong-token-here"));
        Assert.False(ZbProtocol.SecretMatches("my-secret-token", "my-secret-token "));
        Assert.False(ZbProtocol.SecretMatches("my-secret-token", "short"));
        Assert.False(ZbProtocol.SecretMatches("my-secret-token", ""));
        Assert.False(ZbProtocol.SecretMatches("my-secret-token", null));
        Assert.True(ZbProtocol.SecretMatches("mật-khẩu-🔑", "mật-khẩu-🔑"));
        Assert.False(ZbProtocol.SecretMatches("mật-khẩu-🔑", "mật-khẩu-🔒"));
    }

    [Fact]
    public void A_webhook_post_is_opened_only_with_the_secret()
    {
        Assert.True(ZbProtocol.OpenWebhook("s3cret-token", "s3cret-token", Bytes(DocsSample)).IsOk);
        Assert.Equal(ZaloFailure.BadSignature, ZbProtocol.OpenWebhook("s3cret-token", "other-token", Bytes(DocsSample)).Error!.Failure);
        Assert.Equal(ZaloFailure.MissingSignature, ZbProtocol.OpenWebhook("s3cret-token", null, Bytes(DocsSample)).Error!.Failure);
        // The secret is checked before the body is read: garbage without it is a missing signature, not malformed.
        Assert.Equal(ZaloFailure.MissingSignature, ZbProtocol.OpenWebhook("s3cret-token", "", Bytes("null")).Error!.Failure);
        Assert.Equal(ZaloFailure.Malformed, ZbProtocol.OpenWebhook("s3cret-token", "s3cret-token", Bytes("null")).Error!.Failure);
    }

    [Fact]
    public void GetUpdates_brings_one_update_not_a_list()
    {
        var poll = ZbProtocol.ReadGetUpdates(200, DocsSample);
        Assert.True(poll.IsOk, poll.Error?.ToString());
        Assert.False(poll.Value.NothingNew);
        Assert.Equal("Xin chào", poll.Value.Update!.Text);
    }

    [Theory]
    [InlineData(200, """{"ok":false,"error_code":408,"description":"Request timeout"}""")]
    [InlineData(408, """{"ok":false,"error_code":408,"description":"Request timeout"}""")]
    [InlineData(408, "")]
    [InlineData(200, """{"ok":true,"result":{}}""")]
    [InlineData(200, """{"ok":true}""")]
    public void A_poll_that_ran_out_is_nothing_new(int status, string body)
    {
        var poll = ZbProtocol.ReadGetUpdates(status, body);
        Assert.True(poll.IsOk, poll.Error?.ToString());
        Assert.True(poll.Value.NothingNew);
    }

    [Fact]
    public void A_refused_poll_carries_the_code_and_garbage_is_malformed()
    {
        var unauthorized = ZbProtocol.ReadGetUpdates(401, """{"ok":false,"error_code":401,"description":"Unauthorized"}""").Value;
        Assert.False(unauthorized.NothingNew);
        Assert.True(unauthorized.Error!.IsUnauthorized);

        var limited = ZbProtocol.ReadGetUpdates(200, """{"ok":false,"error_code":429,"description":"Too Many Requests"}""").Value;
        Assert.True(limited.Error!.IsRateLimited);

        Assert.Equal(ZaloFailure.Malformed, ZbProtocol.ReadGetUpdates(502, "<html>Bad Gateway</html>").Error!.Failure);
        Assert.Equal(ZaloFailure.MissingField, ZbProtocol.ReadGetUpdates(200, """{"result":{}}""").Error!.Failure);
    }
}
