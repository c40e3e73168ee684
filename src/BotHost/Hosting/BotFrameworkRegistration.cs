using Academy.BotHost.Channels;
using Academy.BotHost.Channels.BotFramework;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Announcements;

namespace Academy.BotHost.Hosting;

/// <summary>
/// The Bot Framework channel (Azure Bot Service: Teams, Web Chat, Slack …): served when an app id is
/// configured, or in emulator mode without one (tokens unchecked, and the log says so).
/// </summary>
public static class BotFrameworkRegistration
{
    public static WebApplicationBuilder AddBotFramework(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(BotFrameworkOptions.Section).Get<BotFrameworkOptions>() ?? new BotFrameworkOptions();
        if (!options.IsConfigured) return builder;
        var errors = options.Validate();
        if (errors.Count > 0) throw new InvalidOperationException(string.Join(" ", errors));

        builder.Services.AddSingleton(options);
        // One HttpClient for the channel's lifetime: connections reused and recycled so DNS changes are
        // seen. Deadlines are per call. A plain HttpClient logs nothing (URLs name conversations).
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        builder.Services.AddSingleton(sp => new BotConnector(http, options, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new BotFrameworkAuthenticator(options, sp.GetRequiredService<TimeProvider>(), http));
        builder.Services.AddSingleton<ConversationReferences>();
        builder.Services.AddSingleton<IChannelClient, BotFrameworkChannelClient>();
        builder.Services.AddSingleton<IInboundMapper, BotFrameworkInboundMapper>();
        builder.Services.AddSingleton<IChatInspector, BotFrameworkChatInspector>();
        builder.Services.AddSingleton<IChannelAccounts, BotFrameworkAccounts>();
        return builder;
    }

    public static WebApplication MapBotFramework(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<BotFrameworkOptions>() is not { } options) return app;
        if (!options.ValidatesTokens)
            app.Logger.LogWarning(
                "Bot Framework emulator mode: {Path} accepts Activities WITHOUT checking their tokens, and replies go out unauthenticated. " +
                "Set BotFramework:AppId and BotFramework:AppPassword for any real channel.", BotFrameworkOptions.MessagesPath);
        app.MapBotFrameworkEndpoint();
        return app;
    }
}
