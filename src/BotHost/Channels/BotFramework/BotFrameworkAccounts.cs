using System.Text.Json;
using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Channels.BotFramework;

/// <summary>
/// Teams' roster API (<c>GET /v3/conversations/{id}/members/{userId}</c>) as <see cref="IChannelAccounts"/>:
/// the person's e-mail and UPN. Other Bot Framework channels answer without them (or not at all),
/// which registration treats as "no e-mail".
/// </summary>
public sealed class BotFrameworkAccounts(BotConnector connector, ConversationReferences references, ILogger<BotFrameworkAccounts> logger)
    : IChannelAccounts
{
    public string Channel => BotFrameworkMapper.Channel;

    public async Task<AccountProfile?> LookUpAsync(ChatAddress chat, string userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(chat);
        if (await references.FindAsync(chat.ChatId, ct) is not { } to) return null;
        try
        {
            var response = await connector.SendRequestAsync(HttpMethod.Get, to.ServiceUrl, BotFrameworkMapper.MemberPath(to.ConversationId, userId), null, ct);
            if (!response.IsSuccess)
            {
                logger.LogInformation("The roster API answered {Status} for a member lookup", (int)response.Status);
                return null;
            }
            var member = JsonSerializer.Deserialize<ConversationMember>(response.Body, BotFrameworkJson.Options);
            return member is null ? null : new AccountProfile(Blank(member.Email), Blank(member.UserPrincipalName));
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or BotFrameworkTokenException
                                       or OperationCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("The roster API could not be asked for a member: {Error}", ex.GetType().Name);
            return null;
        }
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>
/// What /bind can say about a Bot Framework conversation. The bot is evidently in it (the command
/// reached it); Teams gives bots no admin rights to check, and in a Teams channel the bot hears only
/// messages that @mention it — enough for the programme, whose answers are card presses.
/// </summary>
public sealed class BotFrameworkChatInspector : IChatInspector
{
    public string Channel => BotFrameworkMapper.Channel;

    public Task<ChatAbilities?> InspectAsync(ChatAddress chat, CancellationToken ct) =>
        Task.FromResult<ChatAbilities?>(new ChatAbilities(CanSend: true, IsAdministrator: true, SeesAllMessages: true)
        {
            NoteKey = "bind.botframework_note",
        });
}

/// <summary>The inbox's mapper for this channel.</summary>
public sealed class BotFrameworkInboundMapper : Academy.BotHost.Chat.IInboundMapper
{
    public string Channel => BotFrameworkMapper.Channel;

    public ChatEvent Map(string payload) => BotFrameworkMapper.Map(payload);
}
