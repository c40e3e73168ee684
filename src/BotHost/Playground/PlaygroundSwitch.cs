using System.Net;
using Academy.BotHost.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Academy.BotHost.Features.Announcements;

namespace Academy.BotHost.Playground;

/// <summary>
/// Whether the playground is served, and why. It lets whoever reaches it act as anyone on the roster,
/// the admin included, so it is on by itself only where nobody else can reach it: no real chat channel
/// configured and every listening address on loopback. <c>Playground:Enabled</c> decides outright.
/// </summary>
public sealed record PlaygroundSwitch(bool On, bool Explicit, string Reason)
{
    public const string WarningKey = "playground";

    public static PlaygroundSwitch Decide(IConfiguration configuration, bool? enabled)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (enabled == false) return new(false, true, "off: Playground:Enabled is false");
        if (enabled == true) return new(true, true, "on: Playground:Enabled is true");
        var channels = Exposure.RealChannelsConfigured(configuration);
        if (channels.Count > 0) return new(false, false, $"off: a chat channel is configured ({string.Join(", ", channels)})");
        var open = Exposure.ListenAddresses(configuration).Where(u => !Exposure.IsLoopback(u)).ToList();
        if (open.Count > 0) return new(false, false, $"off: the host listens beyond loopback ({string.Join(", ", open)})");
        return new(true, false, "on: no chat channel is configured and the host listens on loopback only");
    }

    /// <summary>What the log and <c>/health</c> say when the playground was switched on on purpose.</summary>
    public const string ExplicitWarning =
        "Playground:Enabled is true: the browser playground at / lets anyone who can open it act as any person on the roster, " +
        "the admin included — post into the real group chats, send announcements, get dashboard sign-in links. " +
        "Use it only where nobody else can reach the host; remove the setting in production.";

    /// <summary>
    /// Every playground request: the Host must name loopback (a page on another name that resolves
    /// here — DNS rebinding — gets 400), also before any proxy rewrote it; and when the playground
    /// switched itself on, the request must have arrived on a loopback address, however the listening
    /// addresses were configured.
    /// </summary>
    internal static async ValueTask<object?> LoopbackOnlyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var request = http.Request;
        // X-Original-Host is what the client sent when a forwarded X-Forwarded-Host replaced it: a page on
        // another name gains nothing by adding "X-Forwarded-Host: localhost".
        var named = new[] { request.Headers["X-Original-Host"].ToString(), request.Headers["X-Forwarded-Host"].ToString() }
            .Where(h => h.Length > 0).Select(HostOnly);
        if (!Exposure.IsLoopbackHost(request.Host.Host) || named.Any(h => !Exposure.IsLoopbackHost(h)))
            return TypedResults.BadRequest(new { error = "the playground answers only requests addressed to localhost, 127.0.0.1 or [::1]" });
        var state = http.RequestServices.GetRequiredService<PlaygroundSwitch>();
        if (!state.Explicit && http.Connection.LocalIpAddress is { } local &&
            !IPAddress.IsLoopback(local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local))
            return TypedResults.BadRequest(new { error = "the playground answers only on loopback addresses" });
        return await next(context);
    }

    private static string HostOnly(string header)
    {
        var first = header.Split(',')[0].Trim();
        return Microsoft.AspNetCore.Http.HostString.FromUriComponent(first).Host;
    }
}

/// <summary>On <c>/health</c>: whether the playground is served, and why (always healthy; a risky choice shows under "warnings").</summary>
internal sealed class PlaygroundHealthCheck(PlaygroundSwitch state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy(state.Reason));
}
