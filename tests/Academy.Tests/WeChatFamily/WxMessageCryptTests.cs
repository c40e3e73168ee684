using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Academy.BotHost.Channels.WeChatFamily;

namespace Academy.Tests.WeChatFamily;

/// <summary>
/// The WXBizMsgCrypt scheme against the platforms' own published vectors (reference §1.4), and the
/// refusals a forged or damaged callback must meet.
/// </summary>
public class WxMessageCryptTests
{
    // Official WeCom sample (WXBizMsgCrypt, also in EasyWeChat's tests): token, key, CorpID.
    private const string WeComToken = "QDG6eK";
    private const string WeComKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private const string WeComCorp = "wx5823bf96d3bd56c7";

    private const string WeComEchoStr = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";

    private const string WeComEncrypt =
        "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";

    // wechatpy tests/test_crypto.py (WeCom): the only public vector that pins the random prefix.
    private const string PyToken = "123456";
    private const string PyKey = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
    private const string PyCorp = "wx49f0ab532d5d035a";

    private static readonly WxMessageCrypt WeCom = new(WeComToken, WeComKey, WeComCorp);

    [Fact]
    public void The_official_WeCom_url_verification_decrypts_echostr_to_its_plaintext()
    {
        // As the sample shows it on the wire: / + = percent-encoded.
        var query = WxQuery.Parse("msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=" +
                                  Uri.EscapeDataString(WeComEchoStr));

        var verified = WeCom.VerifyUrl(query);

        Assert.True(verified.IsOk, verified.Error?.ToString());
        Assert.Equal("1616140317555161061", verified.Value);
    }

    [Fact]
    public void A_literal_plus_in_the_raw_query_is_kept_where_form_decoding_would_turn_it_into_a_space()
    {
        var raw = "?msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=" + WeComEchoStr;

        Assert.Contains(' ', Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(raw)["echostr"].ToString()); // the trap
        var query = WxQuery.Parse(raw);
        Assert.Equal(WeComEchoStr, query.EchoStr);
        Assert.Equal("1616140317555161061", WeCom.VerifyUrl(query).Value);
    }

    [Fact]
    public void The_official_WeCom_message_opens_with_its_signature_and_names_sender_content_and_agent()
    {
        var body = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[" + WeComEncrypt +
                   "]]></Encrypt>\n<AgentID><![CDATA[218]]></AgentID>\n</xml>";
        var query = WxQuery.Parse("msg_signature=477715d11cdb4164915debcba66cb864d751f3e6&timestamp=1409659813&nonce=1372623149");

        var opened = WeCom.OpenXml(query, Encoding.UTF8.GetBytes(body));

        Assert.True(opened.IsOk, opened.Error?.ToString());
        Assert.Equal("218", opened.Value.AgentId);
        Assert.Equal(WeComCorp, opened.Value.ToUserName);
        var fields = WxXml.Fields(WxXml.Parse(opened.Value.Message).Value);
        Assert.Equal("mycreate", fields["FromUserName"]);
        Assert.Equal("hello", fields["Content"]);
        Assert.Equal("4561255354251345929", fields["MsgId"]);
        Assert.Equal("218", fields["AgentID"]);
    }

    [Fact]
    public void The_wechatpy_reply_is_reproduced_byte_for_byte_with_its_pinned_random_prefix()
    {
        const string reply = "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n" +
                             "<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n" +
                             "<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>";
        var pinned = new WxMessageCrypt(PyToken, PyKey, PyCorp, r => Encoding.ASCII.GetBytes("1234567890123456").CopyTo(r));

        var sealedReply = WxEnvelope.ParseXmlReply(pinned.SealXml(reply, "1411525903", "461056294")).Value;

        Assert.Equal(
            "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3",
            sealedReply.Encrypt);
        Assert.Equal("407518b7649e86ef23978113f92d27afa9296533", sealedReply.MsgSignature);
        Assert.Equal("1411525903", sealedReply.Timestamp);
        Assert.Equal("461056294", sealedReply.Nonce);
        Assert.Equal(reply, pinned.OpenSealed(sealedReply).Value);
    }

    [Fact]
    public void The_wechatpy_callback_opens_to_its_sender_and_content()
    {
        const string body = "<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n<Encrypt><![CDATA[RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></Encrypt>\n<AgentID><![CDATA[1]]></AgentID>\n</xml>";
        var crypt = new WxMessageCrypt(PyToken, PyKey, PyCorp);

        var opened = crypt.OpenXml(WxQuery.Parse("msg_signature=74d92dfeb87ba7c714f89d98870ae5eb62dff26d&timestamp=1411525903&nonce=461056294"),
            Encoding.UTF8.GetBytes(body));

        var fields = WxXml.Fields(WxXml.Parse(opened.Value.Message).Value);
        Assert.Equal("messense", fields["FromUserName"]);
        Assert.Equal("test", fields["Content"]);
        Assert.Equal("4363689963896700987", fields["MsgId"]);
    }

    [Fact]
    public void The_official_Official_Account_vector_counts_Chinese_in_UTF8_bytes_and_checks_the_AppId()
    {
        // The official Java sample / WxJava WxCryptUtilTest: 19 UTF-8 bytes of message, 7 bytes of pad.
        var oa = new WxMessageCrypt("pamtest", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxb11529c136998cb6");
        const string expected = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";

        Assert.Equal(expected, oa.Encrypt("我是中文abcd123", Encoding.ASCII.GetBytes("aaaabbbbccccdddd")));
        Assert.Equal("我是中文abcd123", oa.Decrypt(expected).Value);
        var otherApp = new WxMessageCrypt("pamtest", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx0000000000000000");
        Assert.Equal(WxFailure.WrongReceiveId, otherApp.Decrypt(expected).Error!.Failure);
    }

    [Fact]
    public void The_official_plain_signature_example_verifies_and_a_changed_nonce_does_not()
    {
        Assert.Equal("899cf89e464efb63f54ddac96b0a0a235f53aa78", WxSignature.Plain("AAAAA", "1714037059", "486452656"));
        Assert.True(WxSignature.VerifyPlain("AAAAA", WxQuery.Parse("signature=899cf89e464efb63f54ddac96b0a0a235f53aa78&timestamp=1714037059&nonce=486452656&echostr=hello")));
        Assert.True(WxSignature.VerifyPlain("AAAAA", WxQuery.Parse("signature=899CF89E464EFB63F54DDAC96B0A0A235F53AA78&timestamp=1714037059&nonce=486452656")));
        Assert.False(WxSignature.VerifyPlain("AAAAA", WxQuery.Parse("signature=899cf89e464efb63f54ddac96b0a0a235f53aa78&timestamp=1714037059&nonce=486452657")));
        Assert.False(WxSignature.VerifyPlain("AAAAA", WxQuery.Parse("timestamp=1714037059&nonce=486452656")));
    }

    [Fact]
    public void Signature_parts_sort_ordinally_not_by_culture()
    {
        // Ordinal puts "B" (0x42) before "a" (0x61); a culture-aware sort would put "a" first.
        var expected = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes("Bxa")));
        Assert.Equal(expected, WxSignature.Compute("a", "Bx"));
    }

    [Fact]
    public void A_message_that_fills_whole_blocks_gets_a_full_32_byte_pad_and_opens_again()
    {
        // 16 + 4 + 26 + 18 = 64 bytes: aligned, so a whole block of 32s follows. Computed independently with Python `cryptography`.
        const string expected = "sKqRbbiSUnDhFHOvPjtUMZGyoR1r/GzKAbbgquGlaOgIlt+xQAi/JKk90aBApUWQUg5O+k5ZufIRKoqgtkAVwJKF1H3y/sfk7izzwSIp1tYTy01NHOGT9sTJ2jdv5sCT";

        var encrypt = WeCom.Encrypt("abcdefghijklmnopqrstuvwxyz", Encoding.ASCII.GetBytes("0123456789abcdef"));

        Assert.Equal(expected, encrypt);
        Assert.Equal(96, Convert.FromBase64String(encrypt).Length);
        Assert.Equal("abcdefghijklmnopqrstuvwxyz", WeCom.Decrypt(encrypt).Value);
    }

    [Fact]
    public void The_smart_robot_uses_an_empty_receive_id_and_refuses_one_addressed_to_a_corp()
    {
        // Computed independently with Python `cryptography`: empty receive id, CJK, emoji and Vietnamese.
        var robot = new WxMessageCrypt("robottoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "");
        const string expected = "jn1L23DB+6ELqJ+6bruv22lzyR59d4yvHuI/LItmWMKHaAkyiK8Gqc+Dpj5VUzztGOwD1SmfXqHWb6/6h8Fu8g==";

        Assert.Equal(expected, robot.Encrypt("学习强国 📚 Học tập", Encoding.ASCII.GetBytes("aaaabbbbccccdddd")));
        var opened = robot.OpenJson(WxQuery.Parse("msg_signature=bbab078f4a33b810e03f042edcd20b2d62c1c1e0&timestamp=1700000000&nonce=nonce-1"),
            Encoding.UTF8.GetBytes(WxEnvelope.BuildJson(expected)));
        Assert.Equal("学习强国 📚 Học tập", opened.Value.Message);

        var forCorp = new WxMessageCrypt("robottoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", WeComCorp).Encrypt("hi");
        Assert.Equal(WxFailure.WrongReceiveId, robot.Decrypt(forCorp).Error!.Failure);
    }

    [Fact]
    public void The_robot_json_reply_carries_encrypt_msgsignature_a_numeric_timestamp_and_the_callback_nonce()
    {
        var robot = new WxMessageCrypt("robottoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "");

        var reply = robot.SealJson("{\"msgtype\":\"text\"}", "1641002400", "nonce-9");

        using var json = JsonDocument.Parse(reply);
        Assert.Equal(JsonValueKind.Number, json.RootElement.GetProperty("timestamp").ValueKind);
        Assert.Equal("nonce-9", json.RootElement.GetProperty("nonce").GetString());
        var sealedReply = WxEnvelope.ParseJsonReply(reply).Value;
        Assert.Equal(json.RootElement.GetProperty("msgsignature").GetString(), sealedReply.MsgSignature);
        Assert.Equal("{\"msgtype\":\"text\"}", robot.OpenSealed(sealedReply).Value);
    }

    [Fact]
    public void Every_single_character_change_to_the_ciphertext_is_refused_by_its_signature()
    {
        var query = WxQuery.Parse("msg_signature=477715d11cdb4164915debcba66cb864d751f3e6&timestamp=1409659813&nonce=1372623149");
        for (var i = 0; i < WeComEncrypt.Length - 2; i += 7) // the trailing "==" carry no choice
        {
            var chars = WeComEncrypt.ToCharArray();
            chars[i] = chars[i] == 'A' ? 'B' : 'A';
            var opened = WeCom.OpenXml(query, Encoding.UTF8.GetBytes(WxEnvelope.BuildXml(new string(chars), WeComCorp, "218")));
            Assert.Equal(WxFailure.BadSignature, opened.Error?.Failure);
        }
    }

    [Fact]
    public void A_tampered_signature_timestamp_or_missing_parameter_is_refused_with_its_reason()
    {
        var body = Encoding.UTF8.GetBytes(WxEnvelope.BuildXml(WeComEncrypt, WeComCorp, "218"));

        Assert.Equal(WxFailure.BadSignature, WeCom.OpenXml(WxQuery.Parse("msg_signature=477715d11cdb4164915debcba66cb864d751f3e7&timestamp=1409659813&nonce=1372623149"), body).Error!.Failure);
        Assert.Equal(WxFailure.BadSignature, WeCom.OpenXml(WxQuery.Parse("msg_signature=477715d11cdb4164915debcba66cb864d751f3e6&timestamp=1409659814&nonce=1372623149"), body).Error!.Failure);
        var missing = WeCom.OpenXml(WxQuery.Parse("timestamp=1409659813&nonce=1372623149"), body).Error!;
        Assert.Equal(WxFailure.MissingParameter, missing.Failure);
        Assert.Contains("msg_signature", missing.Detail, StringComparison.Ordinal);
        Assert.Equal(WxFailure.BadSignature, WeCom.VerifyUrl(WxQuery.Parse("msg_signature=0000&timestamp=1409659589&nonce=263014780&echostr=" + Uri.EscapeDataString(WeComEchoStr))).Error!.Failure);
        Assert.Equal(WxFailure.MissingParameter, WeCom.OpenXml(WxQuery.Parse("msg_signature=a&timestamp=1&nonce=2"), Encoding.UTF8.GetBytes("<xml><ToUserName>x</ToUserName></xml>")).Error!.Failure);
    }

    [Fact]
    public void A_message_sealed_for_another_corp_is_refused_even_with_a_valid_signature()
    {
        var sender = new WxMessageCrypt(WeComToken, WeComKey, "ww_other_corp");
        var sealedMessage = sender.Seal("<xml><Content>hi</Content></xml>", "1700000000", "42");

        var opened = WeCom.OpenXml(WxQuery.Parse($"msg_signature={sealedMessage.MsgSignature}&timestamp=1700000000&nonce=42"),
            Encoding.UTF8.GetBytes(WxEnvelope.BuildXml(sealedMessage.Encrypt, "ww_other_corp")));

        Assert.Equal(WxFailure.WrongReceiveId, opened.Error!.Failure);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    [InlineData(255)]
    public void A_pad_byte_outside_1_to_32_is_refused(int padByte)
    {
        var plain = new byte[64];
        plain[^1] = (byte)padByte;
        Assert.Equal(WxFailure.BadPadding, WeCom.Decrypt(EncryptRaw(plain)).Error!.Failure);
    }

    [Fact]
    public void Pad_bytes_that_disagree_or_a_length_running_past_the_text_are_refused()
    {
        var unevenPad = new byte[64];
        unevenPad.AsSpan(60).Fill(4);
        unevenPad[61] = 3;
        Assert.Equal(WxFailure.BadPadding, WeCom.Decrypt(EncryptRaw(unevenPad)).Error!.Failure);

        var longClaim = new byte[64];
        longClaim[19] = 200; // declares 200 message bytes in a 60-byte text
        longClaim.AsSpan(60).Fill(4);
        Assert.Equal(WxFailure.BadLength, WeCom.Decrypt(EncryptRaw(longClaim)).Error!.Failure);

        var noHeader = new byte[32];
        noHeader.AsSpan(16).Fill(16);
        Assert.Equal(WxFailure.BadLength, WeCom.Decrypt(EncryptRaw(noHeader)).Error!.Failure);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("AAAA")] // 3 bytes: not an AES block
    [InlineData("")]
    public void A_ciphertext_that_is_not_whole_Base64_blocks_is_refused(string encrypt)
    {
        var error = WeCom.Decrypt(encrypt).Error!;
        Assert.True(error.Failure is WxFailure.BadCiphertext or WxFailure.MissingParameter, error.ToString());
    }

    [Fact]
    public void Random_garbage_never_throws_and_is_never_accepted()
    {
        var random = new Random(17);
        for (var i = 0; i < 300; i++)
        {
            var bytes = new byte[16 * random.Next(1, 8)];
            random.NextBytes(bytes);
            var result = WeCom.Decrypt(Convert.ToBase64String(bytes));
            // A random block has a 1 in 2^k chance of a well-formed pad, header and receive id: never, in practice.
            Assert.False(result.IsOk);
        }
    }

    [Fact]
    public void Each_encryption_draws_a_fresh_prefix_and_every_one_opens_again()
    {
        var first = WeCom.Seal("<xml><Content>同一条</Content></xml>", "1700000000", "n1");
        var second = WeCom.Seal("<xml><Content>同一条</Content></xml>", "1700000000", "n1");

        Assert.NotEqual(first.Encrypt, second.Encrypt);
        Assert.Equal("<xml><Content>同一条</Content></xml>", WeCom.OpenSealed(first).Value);
        Assert.Equal("<xml><Content>同一条</Content></xml>", WeCom.OpenSealed(second).Value);
        Assert.Equal(WxFailure.BadSignature, WeCom.OpenSealed(first with { Nonce = "n2" }).Error!.Failure);
    }

    [Fact]
    public void Any_UTF8_text_round_trips_under_any_receive_id_and_random_prefix()
    {
        var random = new Random(20261207);
        (int From, int To)[] ranges =
        [
            (0x20, 0x7E), (0x4E00, 0x9FFF), (0x1F300, 0x1FAFF), (0x00C0, 0x1EF9), (0x3000, 0x303F), (0x0A, 0x0D),
        ];
        string[] receiveIds = ["", WeComCorp, "wxb11529c136998cb6", "ww_企业_01"];
        var prefix = new byte[16];
        for (var i = 0; i < 400; i++)
        {
            var text = new StringBuilder();
            var length = random.Next(0, 120);
            for (var c = 0; c < length; c++)
            {
                var (from, to) = ranges[random.Next(ranges.Length)];
                var scalar = random.Next(from, to + 1);
                if (Rune.IsValid(scalar)) text.Append(new Rune(scalar).ToString());
            }
            random.NextBytes(prefix);
            var receiveId = receiveIds[random.Next(receiveIds.Length)];
            var crypt = new WxMessageCrypt("t", WeComKey, receiveId);

            var encrypt = crypt.Encrypt(text.ToString(), prefix);

            Assert.Equal(0, Convert.FromBase64String(encrypt).Length % WxMessageCrypt.PadBlock);
            var opened = crypt.Decrypt(encrypt);
            Assert.True(opened.IsOk, $"case {i}: {opened.Error}");
            Assert.Equal(text.ToString(), opened.Value);
        }
    }

    [Fact]
    public void An_EncodingAESKey_that_is_not_43_Base64_characters_is_a_configuration_error_naming_the_setting()
    {
        var tooShort = Assert.Throws<ArgumentException>(() => new WxMessageCrypt("t", "SecretKeyValue", ""));
        Assert.Contains("EncodingAESKey", tooShort.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SecretKeyValue", tooShort.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new WxMessageCrypt("t", new string('!', 43), ""));
    }

    private static string EncryptRaw(byte[] plain)
    {
        var key = WxMessageCrypt.DecodeKey(WeComKey);
        using var aes = Aes.Create();
        aes.Key = key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, key.AsSpan(0, 16), PaddingMode.None));
    }
}
