using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Academy.Bench;

/// <summary>What one load run measured: requests acknowledged per second and each request's latency.</summary>
public sealed record LoadResult(int Requests, double Seconds, double[] LatenciesMs)
{
    public double PerSecond => Requests / Seconds;
    public double P50 => Percentile(0.50);
    public double P99 => Percentile(0.99);

    private double Percentile(double p) => LatenciesMs.Length == 0 ? 0 : LatenciesMs[Math.Min(LatenciesMs.Length - 1, (int)Math.Ceiling(p * LatenciesMs.Length) - 1)];
}

/// <summary>
/// Concurrent clients posting updates as Telegram does (one update per request, the secret header);
/// every response must be 200. Latency is from sending the request to reading the response.
/// </summary>
public static class WebhookLoad
{
    public static async Task<LoadResult> RunAsync(Uri url, IReadOnlyList<byte[]> bodies, int clients, string? secret)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        { Timeout = TimeSpan.FromSeconds(60) };
        var latencies = new double[bodies.Count];
        int next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Count)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bodies[i]) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                if (secret is not null) request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.OK)
                    throw new InvalidOperationException($"update {i}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        })));
        var seconds = watch.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new LoadResult(bodies.Count, seconds, latencies);
    }
}
