using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Academy.BotHost.Channels.Zalo.ZaloProtocol;
using Academy.Fakes.Zalo;
using Academy.Tests.Support;
using Academy.Tests.WeChatFamily;
using Microsoft.AspNetCore.Http;

namespace Academy.Tests.Zalo;

/// <summary>
/// The Official Account behaviour the fake encodes that a channel could get wrong, read back through the
/// product's own protocol code: single-use rotating refresh tokens (and two hosts racing), the 25-hour access
/// token, the consultation window under both readings of the unconfirmed rules, button taps coming back as
/// signed text, the webhook's retries, GMF groups with their limits and expiry, errors in HTTP 200.
/// </summary>
public sealed class FakeZaloOATests : IAsyncLifetime
{
    private readonly FakeTime _time = new(new DateTimeOffset(2026, 12, 7, 1, 0, 0, TimeSpan.Zero));
    private readonly ConcurrentQueue<(string Body, Dictionary<string, string> Headers)> _received = new();
    private readonly ConcurrentQueue<int> _statuses = new();
    private FakeZaloOA _fake = null!;
    private HttpClient _http = null!;
    private LoopbackHost _host = null!;
    private ZaloOACallbacks _zalo = null!;
    private string _token = "";

    public async Task InitializeAsync()
    {
        _fake = await FakeZaloOA.StartAsync(_time);
        _http = new HttpClient { BaseAddress = new Uri(_fake.BaseUrl) };
        _host = await LoopbackHost.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            _received.Enqueue((await reader.ReadToEndAsync(), Copy(context.Request.Headers)));
            context.Response.StatusCode = _statuses.TryDequeue(out var status) ? status : 200;
        });
        _zalo = new ZaloOACallbacks(_fake, _host.Client) { RetrySchedule = [TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10)] };
        _token = _fake.IssueGrant().AccessToken;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task A_refresh_token_works_once_and_the_new_pair_carries_on()
    {
        var (access, refresh) = _fake.IssueGrant();

        var first = await RefreshAsync(refresh);
        Assert.True(first.IsOk, first.Error?.ToString());
        Assert.Equal(TimeSpan.FromSeconds(90000), first.Value.ExpiresIn);
        Assert.NotEqual(refresh, first.Value.RefreshToken);

        var again = await RefreshAsync(refresh);
        Assert.Equal(ZaloFailure.Refused, again.Error!.Failure);

        var next = await RefreshAsync(first.Value.RefreshToken);
        Assert.True(next.IsOk);
        Assert.Equal(-201, (await ApiAsync(FakeZaloOA.UserDetail, next.Value.AccessToken, new JsonObject { ["user_id"] = "nobody" })).Error);
        // The token minted before a refresh is dead (one integrator's report; RefreshRevokesPreviousAccessToken).
        Assert.Equal(ZoaErrorKind.TokenExpired, (await ApiAsync(FakeZaloOA.UserDetail, access, new JsonObject { ["user_id"] = "nobody" })).Kind);
    }

    [Fact]
    public async Task Two_hosts_refreshing_with_the_same_token_at_once_one_wins_and_the_other_is_locked_out()
    {
        var (_, refresh) = _fake.IssueGrant();
        _fake.Faults.Slow(FakeZaloOA.TokenMethod, TimeSpan.FromMilliseconds(300), times: 2);

        var both = await Task.WhenAll(RefreshWithRefusalAsync(refresh), RefreshWithRefusalAsync(refresh));

        var winner = Assert.Single(both, r => r.Grant.IsOk);
        var loser = Assert.Single(both, r => !r.Grant.IsOk);
        Assert.True(loser.Refusal!.IsGrantRefused);
        Assert.True((await RefreshAsync(winner.Grant.Value.RefreshToken)).IsOk);
        Assert.Equal(2, _fake.RefreshAttempts.Count(a => a.Error == 0));
        Assert.Single(_fake.RefreshAttempts, a => a.Error == -14014);
    }

    [Fact]
    public async Task An_access_token_lives_25_hours_by_the_platforms_clock_and_goes_in_the_access_token_header()
    {
        _fake.AddUser("u1");
        var lookup = new JsonObject { ["user_id"] = "u1" };
        _time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(59));
        Assert.Equal(0, (await ApiAsync(FakeZaloOA.UserDetail, _token, lookup)).Error);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(-220, (await ApiAsync(FakeZaloOA.UserDetail, _token, lookup)).Error);

        Assert.Equal(-216, (await ApiAsync(FakeZaloOA.UserDetail, null, lookup)).Error);
        using var bearer = new HttpRequestMessage(HttpMethod.Post, "/v3.0/oa/user/detail") { Content = Json(lookup) };
        bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _fake.IssueGrant().AccessToken);
        Assert.Equal(-216, ZoaApi.Read(200, await (await _http.SendAsync(bearer)).Content.ReadAsStringAsync()).Value.Error);
    }

    [Fact]
    public async Task Consultation_is_free_for_48_hours_counted_until_7_days_then_refused_until_the_learner_writes_again()
    {
        _fake.AddUser("u1");
        Assert.Equal(ZoaErrorKind.OutsideWindow, (await SendTextAsync("u1")).Kind); // never interacted

        await _zalo.TextAsync("u1", "Xin chào");
        Assert.True((await SendTextAsync("u1")).IsOk);
        _time.Advance(TimeSpan.FromHours(49));
        Assert.True((await SendTextAsync("u1")).IsOk);
        _time.Advance(TimeSpan.FromDays(5));
        Assert.Equal(-230, (await SendTextAsync("u1")).Error);

        await _zalo.TextAsync("u1", "Tôi quay lại");
        Assert.True((await SendTextAsync("u1")).IsOk);
        Assert.Equal([ZaloBilling.Free, ZaloBilling.Counted, ZaloBilling.Free], _fake.CsMessagesTo("u1").Select(m => m.Billing));
    }

    [Fact]
    public async Task Under_the_old_reading_eight_free_messages_then_nothing_until_the_learner_interacts_again()
    {
        _fake.FreeMessagesPerWindow = 8;
        _fake.ExtendedWindow = ZaloExtendedWindow.Refused;
        _fake.AddUser("u1");
        await _zalo.FollowAsync("u1");

        for (var i = 0; i < 8; i++) Assert.True((await SendTextAsync("u1")).IsOk);
        Assert.Equal(ZoaErrorKind.QuotaExhausted, (await SendTextAsync("u1")).Kind);

        await _zalo.TextAsync("u1", "1");
        Assert.True((await SendTextAsync("u1")).IsOk);
        _time.Advance(TimeSpan.FromHours(49));
        Assert.Equal(ZoaErrorKind.QuotaExhausted, (await SendTextAsync("u1")).Kind);
        Assert.All(_fake.CsMessagesTo("u1"), m => Assert.Equal(ZaloBilling.Free, m.Billing));
    }

    [Fact]
    public async Task A_hidden_button_tap_comes_back_signed_as_the_followers_text_with_the_payload()
    {
        _fake.AddUser("u1");
        await _zalo.TextAsync("u1", "/quiz");
        var sent = await ApiAsync(FakeZaloOA.MessageCs, _token, ZoaRequests.CsButtons("u1", "Câu 1: Thủ đô của Việt Nam?",
            [ZoaButton.Hidden("Hà Nội", "quiz:q1:1"), ZoaButton.Hidden("Huế", "quiz:q1:2"), ZoaButton.Link("Mở bài", "https://academy.example/q/1")]));
        Assert.True(sent.IsOk, sent.ToString());
        var shown = _fake.CsMessage(sent.DataText("message_id")!)!;
        Assert.Equal("buttons", shown.Kind);

        _time.Advance(TimeSpan.FromDays(3)); // the tap re-opens the window
        var tap = await _zalo.PressButtonAsync(shown, 0);
        Assert.True(tap!.Accepted);
        Assert.Null(await _zalo.PressButtonAsync(shown, 2)); // a link opens a page; Zalo sends nothing

        var (body, headers) = _received.Last();
        var verifier = new ZoaWebhookVerifier(new ZoaWebhookOptions(FakeZaloOA.AppId, FakeZaloOA.OaId, FakeZaloOA.OaSecretKey, TimestampTolerance: TimeSpan.FromMinutes(5)));
        var opened = verifier.Verify(headers.GetValueOrDefault("X-ZEvent-Signature"), Encoding.UTF8.GetBytes(body), _time.GetUtcNow());
        Assert.True(opened.IsOk, opened.Error?.ToString());
        var text = Assert.IsType<ZoaUserText>(ZoaEvents.Parse(opened.Value.Root).Value);
        Assert.Equal(("u1", "quiz:q1:1"), (text.UserId, text.Text));
        Assert.Equal(_time.GetUtcNow(), _fake.LastInteraction("u1"));
        Assert.True((await SendTextAsync("u1")).IsOk);
    }

    [Fact]
    public async Task Buttons_and_forms_are_checked_as_zalo_documents_them()
    {
        _fake.AddUser("u1");
        await _zalo.TextAsync("u1", "hi");
        var six = Enumerable.Range(1, 6).Select(i => ZoaButton.Hidden(i.ToString(System.Globalization.CultureInfo.InvariantCulture), "p" + i));
        Assert.Equal(-201, (await ApiAsync(FakeZaloOA.MessageCs, _token, ZoaRequests.CsButtons("u1", "?", six))).Error);
        Assert.Equal(-210, (await ApiAsync(FakeZaloOA.MessageCs, _token, ZoaRequests.CsText("u1", new string('a', 2001)))).Error);
        // Decomposed Vietnamese is longer as received: the channel must send NFC (ZoaRequests does).
        var decomposed = new string('ệ', 2000).Normalize(NormalizationForm.FormD);
        var raw = new JsonObject { ["recipient"] = new JsonObject { ["user_id"] = "u1" }, ["message"] = new JsonObject { ["text"] = decomposed } };
        Assert.Equal(-210, (await ApiAsync(FakeZaloOA.MessageCs, _token, raw)).Error);
        Assert.True((await ApiAsync(FakeZaloOA.MessageCs, _token, ZoaRequests.CsText("u1", decomposed))).IsOk);

        var form = await ApiAsync(FakeZaloOA.MessageCs, _token, ZoaRequests.RequestUserInfo("u1", "Học viện", "Chia sẻ số điện thoại", "https://academy.example/logo.png"));
        Assert.True(form.IsOk);
        await _zalo.SubmitInfoAsync("u1", "Trần Thị Lan", "84912345678");
        var info = Assert.IsType<ZoaUserSubmitInfo>(ZoaEvents.Parse(Encoding.UTF8.GetBytes(_received.Last().Body)).Value);
        Assert.Equal("+84912345678", info.Phone!.E164);
        var detail = await ApiAsync(FakeZaloOA.UserDetail, _token, new JsonObject { ["user_id"] = "u1" }, get: true);
        Assert.Equal("84912345678", detail.DataText("shared_info.phone"));
    }

    [Fact]
    public async Task An_unanswered_event_is_retried_with_num_retry_and_signed_under_the_chosen_first_field()
    {
        _fake.AddUser("u1");
        _statuses.Enqueue(500);
        _statuses.Enqueue(503);
        _zalo.SignWith = ZaloSignedWith.OaId;

        var delivery = await _zalo.TextAsync("u1", "B");

        Assert.True(delivery.Accepted);
        Assert.Equal([500, 503, 200], delivery.Delivery.Attempts.Select(a => a.Status!.Value));
        var tries = _received.ToArray();
        Assert.Equal([null, "1", "2"], tries.Select(t => t.Headers.GetValueOrDefault("num_retry")));
        Assert.All(tries, t => Assert.Equal(delivery.Body, t.Body));
        var byOa = new ZoaWebhookVerifier(new ZoaWebhookOptions(FakeZaloOA.AppId, FakeZaloOA.OaId, FakeZaloOA.OaSecretKey, ZoaSignatureFirstField.OaId));
        var byApp = new ZoaWebhookVerifier(new ZoaWebhookOptions(FakeZaloOA.AppId, FakeZaloOA.OaId, FakeZaloOA.OaSecretKey));
        Assert.True(byOa.Verify(tries[0].Headers.GetValueOrDefault("X-ZEvent-Signature"), Encoding.UTF8.GetBytes(tries[0].Body), _time.GetUtcNow()).IsOk);
        Assert.Equal(ZaloFailure.BadSignature, byApp.Verify(tries[0].Headers.GetValueOrDefault("X-ZEvent-Signature"), Encoding.UTF8.GetBytes(tries[0].Body), _time.GetUtcNow()).Error!.Failure);

        // A later redelivery is the same event: same body, same dedupe key.
        await _zalo.RedeliverAsync(delivery);
        var again = _received.Last();
        Assert.Equal("1", again.Headers.GetValueOrDefault("num_retry"));
        Assert.Equal(ZoaEvents.Parse(Encoding.UTF8.GetBytes(tries[0].Body)).Value.DedupeKey, ZoaEvents.Parse(Encoding.UTF8.GetBytes(again.Body)).Value.DedupeKey);
    }

    [Fact]
    public async Task A_slow_host_gets_the_event_again_after_the_two_second_wait()
    {
        await using var slow = await LoopbackHost.StartAsync(async context =>
        {
            if (context.Request.Headers["num_retry"].Count == 0) await Task.Delay(TimeSpan.FromSeconds(8), context.RequestAborted);
        });
        // The platform's 2 s, shortened; the first answer would come far too late.
        var zalo = new ZaloOACallbacks(_fake, slow.Client) { Timeout = TimeSpan.FromSeconds(1.5), RetrySchedule = [TimeSpan.FromMilliseconds(10)] };

        var delivery = await zalo.FollowAsync("u9");

        Assert.True(delivery.Accepted);
        Assert.True(delivery.Delivery.Attempts[0].TimedOut);
        Assert.True(_fake.IsFollower("u9"));
    }

    [Fact]
    public async Task A_group_needs_an_asset_members_who_interacted_and_todays_allowance_and_dies_with_its_asset()
    {
        _fake.GroupsPerDay = 1;
        foreach (var u in new[] { "u1", "u2" })
        {
            _fake.AddUser(u, follower: false);
            await _zalo.TextAsync(u, "hi");
        }
        _fake.AddUser("stranger", follower: false);
        var asset = _fake.AddGroupAsset("gmf10", TimeSpan.FromDays(30));
        var quota = await ApiAsync(FakeZaloOA.GroupQuota, _token, [], get: true);
        Assert.Equal(asset, FirstAsset(quota));

        Assert.Equal(-201, (await ApiAsync(FakeZaloOA.CreateGroup, _token, ZoaRequests.CreateGroup("HN-01", asset, ["u1", "stranger"]))).Error);
        var created = await ApiAsync(FakeZaloOA.CreateGroup, _token, ZoaRequests.CreateGroup("HN-01", asset, ["u1", "u2"]));
        Assert.True(created.IsOk, created.ToString());
        var groupId = created.DataText("group_id")!;
        Assert.StartsWith("https://zalo.me/g/", created.DataText("group_link"), StringComparison.Ordinal);
        Assert.Equal(-241, (await ApiAsync(FakeZaloOA.CreateGroup, _token, ZoaRequests.CreateGroup("HN-02", asset, ["u1"]))).Error);
        var second = _fake.AddGroupAsset("gmf10");
        Assert.Equal(ZoaErrorKind.QuotaExhausted, (await ApiAsync(FakeZaloOA.CreateGroup, _token, ZoaRequests.CreateGroup("HN-02", second, ["u1"]))).Kind);
        _time.Advance(TimeSpan.FromDays(1));
        Fresh();
        Assert.True((await ApiAsync(FakeZaloOA.CreateGroup, _token, ZoaRequests.CreateGroup("HN-02", second, ["u1"]))).IsOk);

        // Group messages: free, no window, mentions by marker; no buttons.
        _time.Advance(TimeSpan.FromDays(10));
        Fresh();
        var post = await ApiAsync(FakeZaloOA.GroupMessage, _token, ZoaRequests.GroupText(groupId, $"{ZoaMention.Marker("u2")} chưa điểm danh"));
        Assert.True(post.IsOk, post.ToString());
        Assert.Equal(["u2"], _fake.GroupPostsTo(groupId).Single().Mentioned);
        var buttons = ZoaRequests.CsButtons("x", "?", [ZoaButton.Hidden("1", "1")]);
        buttons["recipient"] = new JsonObject { ["group_id"] = groupId };
        Assert.Equal(-233, (await ApiAsync(FakeZaloOA.GroupMessage, _token, buttons)).Error);

        _time.Advance(TimeSpan.FromDays(20));
        Fresh();
        Assert.Equal(ZoaErrorKind.GroupDisabled, (await ApiAsync(FakeZaloOA.GroupMessage, _token, ZoaRequests.GroupText(groupId, "Bài học hôm nay"))).Kind);
    }

    private static string? FirstAsset(ZoaApiAnswer quota) =>
        quota.Data is { } data ? data.EnumerateArray().First().GetProperty("asset_id").GetString() : null;

    [Fact]
    public async Task Faults_and_the_rate_limit_answer_as_zalo_does()
    {
        _fake.AddUser("u1");
        await _zalo.TextAsync("u1", "hi");
        _fake.Faults.Errcode(FakeZaloOA.MessageCs, -32);
        Assert.Equal(ZoaErrorKind.RateLimited, (await SendTextAsync("u1")).Kind);
        _fake.Faults.ServerError(FakeZaloOA.MessageCs, 502);
        using var broken = await _http.PostAsync("/v3.0/oa/message/cs", Json(ZoaRequests.CsText("u1", "x")));
        Assert.Equal(ZaloFailure.Malformed, ZoaApi.Read((int)broken.StatusCode, await broken.Content.ReadAsStringAsync()).Error!.Failure);

        _fake.RequestsPerMinute = 2;
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await SendTextAsync("u1")).IsOk);
        Assert.True((await SendTextAsync("u1")).IsOk);
        Assert.Equal(-32, (await SendTextAsync("u1")).Error);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await SendTextAsync("u1")).IsOk);
    }

    // ---- helpers -----------------------------------------------------------------------------------

    // A fresh token each time: these tests move the clock by days.
    private Task<ZoaApiAnswer> SendTextAsync(string userId) =>
        ApiAsync(FakeZaloOA.MessageCs, _fake.IssueGrant().AccessToken, ZoaRequests.CsText(userId, "Bài học hôm nay"));

    private void Fresh() => _token = _fake.IssueGrant().AccessToken;

    private async Task<ZoaApiAnswer> ApiAsync(string method, string? token, JsonObject body, bool get = false)
    {
        using var request = get
            ? new HttpRequestMessage(HttpMethod.Get, "/v3.0/oa/" + method + "?" + ZoaRequests.DataQuery(body))
            : new HttpRequestMessage(HttpMethod.Post, "/v3.0/oa/" + method) { Content = Json(body) };
        if (token is not null) request.Headers.TryAddWithoutValidation("access_token", token);
        using var response = await _http.SendAsync(request);
        var answer = ZoaApi.Read((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        Assert.True(answer.IsOk, answer.Error?.ToString());
        return answer.Value;
    }

    private async Task<ZaloResult<ZoaTokenGrant>> RefreshAsync(string refreshToken) => (await RefreshWithRefusalAsync(refreshToken)).Grant;

    private async Task<(ZaloResult<ZoaTokenGrant> Grant, ZoaOAuthError? Refusal)> RefreshWithRefusalAsync(string refreshToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _fake.OAuthBaseUrl + "/v4/oa/access_token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["app_id"] = FakeZaloOA.AppId, ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken,
            }),
        };
        request.Headers.TryAddWithoutValidation("secret_key", FakeZaloOA.AppSecret);
        using var response = await _http.SendAsync(request);
        var grant = ZoaApi.ReadToken((int)response.StatusCode, await response.Content.ReadAsStringAsync(), out var refusal);
        return (grant, refusal);
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    // Kestrel reuses a request's header collection once it is answered: keep a copy.
    private static Dictionary<string, string> Copy(IHeaderDictionary headers) =>
        headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
}
