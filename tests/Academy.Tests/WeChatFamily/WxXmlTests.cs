using System.Text;
using Academy.BotHost.Channels.WeChatFamily;

namespace Academy.Tests.WeChatFamily;

/// <summary>The callback readers refuse what could hurt the host (entities, DTDs, huge bodies) with a reason, never an exception.</summary>
public class WxXmlTests
{
    [Fact]
    public void An_entity_expansion_bomb_is_refused_before_any_expansion()
    {
        const string bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;\">]>" +
                            "<xml><Encrypt>&lol2;</Encrypt></xml>";

        var parsed = WxXml.Parse(bomb);

        Assert.Equal(WxFailure.Malformed, parsed.Error!.Failure);
        Assert.Equal(WxFailure.Malformed, WxEnvelope.ParseXml(bomb).Error!.Failure);
    }

    [Fact]
    public void An_external_entity_is_never_resolved()
    {
        const string xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]><xml><Content>&secret;</Content></xml>";

        Assert.False(WxXml.Parse(xxe).IsOk);
    }

    [Fact]
    public void A_body_larger_than_any_callback_is_refused_as_too_large()
    {
        var huge = "<xml><Content>" + new string('a', WxXml.MaxChars) + "</Content></xml>";

        Assert.Equal(WxFailure.TooLarge, WxXml.Parse(huge).Error!.Failure);
        Assert.Equal(WxFailure.TooLarge, WxXml.Parse(Encoding.UTF8.GetBytes(huge)).Error!.Failure);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not xml")]
    [InlineData("<xml><Encrypt>unclosed</xml>")]
    public void Malformed_bodies_are_refused_with_a_reason(string body)
    {
        var error = WxEnvelope.ParseXml(body).Error!;
        Assert.Equal(WxFailure.Malformed, error.Failure);
        Assert.False(string.IsNullOrWhiteSpace(error.Detail));
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_are_refused()
    {
        byte[] body = [.. "<xml><Content>"u8, 0xC3, 0x28, .. "</Content></xml>"u8];

        Assert.Equal(WxFailure.Malformed, WxXml.Parse(body).Error!.Failure);
    }

    [Fact]
    public void Fields_are_the_root_childrens_text_and_nested_elements_stay_in_the_tree()
    {
        const string card = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><Event><![CDATA[template_card_event]]></Event>" +
                            "<EventKey><![CDATA[key111]]></EventKey><AgentID>1</AgentID><SelectedItems><SelectedItem>" +
                            "<QuestionKey><![CDATA[q1]]></QuestionKey><OptionIds><OptionId><![CDATA[o1]]></OptionId><OptionId><![CDATA[o2]]></OptionId></OptionIds>" +
                            "</SelectedItem></SelectedItems></xml>";

        var root = WxXml.Parse(card).Value;
        var fields = WxXml.Fields(root);

        Assert.Equal("key111", fields["EventKey"]);
        Assert.Equal("1", fields["AgentID"]);
        Assert.False(fields.ContainsKey("SelectedItems"));
        Assert.Equal(["o1", "o2"], root.Descendants("OptionId").Select(o => o.Value));
    }

    [Fact]
    public void Built_xml_survives_a_value_containing_the_cdata_terminator_and_markup()
    {
        var xml = WxXml.Build([new("Content", "a]]>b<c>&d"), new("CreateTime", "1700000000")], new HashSet<string> { "CreateTime" });

        var fields = WxXml.Fields(WxXml.Parse(xml).Value);

        Assert.Equal("a]]>b<c>&d", fields["Content"]);
        Assert.Equal("1700000000", fields["CreateTime"]);
    }

    [Fact]
    public void The_query_reader_percent_decodes_keeps_plus_and_takes_the_first_of_repeated_keys()
    {
        var query = WxQuery.Parse("?echostr=ab+cd%2Bef%2F%3D%3D&nonce=1&nonce=2&openid=o%2DX&flag");

        Assert.Equal("ab+cd+ef/==", query.EchoStr);
        Assert.Equal("1", query.Nonce);
        Assert.Equal("o-X", query.OpenId);
        Assert.Equal("", query["flag"]);
        Assert.Null(query.Signature);
    }

    [Fact]
    public void The_json_envelope_needs_an_encrypt_string_and_refuses_other_shapes()
    {
        Assert.Equal("abc", WxEnvelope.ParseJson("{\"encrypt\":\"abc\"}"u8).Value.Encrypt);
        Assert.Equal(WxFailure.MissingParameter, WxEnvelope.ParseJson("{\"encrypted\":\"abc\"}"u8).Error!.Failure);
        Assert.Equal(WxFailure.Malformed, WxEnvelope.ParseJson("[\"abc\"]"u8).Error!.Failure);
        Assert.Equal(WxFailure.Malformed, WxEnvelope.ParseJson("{\"encrypt\":"u8).Error!.Failure);
    }
}
