using System.Globalization;
using System.Text;
using Academy.BotHost.Channels;
using Academy.Learning.Storage;
using Academy.Learning.Content;

namespace Academy.BotHost.Operations;

/// <summary>
/// <c>/metrics</c> in the Prometheus text exposition format (0.0.4): the process's counters, and
/// gauges read from the store at scrape time with index-backed queries (cheap at any outbox size).
/// </summary>
public static class MetricsEndpoint
{
    public static WebApplication MapAcademyMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/metrics", WriteAsync);
        return app;
    }

    private static async Task<IResult> WriteAsync(AcademyMetrics metrics, AcademyDatabase database, Chat.InboxStore inbox,
        IEnumerable<IChannelClient> clients, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var channels = clients.Select(c => c.Channel).ToList();
        var sb = new StringBuilder();

        Header(sb, "academy_updates_received_total", "counter", "Inbound updates recorded in the inbox (re-deliveries excluded).");
        foreach (var channel in channels.Union(metrics.Updates.Keys).Order(StringComparer.Ordinal))
            Line(sb, "academy_updates_received_total", metrics.Updates.GetValueOrDefault(channel), ("channel", channel));

        Header(sb, "academy_answers_recorded_total", "counter", "Quiz answers counted (first answers only).");
        Line(sb, "academy_answers_recorded_total", metrics.Answers);

        Header(sb, "academy_sends_total", "counter", "Send attempts by channel and outcome.");
        foreach (var ((channel, result), count) in metrics.Sends.OrderBy(k => k.Key.Channel, StringComparer.Ordinal).ThenBy(k => k.Key.Result, StringComparer.Ordinal))
            Line(sb, "academy_sends_total", count, ("channel", channel), ("result", result));

        Header(sb, "academy_rate_limited_total", "counter", "Sends the platform refused with 429 Too Many Requests.");
        foreach (var channel in channels.Union(metrics.RateLimitedByChannel.Keys).Order(StringComparer.Ordinal))
            Line(sb, "academy_rate_limited_total", metrics.RateLimitedByChannel.GetValueOrDefault(channel), ("channel", channel));

        var backlog = await inbox.BacklogAsync(ct);
        await using (var s = await database.BeginReadAsync(ct))
        {
            // Each count walks the (status, …) index of its table: the unfinished rows only.
            var outbox = await s.QuerySingleAsync<(long Pending, long? Oldest)>(
                "SELECT COUNT(*), MIN(created_at) FROM outbox WHERE status = 'pending'");
            var sending = await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status = 'sending'");
            // The partial index ix_outbox_interrupted holds just these rows.
            var interrupted = await s.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(interrupted), 0) FROM outbox WHERE interrupted > 0");

            Header(sb, "academy_outbox_depth", "gauge", "Outbox messages waiting to be sent.");
            Line(sb, "academy_outbox_depth", outbox.Pending);
            Header(sb, "academy_outbox_oldest_pending_age_seconds", "gauge", "Age of the oldest waiting outbox message (0 when none).");
            Line(sb, "academy_outbox_oldest_pending_age_seconds", AgeSeconds(now, outbox.Oldest));
            Header(sb, "academy_outbox_sending", "gauge", "Outbox messages claimed by a sender whose outcome is not recorded yet.");
            Line(sb, "academy_outbox_sending", sending);
            Header(sb, "academy_outbox_interrupted", "gauge",
                "Sends cut off by their sender stopping (a crash, a kill) and made again: messages that may have arrived twice.");
            Line(sb, "academy_outbox_interrupted", interrupted);
            Header(sb, "academy_inbox_pending", "gauge", "Inbound updates recorded but not processed yet.");
            Line(sb, "academy_inbox_pending", backlog.Count);
            Header(sb, "academy_inbox_oldest_pending_age_seconds", "gauge", "Age of the oldest unprocessed inbound update (0 when none).");
            Line(sb, "academy_inbox_oldest_pending_age_seconds", AgeSeconds(now, backlog.OldestAt));
        }

        Header(sb, "academy_start_time_seconds", "gauge", "When this process started (Unix seconds).");
        Line(sb, "academy_start_time_seconds", metrics.StartedAt.ToUnixTimeMilliseconds() / 1000.0);
        return Results.Text(sb.ToString(), "text/plain; version=0.0.4; charset=utf-8");
    }

    private static double AgeSeconds(DateTimeOffset now, long? oldestMs) =>
        oldestMs is { } ms ? Math.Max(0, (now.ToUnixTimeMilliseconds() - ms) / 1000.0) : 0;

    private static void Header(StringBuilder sb, string name, string type, string help) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
          .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Line(StringBuilder sb, string name, double value, params (string Name, string Value)[] labels)
    {
        sb.Append(name);
        if (labels.Length > 0)
            sb.Append('{').AppendJoin(',', labels.Select(l => $"{l.Name}=\"{EscapeLabel(l.Value)}\"")).Append('}');
        sb.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    private static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
