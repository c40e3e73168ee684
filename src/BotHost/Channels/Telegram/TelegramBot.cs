namespace Academy.BotHost.Channels.Telegram;

/// <summary>
/// Who the bot is on Telegram (from getMe at start-up): the mapper needs its id to tell "the bot was
/// added" from "someone joined", and its username to strip /command@botname.
/// </summary>
public sealed class TelegramBot
{
    private volatile Identity? _identity;

    public sealed record Identity(long Id, string? Username);

    public long Id => _identity?.Id ?? 0;

    public string? Username => _identity?.Username;

    public bool Known => _identity is not null;

    public void Set(long id, string? username) => _identity = new Identity(id, username);
}

/// <summary>Maps stored Telegram updates for the inbox processor.</summary>
public sealed class TelegramInboundMapper(TelegramBot bot) : Academy.BotHost.Chat.IInboundMapper
{
    public string Channel => TelegramMapper.Channel;

    public ChatEvent Map(string payload) => TelegramMapper.Map(payload, bot.Id, bot.Username);
}
