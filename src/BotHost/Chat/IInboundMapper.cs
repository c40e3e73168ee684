using Academy.BotHost.Channels;

namespace Academy.BotHost.Chat;

/// <summary>Turns a channel's stored raw update into a neutral event (pure; throws only on a payload that is not an update).</summary>
public interface IInboundMapper
{
    string Channel { get; }

    ChatEvent Map(string payload);
}
