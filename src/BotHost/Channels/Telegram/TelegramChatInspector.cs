using System.Globalization;
using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Channels.Telegram;

/// <summary>Asks Telegram what the bot may do in a group: its membership there, and its privacy mode (getMe).</summary>
public sealed class TelegramChatInspector(TelegramBotClient client, TelegramBot bot, ILogger<TelegramChatInspector> logger) : IChatInspector
{
    public string Channel => TelegramMapper.Channel;

    public async Task<ChatAbilities?> InspectAsync(ChatAddress chat, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(chat);
        // Short: this runs while a turn waits.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            var me = await client.GetMeAsync(deadline.Token);
            var member = await client.GetChatMemberAsync(long.Parse(chat.ChatId, CultureInfo.InvariantCulture), bot.Id, deadline.Token);
            var isAdmin = member.Status is "administrator" or "creator";
            var canSend = member.Status is "administrator" or "creator" or "member" ||
                          (member.Status == "restricted" && member.CanSendMessages != false);
            return new ChatAbilities(canSend, isAdmin, me.CanReadAllGroupMessages == true || isAdmin);
        }
        catch (Exception ex) when (ex is TelegramApiException or HttpRequestException or OperationCanceledException or FormatException)
        {
            logger.LogWarning("Could not inspect {Chat}: {Error}", chat, ex.Message);
            return null;
        }
    }
}
