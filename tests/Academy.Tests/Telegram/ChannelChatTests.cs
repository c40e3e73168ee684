using System.Net;
using Academy.BotHost.Channels;
using Academy.BotHost.Channels.Telegram;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Academy.BotHost.Chat;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Telegram;

/// <summary>
/// A Telegram broadcast channel (chat type <c>channel</c>) is never a study group's chat: /bind there,
/// however it arrives, binds nothing and posts nothing back to the channel's subscribers.
/// </summary>
public sealed class ChannelChatTests : IAsyncLifetime
{
    private const string HookPath = "/telegram/hook";
    private const string Secret = "hook-Secret_123";
    private const long Channel = -1001111111111, Admin = 5001;
    private FakeBotApi _api = null!;
    private readonly TelegramUpdates _updates = new();

    public async Task InitializeAsync() => _api = await FakeBotApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static ChatEvent Map(string json) => TelegramMapper.Map(json, FakeBotApi.BotId, FakeBotApi.BotUsername);

    [Theory]
    // An admin's /bind as a message in a channel (a signed post, or a client that sends one).
    [InlineData("""{"update_id":815513001,"message":{"message_id":9,"from":{"id":5001,"is_bot":false,"first_name":"Mai"},"chat":{"id":-1001111111111,"title":"News","type":"channel"},"date":1767225600,"text":"/bind HN-01","entities":[{"offset":0,"length":5,"type":"bot_command"}]}}""")]
    [InlineData("""{"update_id":815513002,"message":{"message_id":9,"from":{"id":5001,"is_bot":false,"first_name":"Mai"},"sender_chat":{"id":-1001111111111,"title":"News","type":"channel"},"chat":{"id":-1001111111111,"title":"News","type":"channel"},"date":1767225600,"text":"/bind@AcademyTestBot HN-01"}}""")]
    // A channel post, as Telegram sends them.
    [InlineData("""{"update_id":815513003,"channel_post":{"message_id":9,"sender_chat":{"id":-1001111111111,"title":"News","type":"channel"},"chat":{"id":-1001111111111,"title":"News","type":"channel"},"date":1767225600,"text":"/bind HN-01"}}""")]
    public void A_bind_in_a_channel_maps_to_nothing_to_act_on(string json)
    {
        var e = Map(json);
        Assert.Equal(ChatEventKind.Ignored, e.Kind);
        Assert.Null(e.Command);
    }

    [Fact]
    public void Events_of_a_channel_are_marked_as_broadcast_and_a_groups_are_not()
    {
        var added = Map("""
            {"update_id":815513004,"my_chat_member":{"chat":{"id":-1001111111111,"title":"News","type":"channel"},"from":{"id":5001,"is_bot":false,"first_name":"Mai"},"date":1767225600,"old_chat_member":{"user":{"id":7123456789,"is_bot":true,"first_name":"Academy"},"status":"left"},"new_chat_member":{"user":{"id":7123456789,"is_bot":true,"first_name":"Academy"},"status":"administrator"}}}
            """);
        Assert.True(added.IsBroadcast);
        var pressed = Map("""
            {"update_id":815513005,"callback_query":{"id":"cb1","from":{"id":5001,"is_bot":false,"first_name":"Mai"},"chat_instance":"ci","data":"ci:1","message":{"message_id":3,"date":1767225600,"chat":{"id":-1001111111111,"title":"News","type":"channel"}}}}
            """);
        Assert.True(pressed.IsBroadcast);
        var group = Map("""
            {"update_id":815513006,"message":{"message_id":9,"from":{"id":5001,"is_bot":false,"first_name":"Mai"},"chat":{"id":-1001987654321,"title":"HN-01","type":"supergroup"},"date":1767225600,"text":"/bind HN-01"}}
            """);
        Assert.Equal(ChatEventKind.Command, group.Kind);
        Assert.False(group.IsBroadcast);
    }

    [Fact]
    public async Task The_bind_handler_never_binds_a_broadcast_chat()
    {
        await using var app = new AcademyApp(time: new ShiftedTime(DateTimeOffset.Parse("2026-12-01T02:00:00Z")));
        var admin = await PlaygroundSteps.PersonaAsync(app, "+84903100200");
        await PlaygroundSteps.RegisterAsync(app, admin, "en");
        ChatEvent Bind(string update, string chat, bool broadcast) => new()
        {
            Channel = "playground", UpdateId = update, Kind = ChatEventKind.Command, Command = "bind", Args = ["HN-01"], Text = "/bind HN-01",
            Chat = new ChatAddress("playground", chat), From = new ChatUser(admin.PersonaId, "Mai"), IsBroadcast = broadcast,
        };
        var pipeline = app.Services.GetRequiredService<TurnPipeline>();
        var db = app.Services.GetRequiredService<AcademyDatabase>();
        await using (var s = await db.BeginAsync())
        {
            await pipeline.HandleAsync(Bind("bind-1", "channel-news", broadcast: true), s);
            await pipeline.HandleAsync(Bind("bind-2", "group-other", broadcast: false), s); // the same request in a group chat binds
            await s.CommitAsync();
        }
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT COUNT(*) FROM group_chats WHERE chat_id = 'channel-news'"));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE chat_id = 'channel-news'"));
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT COUNT(*) FROM group_chats WHERE chat_id = 'group-other' AND active = 1"));
    }

    [Fact]
    public async Task Over_the_webhook_an_admins_bind_in_a_channel_binds_nothing_and_posts_nothing()
    {
        await using var host = new AcademyApp(
            new Dictionary<string, string?>
            {
                ["Telegram:BotToken"] = _api.Token, ["Telegram:ApiBaseUrl"] = _api.BaseUrl, ["Telegram:Mode"] = "Webhook",
                ["Telegram:WebhookUrl"] = "https://academy.example.org" + HookPath, ["Telegram:SecretToken"] = Secret, ["Playground:Enabled"] = "true",
            },
            time: new ShiftedTime(DateTimeOffset.Parse("2026-12-01T02:00:00Z")));
        await Eventually.UntilAsync(() => Task.FromResult(_api.WebhookUrl is not null), "setWebhook");
        await PostAsync(host, _updates.PrivateText(Admin, "/start"));
        await PostAsync(host, _updates.Callback(Admin, Admin, "lang:en"));
        await PostAsync(host, _updates.Contact(Admin, "+84903100200"));
        await Eventually.UntilAsync(async () => await host.ScalarAsync<long>("SELECT COUNT(*) FROM channel_identities WHERE channel = 'telegram'") == 1, "registered");

        var channel = new { id = Channel, type = "channel", title = "News" };
        var from = TelegramUpdates.User(Admin);
        Assert.Equal(HttpStatusCode.OK, await PostAsync(host, _updates.Update(new
        {
            message = new { message_id = 9, date = 1796090400, chat = channel, from, text = "/bind HN-01", entities = new[] { new { type = "bot_command", offset = 0, length = 5 } } },
        })));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(host, _updates.Update(new
        {
            channel_post = new { message_id = 10, date = 1796090400, chat = channel, sender_chat = channel, text = "/bind HN-01" },
        })));
        await Eventually.UntilAsync(async () => await host.UnprocessedUpdatesAsync() == 0, "inbox drained");
        await Task.Delay(300);
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT COUNT(*) FROM group_chats WHERE channel = 'telegram'"));
        Assert.DoesNotContain(_api.Requests, r => r.ChatId == Channel);
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'failed'"));
    }

    private static Task<HttpStatusCode> PostAsync(AcademyApp host, string json) => TelegramUpdates.PostAsync(host.Client, HookPath, json, Secret);
}
