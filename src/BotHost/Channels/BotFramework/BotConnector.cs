using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Academy.BotHost.Channels.BotFramework;

/// <summary>One answer of the connector service: its status, body and Retry-After.</summary>
public sealed record ConnectorResponse(HttpStatusCode Status, string Body, TimeSpan? RetryAfter)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}

/// <summary>The client-credentials token endpoint refused or failed; nothing was sent.</summary>
public sealed class BotFrameworkTokenException(string message, HttpStatusCode? status = null) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;
}

/// <summary>
/// Our own Bot Connector client: every call goes through <see cref="SendRequestAsync"/> with a
/// client-credentials token for the app id (kept until shortly before it expires; fetched once
/// however many sends wait for it). In emulator mode (no app id) calls go without a token, as the
/// Emulator expects. Logs nothing: URLs name conversations and the token is a credential.
/// </summary>
public sealed class BotConnector(HttpClient http, BotFrameworkOptions options, TimeProvider time)
{
    /// <summary>A token is renewed this long before it expires, so none expires in flight.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _tokenGate = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _token;

    /// <summary>Calls <c>{serviceUrl}/v3/…</c>; a platform refusal is a response, a network failure or timeout an exception.</summary>
    public async Task<ConnectorResponse> SendRequestAsync(HttpMethod method, string serviceUrl, string path, JsonNode? body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(serviceUrl);
        ArgumentNullException.ThrowIfNull(path);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.RequestTimeout);
        using var request = new HttpRequestMessage(method, new Uri(serviceUrl.TrimEnd('/') + path));
        var content = body is null ? null : new TrackedContent(new StringContent(body.ToJsonString(BotFrameworkJson.Options), Encoding.UTF8, "application/json"));
        request.Content = content;
        try
        {
            if (options.ValidatesTokens)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(timeout.Token));
            using var response = await http.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            if (response.StatusCode == HttpStatusCode.Unauthorized) ForgetToken();
            return new ConnectorResponse(response.StatusCode, text, RetryAfterOf(response));
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested && content is { Started: false })
        {
            // Out of time before the activity was written (getting a token, or connecting): nothing left.
            throw new HttpRequestException(HttpRequestError.ConnectionError,
                $"Bot Framework connector: no connection within {options.RequestTimeout}; nothing was sent.", ex);
        }
    }

    /// <summary>Drops the cached token (the connector refused it), so the next call fetches a fresh one.</summary>
    public void ForgetToken() => _token = null;

    private async Task<string> TokenAsync(CancellationToken ct)
    {
        if (_token is { } cached && time.GetUtcNow() < cached.RenewAt) return cached.Token;
        await _tokenGate.WaitAsync(ct);
        try
        {
            if (_token is { } again && time.GetUtcNow() < again.RenewAt) return again.Token;
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.TokenEndpoint))
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["client_id"] = options.AppId!,
                    ["client_secret"] = options.AppPassword ?? "",
                    ["scope"] = options.Scope,
                }),
            };
            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw new BotFrameworkTokenException($"The token endpoint answered {(int)response.StatusCode}.", response.StatusCode);
            string? token = null;
            var lifetime = TimeSpan.FromHours(1);
            try
            {
                using var json = JsonDocument.Parse(text);
                if (json.RootElement.TryGetProperty("access_token", out var t) && t.ValueKind == JsonValueKind.String) token = t.GetString();
                if (json.RootElement.TryGetProperty("expires_in", out var e))
                {
                    if (e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var seconds)) lifetime = TimeSpan.FromSeconds(seconds);
                    else if (e.ValueKind == JsonValueKind.String && int.TryParse(e.GetString(), out var s)) lifetime = TimeSpan.FromSeconds(s);
                }
            }
            catch (JsonException)
            {
                token = null;
            }
            if (string.IsNullOrEmpty(token)) throw new BotFrameworkTokenException("The token endpoint answered without an access_token.");
            // A short-lived token is renewed halfway through its life instead.
            var renewIn = lifetime > RenewBefore * 2 ? lifetime - RenewBefore : lifetime / 2;
            _token = (token, time.GetUtcNow() + renewIn);
            return token;
        }
        finally
        {
            _tokenGate.Release();
        }
    }

    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retry) return null;
        if (retry.Delta is { } delta) return delta;
        return retry.Date is { } date ? date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero : null;
    }
}
