using Academy.BotHost.Channels;
using Academy.BotHost.Channels.Telegram;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Announcements;

namespace Academy.BotHost.Hosting;

/// <summary>The Telegram channel: served when a bot token is configured.</summary>
public static class TelegramRegistration
{
    public static WebApplicationBuilder AddTelegram(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(TelegramOptions.Section).Get<TelegramOptions>() ?? new TelegramOptions();
        if (string.IsNullOrWhiteSpace(options.BotToken)) return builder;
        var errors = options.Validate();
        if (errors.Count > 0) throw new InvalidOperationException(string.Join(" ", errors));

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<TelegramBot>();
        // One HttpClient for the bot's lifetime: connections are reused, and recycled every few minutes
        // so DNS changes are seen. Deadlines are per call in the client (a long poll outlasts a send).
        // A plain HttpClient logs nothing: the factory's loggers would write the URL, which holds the token.
        builder.Services.AddSingleton(_ => new TelegramBotClient(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan },
            options));
        builder.Services.AddSingleton<IChannelClient, TelegramChannelClient>();
        builder.Services.AddSingleton<IInboundMapper, TelegramInboundMapper>();
        builder.Services.AddSingleton<IChatInspector, TelegramChatInspector>();
        builder.Services.AddSingleton<TelegramStartup>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TelegramStartup>());
        builder.Services.AddHostedService<TelegramPolling>();
        return builder;
    }

    public static WebApplication MapTelegram(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<TelegramOptions>() is { Mode: TelegramMode.Webhook } options) app.MapTelegramWebhook(options);
        return app;
    }
}
