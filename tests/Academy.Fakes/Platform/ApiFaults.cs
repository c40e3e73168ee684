using Microsoft.AspNetCore.Http;

namespace Academy.Fakes.Platform;

public enum FaultKind
{
    /// <summary>HTTP 200 with <c>{"errcode": N, "errmsg": …}</c>, as these platforms report every API error.</summary>
    Errcode,

    /// <summary>An HTTP error status (5xx) with no platform body.</summary>
    Status,

    /// <summary>The answer comes after a delay, then the call is served normally.</summary>
    Slow,

    /// <summary>The connection is cut without an answer.</summary>
    Drop,

    /// <summary>The request is taken and never answered (until the caller gives up).</summary>
    Hang,
}

/// <summary>One programmed fault; <see cref="Errmsg"/> defaults to the platform's wording for known codes.</summary>
public sealed record ApiFault(FaultKind Kind, int Errcode = 0, string? Errmsg = null, int Status = 0, TimeSpan Delay = default);

/// <summary>
/// Faults a test programs per API method — the path after <c>cgi-bin/</c> (<c>gettoken</c>, <c>message/send</c>)
/// or a robot command (<c>aibot_send_msg</c>); <c>*</c> matches any. Each fault is used once, in the order
/// programmed; a method's own faults come before those of <c>*</c>.
/// </summary>
public sealed class ApiFaults
{
    public const string AnyMethod = "*";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<ApiFault>> _queued = new(StringComparer.OrdinalIgnoreCase);

    public void Errcode(string method, int errcode, string? errmsg = null, int times = 1) =>
        Add(method, new ApiFault(FaultKind.Errcode, errcode, errmsg), times);

    public void ServerError(string method, int status = 500, int times = 1) =>
        Add(method, new ApiFault(FaultKind.Status, Status: status), times);

    public void Slow(string method, TimeSpan delay, int times = 1) =>
        Add(method, new ApiFault(FaultKind.Slow, Delay: delay), times);

    public void Drop(string method, int times = 1) => Add(method, new ApiFault(FaultKind.Drop), times);

    public void Hang(string method, int times = 1) => Add(method, new ApiFault(FaultKind.Hang), times);

    public void Clear()
    {
        lock (_gate) _queued.Clear();
    }

    /// <summary>How many faults are still waiting, for all methods.</summary>
    public int Pending
    {
        get { lock (_gate) return _queued.Values.Sum(q => q.Count); }
    }

    /// <summary>The next fault for <paramref name="method"/>, used up; null when none is programmed.</summary>
    public ApiFault? Take(string method)
    {
        lock (_gate)
        {
            if (_queued.TryGetValue(method, out var own) && own.TryDequeue(out var fault)) return fault;
            return _queued.TryGetValue(AnyMethod, out var any) && any.TryDequeue(out var general) ? general : null;
        }
    }

    private void Add(string method, ApiFault fault, int times)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        lock (_gate)
        {
            if (!_queued.TryGetValue(method, out var queue)) _queued[method] = queue = new Queue<ApiFault>();
            for (var i = 0; i < times; i++) queue.Enqueue(fault);
        }
    }

    /// <summary>The platforms' own wording for the codes tests inject most.</summary>
    public static string DefaultErrmsg(int errcode) => errcode switch
    {
        -1 => "system error",
        40001 => "invalid credential, access_token is invalid or not latest",
        40013 => "invalid appid",
        40014 => "invalid access_token",
        41001 => "access_token missing",
        42001 => "access_token expired",
        43004 => "require subscribe",
        45009 => "api freq out of limit",
        45015 => "response out of time limit or subscription is canceled",
        45047 => "out of response count limit",
        46004 => "user no exist",
        81013 => "user & party & tag all invalid",
        _ => "error " + errcode,
    };

    /// <summary>
    /// Serves an HTTP fault. Returns true when the request is answered (or cut) and nothing else may run,
    /// false when the call should go on (after a <see cref="FaultKind.Slow"/> delay).
    /// </summary>
    /// <param name="errorAnswer">The platform's own error answer (status and JSON body) for an <see cref="FaultKind.Errcode"/> fault; WeChat's <c>{errcode, errmsg}</c> with 200 when null.</param>
    public static async Task<bool> ServeAsync(HttpContext context, ApiFault fault, CancellationToken stopping,
        Func<ApiFault, (int Status, string Body)>? errorAnswer = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(fault);
        switch (fault.Kind)
        {
            case FaultKind.Errcode when errorAnswer is not null:
                var (status, body) = errorAnswer(fault);
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(body);
                return true;
            case FaultKind.Errcode:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(
                    new Dictionary<string, object> { ["errcode"] = fault.Errcode, ["errmsg"] = fault.Errmsg ?? DefaultErrmsg(fault.Errcode) }));
                return true;
            case FaultKind.Status:
                context.Response.StatusCode = fault.Status;
                return true;
            case FaultKind.Drop:
                context.Abort();
                return true;
            case FaultKind.Hang:
                using (var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping))
                {
                    try { await Task.Delay(Timeout.Infinite, stop.Token); }
                    catch (OperationCanceledException) { /* the caller gave up, or the fake stops */ }
                }
                context.Abort();
                return true;
            default:
                try { await Task.Delay(fault.Delay, context.RequestAborted); }
                catch (OperationCanceledException) { context.Abort(); return true; }
                return false;
        }
    }
}
