using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

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
/// Concurrent clients posting updates as Telegram does (one update per request on a kept-alive
/// connection, the secret header); every response must be 200. Latency is from writing the request
/// to reading the whole response.
/// </summary>
/// <remarks>
/// The clients stand in for Telegram's servers, which run on other machines: whatever CPU they take
/// here is taken from the host being measured (and from the baseline alike). So they speak HTTP/1.1
/// on raw sockets — the request's bytes written in one call, the status line and Content-Length read
/// back — instead of through <see cref="HttpClient"/>, whose per-request objects, header handling
/// and connection pool cost several times more CPU than the bare endpoint spends on a request.
/// </remarks>
public static class WebhookLoad
{
    public static async Task<LoadResult> RunAsync(Uri url, IReadOnlyList<byte[]> bodies, int clients, string? secret)
    {
        var head = "POST " + url.PathAndQuery + " HTTP/1.1\r\nHost: " + url.Authority + "\r\nContent-Type: application/json\r\n"
                   + (secret is null ? "" : "X-Telegram-Bot-Api-Secret-Token: " + secret + "\r\n") + "Content-Length: ";
        var headBytes = Encoding.ASCII.GetBytes(head);
        var latencies = new double[bodies.Count];
        int next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(clients, Math.Max(1, bodies.Count))).Select(_ => Task.Run(async () =>
        {
            using var socket = new Socket(System.Net.Sockets.AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(url.Host, url.Port);
            var response = new ResponseReader(socket);
            var request = new byte[16 * 1024];
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Count)
            {
                var body = bodies[i];
                var length = Encoding.ASCII.GetBytes(body.Length.ToString(CultureInfo.InvariantCulture) + "\r\n\r\n");
                var size = headBytes.Length + length.Length + body.Length;
                if (request.Length < size) request = new byte[size];
                headBytes.CopyTo(request, 0);
                length.CopyTo(request, headBytes.Length);
                body.CopyTo(request, headBytes.Length + length.Length);
                var started = Stopwatch.GetTimestamp();
                for (var sent = 0; sent < size;) sent += await socket.SendAsync(request.AsMemory(sent, size - sent), SocketFlags.None);
                var (status, text) = await response.ReadAsync();
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (status != 200) throw new InvalidOperationException($"update {i}: HTTP {status} {text}");
            }
        })));
        var seconds = watch.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new LoadResult(bodies.Count, seconds, latencies);
    }

    /// <summary>Reads one HTTP/1.1 response at a time off a kept-alive connection: status, then a Content-Length or chunked body.</summary>
    private sealed class ResponseReader(Socket socket)
    {
        private byte[] _buffer = new byte[8 * 1024];
        private int _start, _end;

        public async Task<(int Status, string Body)> ReadAsync()
        {
            int headerEnd;
            while ((headerEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0) await FillAsync();
            var header = Encoding.ASCII.GetString(_buffer, _start, headerEnd);
            _start += headerEnd + 4;
            var lines = header.Split("\r\n");
            var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
            var contentLength = 0;
            var chunked = false;
            foreach (var line in lines.Skip(1))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                    contentLength = int.Parse(line.AsSpan(15).Trim(), CultureInfo.InvariantCulture);
                else if (line.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase) && line.Contains("chunked", StringComparison.OrdinalIgnoreCase))
                    chunked = true;
            }
            if (!chunked) return (status, await TakeAsync(contentLength));
            var body = new StringBuilder();
            while (true)
            {
                var sizeLine = await LineAsync();
                var chunk = int.Parse(sizeLine.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (chunk == 0)
                {
                    while ((await LineAsync()).Length > 0) { } // trailers, then the blank line
                    return (status, body.ToString());
                }
                body.Append(await TakeAsync(chunk));
                await LineAsync();
            }
        }

        private async Task<string> TakeAsync(int count)
        {
            while (_end - _start < count) await FillAsync();
            var text = Encoding.UTF8.GetString(_buffer, _start, count);
            _start += count;
            return text;
        }

        private async Task<string> LineAsync()
        {
            int end;
            while ((end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0) await FillAsync();
            var line = Encoding.ASCII.GetString(_buffer, _start, end);
            _start += end + 2;
            return line;
        }

        private async Task FillAsync()
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None);
            if (read == 0) throw new InvalidOperationException("The server closed the connection.");
            _end += read;
        }
    }
}
