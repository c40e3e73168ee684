using System.Text;
using Academy.BotHost.Channels.Zalo.ZaloProtocol;

namespace Academy.Tests.Zalo;

/// <summary>
/// The Official Account webhook signature, <c>SHA-256(firstField + rawBody + timestamp + secretKey)</c>, against
/// digests computed independently (Python hashlib) over the integrators' sample event, under both readings of
/// the first field, and the refusals a forged, tampered, replayed or garbled POST must meet.
/// </summary>
public class ZoaWebhookVerifierTests
{
    private const string AppId = "360846524940903967";
    private const string OaId = "579745863508352884";
    private const string Secret = "OaSecretKey-TEST-0123456789";

    // The sample from the reference (§4.2), byte for byte as Zalo would post it.
    private const string Sample =
        """{"app_id": "360846524940903967", "user_id_by_app": "552177279717587730", "event_name": "user_send_text", "timestamp": "1670000000000", "sender": {"id": "2512523625412515"}, "recipient": {"id": "579745863508352884"}, "message": {"msg_id": "96d3cdf3af150460909", "text": "A"}}""";

    // hashlib.sha256((first + Sample + "1670000000000" + Secret).encode()).hexdigest()
    private const string SampleByAppId = "7c3f0f77217e58e54ab267bcdd5019e6b49c7ff3dc40d16c6a657b52f99a5c36";
    private const string SampleByOaId = "f991c9881bbe863e8a884a6544c3286e1b0952f9cdd47046d81c2551beda5e97";

    // Vietnamese text: the body is hashed as its UTF-8 bytes.
    private const string Vietnamese =
        """{"app_id":"360846524940903967","event_name":"user_send_text","timestamp":"1765000000000","sender":{"id":"2512523625412515"},"recipient":{"id":"579745863508352884"},"message":{"msg_id":"b7c1e0a2f3d4","text":"Tôi chọn đáp án B"}}""";
    private const string VietnameseByAppId = "c69f8d1ed644a8b152e8603783ddab9e98baf4f44eaac2e007e916e8502b4d55";

    private static readonly DateTimeOffset SampleTime = DateTimeOffset.FromUnixTimeMilliseconds(1670000000000);

    private static ZoaWebhookVerifier Verifier(ZoaSignatureFirstField first = ZoaSignatureFirstField.AppId, TimeSpan? tolerance = null) =>
        new(new ZoaWebhookOptions(AppId, OaId, Secret, first, tolerance));

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void The_digest_is_the_plain_sha256_of_first_field_body_timestamp_and_secret()
    {
        Assert.Equal(SampleByAppId, ZoaWebhookVerifier.Compute(AppId, Bytes(Sample), "1670000000000", Secret));
        Assert.Equal(SampleByOaId, ZoaWebhookVerifier.Compute(OaId, Bytes(Sample), "1670000000000", Secret));
        Assert.Equal(VietnameseByAppId, ZoaWebhookVerifier.Compute(AppId, Bytes(Vietnamese), "1765000000000", Secret));
        Assert.Equal("mac=" + SampleByAppId, ZoaWebhookVerifier.HeaderValue(AppId, Bytes(Sample), "1670000000000", Secret));
    }

    [Fact]
    public void An_event_signed_with_the_app_id_opens_under_the_app_id_reading_and_not_under_the_oa_id_reading()
    {
        var opened = Verifier().Verify("mac=" + SampleByAppId, Bytes(Sample), SampleTime);
        Assert.True(opened.IsOk, opened.Error?.ToString());
        Assert.Equal(ZoaSignatureFirstField.AppId, opened.Value.SignedWith);
        Assert.Equal("1670000000000", opened.Value.Timestamp);

        Assert.Equal(ZaloFailure.BadSignature, Verifier(ZoaSignatureFirstField.OaId).Verify("mac=" + SampleByAppId, Bytes(Sample), SampleTime).Error!.Failure);
    }

    [Fact]
    public void An_event_signed_with_the_oa_id_opens_under_the_oa_id_reading_and_not_under_the_app_id_reading()
    {
        var opened = Verifier(ZoaSignatureFirstField.OaId).Verify("mac=" + SampleByOaId, Bytes(Sample), SampleTime);
        Assert.True(opened.IsOk, opened.Error?.ToString());
        Assert.Equal(ZoaSignatureFirstField.OaId, opened.Value.SignedWith);

        Assert.Equal(ZaloFailure.BadSignature, Verifier().Verify("mac=" + SampleByOaId, Bytes(Sample), SampleTime).Error!.Failure);
    }

    [Fact]
    public void Either_reading_accepts_both_and_says_which_one_matched()
    {
        var either = Verifier(ZoaSignatureFirstField.Either);
        Assert.Equal(ZoaSignatureFirstField.AppId, either.Verify("mac=" + SampleByAppId, Bytes(Sample), SampleTime).Value.SignedWith);
        Assert.Equal(ZoaSignatureFirstField.OaId, either.Verify("mac=" + SampleByOaId, Bytes(Sample), SampleTime).Value.SignedWith);
        Assert.Equal(ZaloFailure.BadSignature, either.Verify("mac=" + new string('a', 64), Bytes(Sample), SampleTime).Error!.Failure);
    }

    [Theory]
    [InlineData("mac=" + SampleByAppId)]
    [InlineData("MAC=" + SampleByAppId)]
    [InlineData(SampleByAppId)]
    [InlineData("  mac=7C3F0F77217E58E54AB267BCDD5019E6B49C7FF3DC40D16C6A657B52F99A5C36 ")]
    public void The_header_is_read_with_or_without_its_mac_prefix_and_in_either_hex_case(string header) =>
        Assert.True(Verifier().Verify(header, Bytes(Sample), SampleTime).IsOk);

    [Fact]
    public void A_multibyte_body_is_hashed_as_received()
    {
        var opened = Verifier().Verify("mac=" + VietnameseByAppId, Bytes(Vietnamese), SampleTime);
        Assert.True(opened.IsOk, opened.Error?.ToString());
    }

    [Fact]
    public void Any_change_to_the_body_breaks_the_signature_even_one_that_keeps_the_same_json()
    {
        var verifier = Verifier();
        var header = "mac=" + SampleByAppId;
        foreach (var tampered in new[]
                 {
                     Sample.Replace("\"text\": \"A\"", "\"text\": \"B\"", StringComparison.Ordinal),
                     Sample.Replace("2512523625412515", "2512523625412516", StringComparison.Ordinal),
                     Sample.Replace(", ", ",", StringComparison.Ordinal), // same JSON, re-serialised
                     Sample + "\n",
                 })
            Assert.Equal(ZaloFailure.BadSignature, verifier.Verify(header, Bytes(tampered), SampleTime).Error!.Failure);
    }

    [Fact]
    public void A_changed_timestamp_breaks_the_signature()
    {
        var moved = Sample.Replace("1670000000000", "1670000000001", StringComparison.Ordinal);
        Assert.Equal(ZaloFailure.BadSignature, Verifier().Verify("mac=" + SampleByAppId, Bytes(moved), SampleTime).Error!.Failure);
    }

    [Fact]
    public void The_wrong_secret_is_refused()
    {
        var other = new ZoaWebhookVerifier(new ZoaWebhookOptions(AppId, OaId, Secret + "x"));
        Assert.Equal(ZaloFailure.BadSignature, other.Verify("mac=" + SampleByAppId, Bytes(Sample), SampleTime).Error!.Failure);
    }

    [Theory]
    [InlineData("mac=")]
    [InlineData("mac=7c3f0f77")]
    [InlineData("mac=zz3f0f77217e58e54ab267bcdd5019e6b49c7ff3dc40d16c6a657b52f99a5c36")]
    [InlineData("mac=7c3f0f77217e58e54ab267bcdd5019e6b49c7ff3dc40d16c6a657b52f99a5c3600")]
    public void A_truncated_or_non_hex_signature_is_a_bad_signature_not_an_exception(string header)
    {
        var failure = Verifier().Verify(header, Bytes(Sample), SampleTime).Error!.Failure;
        Assert.True(failure is ZaloFailure.BadSignature or ZaloFailure.MissingSignature, failure.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_post_without_a_signature_is_refused(string? header) =>
        Assert.Equal(ZaloFailure.MissingSignature, Verifier().Verify(header, Bytes(Sample), SampleTime).Error!.Failure);

    [Fact]
    public void An_unsigned_empty_object_is_reported_as_the_console_probe_and_a_signed_one_is_not()
    {
        Assert.Equal(ZaloFailure.VerificationProbe, Verifier().Verify(null, Bytes("{}"), SampleTime).Error!.Failure);
        Assert.Equal(ZaloFailure.VerificationProbe, Verifier().Verify("", Bytes(" { } "), SampleTime).Error!.Failure);
        Assert.Equal(ZaloFailure.MissingField, Verifier().Verify("mac=" + SampleByAppId, Bytes("{}"), SampleTime).Error!.Failure);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("\"text\"")]
    [InlineData("{\"event_name\": ")]
    public void Garbage_is_malformed(string body) =>
        Assert.Equal(ZaloFailure.Malformed, Verifier().Verify("mac=" + SampleByAppId, Bytes(body), SampleTime).Error!.Failure);

    [Fact]
    public void Invalid_utf8_is_malformed()
    {
        var body = Bytes(Sample);
        body[^5] = 0xFF;
        Assert.Equal(ZaloFailure.Malformed, Verifier().Verify("mac=" + SampleByAppId, body, SampleTime).Error!.Failure);
    }

    [Fact]
    public void A_body_without_a_timestamp_cannot_be_checked()
    {
        var body = """{"app_id":"360846524940903967","event_name":"user_send_text"}""";
        Assert.Equal(ZaloFailure.MissingField, Verifier().Verify("mac=" + new string('0', 64), Bytes(body), SampleTime).Error!.Failure);
    }

    [Fact]
    public void An_oversized_body_is_refused_before_hashing()
    {
        var body = new byte[ZaloJson.MaxBytes + 1];
        Assert.Equal(ZaloFailure.TooLarge, Verifier().Verify("mac=" + SampleByAppId, body, SampleTime).Error!.Failure);
    }

    [Fact]
    public void With_a_tolerance_an_old_or_future_event_is_stale_even_when_correctly_signed()
    {
        var verifier = Verifier(tolerance: TimeSpan.FromMinutes(10));
        Assert.True(verifier.Verify("mac=" + SampleByAppId, Bytes(Sample), SampleTime.AddMinutes(9)).IsOk);
        Assert.True(verifier.Verify("mac=" + SampleByAppId, Bytes(Sample), SampleTime.AddMinutes(-9)).IsOk);
        Assert.Equal(ZaloFailure.StaleTimestamp, verifier.Verify("mac=" + SampleByAppId, Bytes(Sample), SampleTime.AddMinutes(11)).Error!.Failure);
        Assert.Equal(ZaloFailure.StaleTimestamp, verifier.Verify("mac=" + SampleByAppId, Bytes(Sample), SampleTime.AddMinutes(-11)).Error!.Failure);
        // A forged event is a bad signature whatever its age.
        Assert.Equal(ZaloFailure.BadSignature, verifier.Verify("mac=" + SampleByOaId, Bytes(Sample), SampleTime.AddDays(3)).Error!.Failure);
    }

    [Fact]
    public void Without_a_tolerance_the_age_is_not_checked() =>
        Assert.True(Verifier().Verify("mac=" + SampleByAppId, Bytes(Sample), SampleTime.AddYears(4)).IsOk);

    [Fact]
    public void The_timestamp_can_come_from_the_x_zevent_timestamp_header_instead()
    {
        var headerReading = new ZoaWebhookVerifier(new ZoaWebhookOptions(AppId, OaId, Secret, TimestampSource: ZoaTimestampSource.Header));
        var signed = ZoaWebhookVerifier.HeaderValue(AppId, Bytes(Sample), "1670000000999", Secret);

        Assert.True(headerReading.Verify(signed, Bytes(Sample), SampleTime, timestampHeader: "1670000000999").IsOk);
        Assert.Equal(ZaloFailure.MissingField, headerReading.Verify(signed, Bytes(Sample), SampleTime).Error!.Failure);
        Assert.Equal(ZaloFailure.BadSignature, Verifier().Verify(signed, Bytes(Sample), SampleTime, timestampHeader: "1670000000999").Error!.Failure);
    }

    [Fact]
    public void Missing_settings_are_a_configuration_error_naming_the_key()
    {
        var secret = Assert.Throws<ArgumentException>(() => new ZoaWebhookVerifier(new ZoaWebhookOptions(AppId, OaId, "")));
        Assert.Contains("ZaloOA:SecretKey", secret.Message, StringComparison.Ordinal);
        var oa = Assert.Throws<ArgumentException>(() => new ZoaWebhookVerifier(new ZoaWebhookOptions(AppId, "", Secret, ZoaSignatureFirstField.OaId)));
        Assert.Contains("ZaloOA:OAId", oa.Message, StringComparison.Ordinal);
    }
}
