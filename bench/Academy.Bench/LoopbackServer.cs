using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;

namespace Academy.Bench;

/// <summary>A bare Kestrel app on a loopback port, for the sink and the baseline endpoints.</summary>
public static class LoopbackServer
{
    public static async Task<(WebApplication App, Uri Address)> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }
}

/// <summary>
/// Stands in for api.telegram.org so the host's dispatcher really sends its replies (to this
/// process, over loopback): every method succeeds at once; counts what was sent.
/// </summary>
public static class TelegramSink
{
    private static long _calls;

    public static long Calls => Interlocked.Read(ref _calls);

    public static Task<(WebApplication App, Uri Address)> StartAsync() => LoopbackServer.StartAsync(app =>
        app.MapPost("/{bot}/{method}", (string method) =>
        {
            Interlocked.Increment(ref _calls);
            var result = method switch
            {
                "getMe" => """{"id":1,"is_bot":true,"first_name":"Academy","username":"academy_bench_bot"}""",
                "sendMessage" or "sendPhoto" or "sendDocument" or "sendPoll" or "editMessageText" =>
                    """{"message_id":1,"date":1796090400,"chat":{"id":1,"type":"private"}}""",
                _ => "true",
            };
            return Microsoft.AspNetCore.Http.Results.Text("""{"ok":true,"result":""" + result + "}", "application/json");
        }));
}
