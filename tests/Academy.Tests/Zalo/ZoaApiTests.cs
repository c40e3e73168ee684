using System.Text.Json.Nodes;
using Academy.BotHost.Channels.Zalo.ZaloProtocol;

namespace Academy.Tests.Zalo;

/// <summary>
/// Official Account answers: errors come as HTTP 200 with a non-zero <c>error</c>, and each code Academy acts
/// on maps to what the sender must do; OAuth v4 token answers (numbers as strings) and refusals; the request
/// shapes the channel sends.
/// </summary>
public class ZoaApiTests
{
    [Fact]
    public void Success_carries_its_data()
    {
        var answer = ZoaApi.Read(200, """{"data":{"message_id":"a4d0243feee163bd3af2","user_id":"2512523625412515"},"error":0,"message":"Success"}""");
        Assert.True(answer.IsOk);
        Assert.True(answer.Value.IsOk);
        Assert.Equal(ZoaErrorKind.None, answer.Value.Kind);
        Assert.Equal("a4d0243feee163bd3af2", answer.Value.DataText("message_id"));
    }

    [Theory]
    [InlineData(-216, ZoaErrorKind.TokenInvalid)]
    [InlineData(-220, ZoaErrorKind.TokenExpired)]
    [InlineData(-230, ZoaErrorKind.OutsideWindow)]
    [InlineData(-32, ZoaErrorKind.RateLimited)]
    [InlineData(-234, ZoaErrorKind.NightBlocked)]
    [InlineData(-213, ZoaErrorKind.NotFollowing)]
    [InlineData(-221, ZoaErrorKind.NotVerified)]
    [InlineData(-224, ZoaErrorKind.TierTooLow)]
    [InlineData(-237, ZoaErrorKind.GroupDisabled)]
    [InlineData(-403, ZoaErrorKind.NotInGroup)]
    [InlineData(-201, ZoaErrorKind.InvalidRequest)]
    [InlineData(-211, ZoaErrorKind.QuotaExhausted)]
    [InlineData(-99999, ZoaErrorKind.Other)]
    public void An_error_in_an_http_200_answer_is_typed(int code, ZoaErrorKind kind)
    {
        var answer = ZoaApi.Read(200, $$"""{"error":{{code}},"message":"from Zalo"}""");
        Assert.True(answer.IsOk, answer.Error?.ToString());
        Assert.False(answer.Value.IsOk);
        Assert.Equal(code, answer.Value.Error);
        Assert.Equal(kind, answer.Value.Kind);
        Assert.Equal("from Zalo", answer.Value.Message);
    }

    [Fact]
    public void Token_problems_ask_for_a_refresh_and_limits_for_a_later_try_while_the_window_and_groups_do_not()
    {
        Assert.True(Answer(-216).IsTokenProblem);
        Assert.True(Answer(-220).IsTokenProblem);
        Assert.False(Answer(-216).IsTransient);
        Assert.True(Answer(-32).IsTransient);
        Assert.True(Answer(-234).IsTransient);
        foreach (var final in new[] { -230, -237, -213, -221, -224, -201 })
        {
            Assert.False(Answer(final).IsTransient, final.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.False(Answer(final).IsTokenProblem);
        }
    }

    private static ZoaApiAnswer Answer(int code) => ZoaApi.Read(200, $$"""{"error":{{code}},"message":"x"}""").Value;

    [Theory]
    [InlineData(502, "<html><body>502 Bad Gateway</body></html>", ZaloFailure.Malformed)]
    [InlineData(200, "", ZaloFailure.Malformed)]
    [InlineData(200, """{"message":"no code"}""", ZaloFailure.MissingField)]
    [InlineData(200, """{"error":"abc"}""", ZaloFailure.MissingField)]
    public void An_answer_that_is_not_zalos_envelope_is_an_unknown_outcome(int status, string body, ZaloFailure failure)
    {
        var answer = ZoaApi.Read(status, body);
        Assert.False(answer.IsOk);
        Assert.Equal(failure, answer.Error!.Failure);
    }

    [Fact]
    public void A_token_answer_gives_both_tokens_and_reads_the_lifetimes_zalo_writes_as_strings()
    {
        var grant = ZoaApi.ReadToken(200,
            """{"access_token":"AT-1","refresh_token":"RT-2","expires_in":"90000","refresh_token_expires_in":"7776000"}""", out var refusal);
        Assert.True(grant.IsOk, grant.Error?.ToString());
        Assert.Null(refusal);
        Assert.Equal("AT-1", grant.Value.AccessToken);
        Assert.Equal("RT-2", grant.Value.RefreshToken);
        Assert.Equal(TimeSpan.FromHours(25), grant.Value.ExpiresIn);
        Assert.Equal(TimeSpan.FromDays(90), grant.Value.RefreshExpiresIn);

        var numbers = ZoaApi.ReadToken(200, """{"access_token":"a","refresh_token":"r","expires_in":90000}""", out _);
        Assert.Equal(TimeSpan.FromHours(25), numbers.Value.ExpiresIn);
        Assert.Null(numbers.Value.RefreshExpiresIn);
    }

    [Fact]
    public void A_refused_refresh_is_typed_as_a_refused_grant_and_bad_credentials_as_configuration()
    {
        var used = ZoaApi.ReadToken(200,
            """{"error":-14014,"error_name":"Invalid refresh token.","error_reason":"","error_description":"refresh token is used","ref_doc":"https://developers.zalo.me"}""", out var refusal);
        Assert.False(used.IsOk);
        Assert.Equal(ZaloFailure.Refused, used.Error!.Failure);
        Assert.Equal(-14014, refusal!.Error);
        Assert.True(refusal.IsGrantRefused);
        Assert.False(refusal.IsBadCredentials);

        ZoaApi.ReadToken(200, """{"error":-14004,"error_name":"Invalid secret key"}""", out var secret);
        Assert.True(secret!.IsBadCredentials);
    }

    [Theory]
    [InlineData("""{"access_token":"a","expires_in":"90000"}""", "refresh_token")]
    [InlineData("""{"access_token":"a","refresh_token":"r"}""", "expires_in")]
    [InlineData("""{"message":"?"}""", "neither")]
    public void A_token_answer_missing_a_part_names_it(string body, string part)
    {
        var grant = ZoaApi.ReadToken(200, body, out var refusal);
        Assert.False(grant.IsOk);
        Assert.Null(refusal);
        Assert.Contains(part, grant.Error!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_button_message_has_query_payloads_as_strings_and_links_as_url_objects()
    {
        var body = ZoaRequests.CsButtons("u1", "Câu 1: …", [ZoaButton.Hidden("A", "quiz:q1:A"), ZoaButton.Shown("B", "quiz:q1:B"), ZoaButton.Link("Mở", "https://academy.example/q1")]);
        var buttons = body["message"]!["attachment"]!["payload"]!["buttons"]!.AsArray();
        Assert.Equal("u1", body["recipient"]!["user_id"]!.GetValue<string>());
        Assert.Equal("template", body["message"]!["attachment"]!["type"]!.GetValue<string>());
        Assert.Equal("oa.query.hide", buttons[0]!["type"]!.GetValue<string>());
        Assert.Equal("quiz:q1:A", buttons[0]!["payload"]!.GetValue<string>());
        Assert.Equal("oa.query.show", buttons[1]!["type"]!.GetValue<string>());
        Assert.Equal("oa.open.url", buttons[2]!["type"]!.GetValue<string>());
        Assert.Equal("https://academy.example/q1", buttons[2]!["payload"]!["url"]!.GetValue<string>());
    }

    [Fact]
    public void The_request_user_info_form_has_exactly_one_element()
    {
        var body = ZoaRequests.RequestUserInfo("u1", "Học viện", "Chia sẻ số điện thoại để đăng ký", "https://academy.example/logo.png");
        var payload = body["message"]!["attachment"]!["payload"]!;
        Assert.Equal("request_user_info", payload["template_type"]!.GetValue<string>());
        Assert.Single(payload["elements"]!.AsArray());
    }

    [Fact]
    public void Text_is_sent_precomposed_so_zalo_counts_what_is_seen()
    {
        var decomposed = "Nguyễn Thị Hoàng Anh".Normalize(System.Text.NormalizationForm.FormD);
        Assert.Equal(24, ZaloText.Length(decomposed));
        var sent = ZoaRequests.CsText("u1", decomposed)["message"]!["text"]!.GetValue<string>();
        Assert.Equal(20, ZaloText.Length(sent));
        Assert.True(ZaloText.Fits(new string('ệ', 2000).Normalize(System.Text.NormalizationForm.FormD)));
        Assert.False(ZaloText.Fits(new string('a', 2001)));
        Assert.Equal(1, ZaloText.Length("🎓"));
    }

    [Fact]
    public void A_learners_text_relayed_into_a_group_cannot_mention_anyone()
    {
        var relayed = ZoaMention.Neutralize("xem [@group-1] và [@u7]");
        Assert.DoesNotContain("[@", relayed, StringComparison.Ordinal);
        Assert.Equal("[@u7] nhớ điểm danh", ZoaMention.Marker("u7") + " nhớ điểm danh");
        var group = ZoaRequests.GroupText("g1", relayed);
        Assert.Equal("g1", group["recipient"]!["group_id"]!.GetValue<string>());
    }

    [Fact]
    public void A_get_sends_its_parameters_as_one_json_data_value()
    {
        var query = ZoaRequests.DataQuery(new JsonObject { ["user_id"] = "4572947693969771653" });
        Assert.Equal("data=%7B%22user_id%22%3A%224572947693969771653%22%7D", query);
    }
}
