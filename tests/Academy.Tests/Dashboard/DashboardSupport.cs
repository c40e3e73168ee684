using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Academy.Tests.Support;
using static Academy.Tests.Support.PlaygroundUser;

namespace Academy.Tests.Dashboard;

/// <summary>A clock that runs with real time and can be pushed ahead (to expire links and sessions).</summary>
public sealed class JumpingTime(DateTimeOffset start) : TimeProvider
{
    private readonly global::System.Diagnostics.Stopwatch _running = global::System.Diagnostics.Stopwatch.StartNew();
    private TimeSpan _jumped;

    public override DateTimeOffset GetUtcNow() => start + _running.Elapsed + _jumped;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public void Jump(TimeSpan by) => _jumped += by;
}

/// <summary>Registers roster people in the playground and gets dashboard links the way a person does: /dashboard to the bot.</summary>
public static partial class DashboardSupport
{
    public const string Admin = "+84903100200", LiaisonHanoi = "+84912345678", LearnerHanoi = "+84913000111", LearnerShanghai = "+8613912345678";

    public static async Task<PlaygroundUser> RegisterAsync(AcademyApp app, string phone)
    {
        // The page sees only masked numbers; the persona is named after the roster entry's id.
        var id = (await PlaygroundSteps.PersonaAsync(app, phone)).PersonaId;
        var user = new PlaygroundUser(app, id);
        await user.SayAsync(user.PrivateChat, "/start");
        await WaitForBotAsync(app, user.PrivateChat, m => ButtonData(m).Contains("lang:en"));
        await user.PressAsync(user.PrivateChat, "lang:en");
        await WaitForBotAsync(app, user.PrivateChat, m => m.GetProperty("contactRequest").ValueKind == JsonValueKind.String);
        await user.ShareContactAsync();
        await WaitForBotAsync(app, user.PrivateChat, m => Text(m).StartsWith("Welcome,", StringComparison.Ordinal));
        return user;
    }

    /// <summary>Sends /dashboard in the user's private chat and returns the link from the bot's reply.</summary>
    public static async Task<Uri> LinkAsync(AcademyApp app, PlaygroundUser user)
    {
        var last = await LastIdAsync(app, user.PrivateChat);
        await user.SayAsync(user.PrivateChat, "/dashboard");
        var reply = await WaitForBotAsync(app, user.PrivateChat, m => SignInUrl().IsMatch(Text(m)), last);
        return new Uri(SignInUrl().Match(Text(reply.GetProperty("message"))).Value);
    }

    public static async Task<long> LastIdAsync(AcademyApp app, string chat)
    {
        var items = await app.Client.GetFromJsonAsync<JsonElement>(new Uri($"/playground/api/messages?chat={chat}", UriKind.Relative));
        return items.EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).DefaultIfEmpty(0).Max();
    }

    /// <summary>A client that neither follows redirects nor keeps cookies: every header is the test's to see.</summary>
    public static HttpClient RawClient(AcademyApp app) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress };

    /// <summary>Opens the link and presses "Continue"; returns the session cookie ("name=value").</summary>
    public static async Task<string> SignInAsync(HttpClient client, Uri link)
    {
        var page = await client.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var response = await PressContinueAsync(client, link);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("academy_dashboard=", StringComparison.Ordinal));
        return cookie.Split(';')[0];
    }

    public static Task<HttpResponseMessage> PressContinueAsync(HttpClient client, Uri link)
    {
        var token = System.Web.HttpUtility.ParseQueryString(link.Query)["token"]!;
        return client.PostAsync(new Uri("/dashboard/signin", UriKind.Relative), new FormUrlEncodedContent([new("token", token)]));
    }

    public static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    [GeneratedRegex(@"https?://\S+/dashboard/signin\?token=[A-Za-z0-9_\-]+")]
    private static partial Regex SignInUrl();
}
