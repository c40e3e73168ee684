using System.Diagnostics;

namespace Academy.Fakes.Platform;

/// <summary>One try at delivering a callback to the host.</summary>
/// <param name="Status">The HTTP status, or null when no answer came (timed out, or the connection failed).</param>
public sealed record CallbackAttempt(int Number, int? Status, string? Body, bool TimedOut, string? Failure, TimeSpan Took);

/// <summary>How a platform's callback fared: every attempt, and the answer that ended it.</summary>
public sealed record CallbackDelivery(IReadOnlyList<CallbackAttempt> Attempts)
{
    /// <summary>The host answered 200 on some attempt.</summary>
    public bool Accepted => Attempts.Count > 0 && Attempts[^1].Status == 200;

    /// <summary>The body of the accepting answer (a passive reply, "success" or empty), else null.</summary>
    public string? Reply => Accepted ? Attempts[^1].Body : null;
}

/// <summary>
/// Posts a callback the way WeChat and WeCom do: each try waits <c>timeout</c> (5 s on the platforms) for
/// an answer, then drops the connection and tries again, <c>attempts</c> times in all (3). WeCom documents
/// that any status other than 200 also counts as a failure and is retried; the fake does the same for the
/// Official Account, whose pages only speak of the timeout.
/// </summary>
public static class CallbackPoster
{
    public static async Task<CallbackDelivery> PostAsync(HttpClient client, Func<HttpRequestMessage> request, TimeSpan timeout,
        int attempts = 3, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        var tries = new List<CallbackAttempt>();
        for (var number = 1; number <= attempts; number++)
        {
            var watch = Stopwatch.StartNew();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(timeout);
            try
            {
                using var message = request();
                using var response = await client.SendAsync(message, deadline.Token);
                var body = await response.Content.ReadAsStringAsync(deadline.Token);
                tries.Add(new CallbackAttempt(number, (int)response.StatusCode, body, false, null, watch.Elapsed));
                if ((int)response.StatusCode == 200) break;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                tries.Add(new CallbackAttempt(number, null, null, true, "no answer within " + timeout, watch.Elapsed));
            }
            catch (HttpRequestException ex)
            {
                tries.Add(new CallbackAttempt(number, null, null, false, ex.Message, watch.Elapsed));
            }
        }
        return new CallbackDelivery(tries);
    }
}
