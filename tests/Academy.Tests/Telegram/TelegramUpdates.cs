using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Academy.Tests.Telegram;

/// <summary>
/// Telegram updates as the Bot API posts them to a webhook, numbered in order. Negative chat ids are
/// supergroups (the sample group Hà Nội 1); positive ones are private chats with the user.
/// </summary>
public sealed class TelegramUpdates
{
    private int _next = 1;

    public static object User(long id) => new { id, is_bot = false, first_name = $"User{id}", language_code = "en" };

    public static object Chat(long id) => id < 0
        ? new { id, type = "supergroup", title = "Nhóm Hà Nội 1" }
        : (object)new { id, type = "private", first_name = $"User{id}" };

    /// <summary>Any update body, given the next update_id.</summary>
    public string Update(object body)
    {
        var node = JsonNode.Parse(JsonSerializer.Serialize(body))!.AsObject();
        node["update_id"] = _next++;
        return node.ToJsonString();
    }

    /// <summary>A text in <paramref name="chat"/>; a leading /command is marked as Telegram marks it.</summary>
    public string CommandIn(long chat, long user, string text) => Update(new
    {
        message = new
        {
            message_id = _next, date = 1796090400, chat = Chat(chat), from = User(user), text,
            entities = new[] { new { type = "bot_command", offset = 0, length = text.Split(' ')[0].Length } },
        },
    });

    public string PrivateText(long user, string text) => CommandIn(user, user, text);

    /// <summary>A press on a button of the bot's message <paramref name="messageId"/> in <paramref name="chat"/>.</summary>
    public string Callback(long user, long chat, string data, long messageId = 1) => Update(new
    {
        callback_query = new
        {
            id = $"cb{_next}", from = User(user), chat_instance = "ci", data,
            message = new { message_id = messageId, date = 1796090400, chat = Chat(chat) },
        },
    });

    /// <summary>The bot's own status in a group changed (my_chat_member): added as "member", removed as "left".</summary>
    public string MyChatMember(long group, long by, string before, string now) => Update(new
    {
        my_chat_member = new
        {
            chat = Chat(group), from = User(by), date = 1796090400,
            old_chat_member = new { user = Bot, status = before },
            new_chat_member = new { user = Bot, status = now },
        },
    });

    /// <summary>The service message of members joining a group: with the bot among them, the bot was added.</summary>
    public string NewChatMembers(long group, long by, bool bot = true) => Update(new
    {
        message = new
        {
            message_id = _next, date = 1796090400, chat = Chat(group), from = User(by),
            new_chat_members = new[] { bot ? Bot : User(by) },
        },
    });

    private static object Bot => new { id = FakeBotApi.BotId, is_bot = true, first_name = "Academy Test Bot", username = FakeBotApi.BotUsername };

    public string PollAnswer(long user, string pollId, params int[] options) => Update(new
    {
        poll_answer = new { poll_id = pollId, user = User(user), option_ids = options },
    });

    public string Contact(long user, string phone) => Update(new
    {
        message = new
        {
            message_id = _next, date = 1796090400, chat = Chat(user), from = User(user),
            contact = new { phone_number = phone, first_name = $"User{user}", user_id = user },
        },
    });

    /// <summary>Posts an update to the host's webhook as Telegram does, with the secret header when one is given.</summary>
    public static async Task<HttpStatusCode> PostAsync(HttpClient host, string path, string json, string? secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (secret is not null) request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
        using var response = await host.SendAsync(request);
        return response.StatusCode;
    }
}
