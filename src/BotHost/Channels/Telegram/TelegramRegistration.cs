using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Academy.BotHost.Channels.Telegram;

public static class TelegramRegistration
{
    /// <summary>
    /// Binds and validates the "Telegram" section, and registers <see cref="TelegramBotClient"/> on a
    /// typed HttpClient and <see cref="TelegramChannelClient"/> as an <see cref="IChannelClient"/>.
    /// </summary>
    public static IServiceCollection AddTelegramChannel(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelegramOptions>()
            .Bind(configuration.GetSection(TelegramOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelegramOptions>, OptionsValidator>());
        services.AddHttpClient(nameof(TelegramBotClient))
            // Deadlines are per call in TelegramBotClient (long polls outlast sends).
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan)
            // The default HttpClient loggers write the request URL, which contains the bot token.
            .RemoveAllLoggers()
            // The channel client is a singleton holding this HttpClient: recycle connections in the
            // handler (DNS changes) instead of the factory's handler rotation.
            .UseSocketsHttpHandler((handler, _) => handler.PooledConnectionLifetime = TimeSpan.FromMinutes(5))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddTypedClient((http, sp) => new TelegramBotClient(http, sp.GetRequiredService<IOptions<TelegramOptions>>().Value));
        services.AddSingleton<TelegramChannelClient>();
        services.AddSingleton<IChannelClient>(sp => sp.GetRequiredService<TelegramChannelClient>());
        return services;
    }

    private sealed class OptionsValidator : IValidateOptions<TelegramOptions>
    {
        public ValidateOptionsResult Validate(string? name, TelegramOptions options) =>
            options.Validate() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
