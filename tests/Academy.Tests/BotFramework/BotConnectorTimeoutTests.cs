using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Academy.BotHost.Channels;
using Academy.BotHost.Channels.BotFramework;
using Academy.Fakes;

namespace Academy.Tests.BotFramework;

/// <summary>
/// A connector call that runs out of time: still connecting, nothing left and the activity is sent
/// again later; after the activity was written, it may have been posted and is not repeated.
/// </summary>
public sealed class BotConnectorTimeoutTests
{
    private static readonly JsonObject Activity = new() { ["type"] = "message", ["text"] = "hello" };

    private static BotConnector Connector() =>
        new(new HttpClient(), new BotFrameworkOptions { Emulator = true, RequestTimeout = TimeSpan.FromMilliseconds(500) }, TimeProvider.System);

    [Fact]
    public async Task A_connect_that_times_out_is_retried_later()
    {
        using var unanswered = await UnansweredPort.OpenAsync();
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => Connector().SendRequestAsync(
            HttpMethod.Post, $"http://127.0.0.1:{unanswered.Port}", "/v3/conversations/a%3A1/activities", Activity, default));
        Assert.Equal(HttpRequestError.ConnectionError, ex.HttpRequestError);
        Assert.Equal(SendStatus.RetryLater, NetworkFailures.Classify(ex, default)?.Status);
    }

    [Fact]
    public async Task A_request_that_left_and_got_no_answer_is_unknown()
    {
        // A server that takes the request and never answers.
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var accepted = server.AcceptSocketAsync();
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Connector().SendRequestAsync(
            HttpMethod.Post, $"http://127.0.0.1:{((IPEndPoint)server.LocalEndpoint).Port}", "/v3/conversations/a%3A1/activities", Activity, default));
        Assert.Equal(SendStatus.Unknown, NetworkFailures.Classify(ex, default)?.Status);
        (await accepted).Dispose();
    }
}
