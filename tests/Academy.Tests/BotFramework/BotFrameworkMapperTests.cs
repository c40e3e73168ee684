using System.Text.Json.Nodes;
using Academy.BotHost.Channels;
using Academy.BotHost.Channels.BotFramework;
using Academy.BotHost.Dispatch;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.BotFramework;

/// <summary>The pure mapper on recorded Activity shapes (Teams, Web Chat), and the rendering it sends back.</summary>
public sealed class BotFrameworkMapperTests
{
    private const string TeamsChannelMessage = """
        {"text":"<at>Academy</at> /bind HN-01\n","textFormat":"plain","type":"message","timestamp":"2026-12-01T02:03:04.567Z",
         "localTimestamp":"2026-12-01T09:03:04.567+07:00","id":"1764554584567","channelId":"msteams",
         "serviceUrl":"https://smba.trafficmanager.net/apac/",
         "from":{"id":"29:1Hq-liaison","name":"Trần Văn Hùng","aadObjectId":"6f1a0000-0000-0000-0000-000000000001"},
         "conversation":{"isGroup":true,"conversationType":"channel","tenantId":"72f988bf-0000","id":"19:abc123@thread.tacv2;messageid=1764554584567"},
         "recipient":{"id":"28:bot-app-id","name":"Academy"},
         "entities":[{"mentioned":{"id":"28:bot-app-id","name":"Academy"},"text":"<at>Academy</at>","type":"mention"},
                     {"locale":"vi-VN","country":"VN","platform":"Windows","timezone":"Asia/Ho_Chi_Minh","type":"clientInfo"}],
         "channelData":{"teamsChannelId":"19:abc123@thread.tacv2","teamsTeamId":"19:team@thread.tacv2",
                        "channel":{"id":"19:abc123@thread.tacv2"},"team":{"id":"19:team@thread.tacv2"},"tenant":{"id":"72f988bf-0000"}},
         "locale":"vi-VN"}
        """;

    private const string TeamsPersonalSubmit = """
        {"type":"message","id":"1764554599000","timestamp":"2026-12-01T02:03:19Z","channelId":"msteams","serviceUrl":"https://smba.trafficmanager.net/apac/",
         "from":{"id":"29:1Hq-learner","name":"Nhung"},"conversation":{"conversationType":"personal","tenantId":"t","id":"a:1personal"},
         "recipient":{"id":"28:bot-app-id","name":"Academy"},"replyToId":"1764554500000",
         "value":{"academy":"q:42:submit","choices":"0,2"},"channelData":{"tenant":{"id":"t"},"source":{"name":"message"}}}
        """;

    private const string TeamsBotAdded = """
        {"membersAdded":[{"id":"28:bot-app-id"}],"type":"conversationUpdate","timestamp":"2026-12-01T01:00:00Z","id":"f:7e1b",
         "channelId":"msteams","serviceUrl":"https://smba.trafficmanager.net/apac/","from":{"id":"29:1Hq-admin","aadObjectId":"x"},
         "conversation":{"isGroup":true,"conversationType":"channel","tenantId":"t","id":"19:abc123@thread.tacv2"},
         "recipient":{"id":"28:bot-app-id","name":"Academy"},
         "channelData":{"team":{"id":"19:team@thread.tacv2"},"eventType":"teamMemberAdded","tenant":{"id":"t"}}}
        """;

    private const string WebChatMessage = """
        {"type":"message","id":"HxY7|0000003","timestamp":"2026-12-01T02:00:00.000Z","channelId":"webchat","serviceUrl":"https://webchat.botframework.com/",
         "from":{"id":"dl_8c1","name":""},"conversation":{"id":"HxY7"},"recipient":{"id":"academy-bot@abc","name":"Academy"},
         "text":"hello  &amp; welcome","locale":"en-US"}
        """;

    [Fact]
    public void A_Teams_channel_command_addressed_by_mention_binds_the_channel_not_the_thread()
    {
        var e = BotFrameworkMapper.Map(TeamsChannelMessage);
        Assert.Equal(ChatEventKind.Command, e.Kind);
        Assert.Equal("bind", e.Command);
        Assert.Equal(["HN-01"], e.Args);
        Assert.False(e.IsPrivate);
        Assert.Equal(new ChatAddress("botframework", "19:abc123@thread.tacv2"), e.Chat);
        Assert.Equal("19:abc123@thread.tacv2;messageid=1764554584567/1764554584567", e.UpdateId);
        Assert.Equal(new ChatUser("29:1Hq-liaison", "Trần Văn Hùng", null, "vi-VN"), e.From);
        Assert.Equal(DateTimeOffset.Parse("2026-12-01T02:03:04.567Z", System.Globalization.CultureInfo.InvariantCulture), e.SentAt);

        // Without a slash, a mention of the bot still makes it a command; other text in the channel does not.
        var noSlash = BotFrameworkMapper.Map(TeamsChannelMessage.Replace("/bind", "bind", StringComparison.Ordinal));
        Assert.Equal("bind", noSlash.Command);
        var notForUs = BotFrameworkMapper.Map(TeamsChannelMessage.Replace("\"<at>Academy</at> /bind HN-01\\n\"", "\"see you at 9\"", StringComparison.Ordinal));
        Assert.Equal(ChatEventKind.Message, notForUs.Kind);
    }

    [Fact]
    public void A_card_submit_with_ticked_choices_is_a_press_addressed_to_the_person_in_private()
    {
        var e = BotFrameworkMapper.Map(TeamsPersonalSubmit);
        Assert.Equal(ChatEventKind.Button, e.Kind);
        Assert.Equal("q:42:submit:0,2", e.ButtonData);
        Assert.True(e.IsPrivate);
        Assert.Equal(new ChatAddress("botframework", "29:1Hq-learner"), e.Chat);
        Assert.Equal("29:1Hq-learner", BotFrameworkMapper.PresserOf(e.CallbackId));

        // Choices that are not option numbers are dropped, not passed on.
        var bad = BotFrameworkMapper.Map(TeamsPersonalSubmit.Replace("\"0,2\"", "\"0,x\"", StringComparison.Ordinal));
        Assert.Equal("q:42:submit:", bad.ButtonData);
        // A card that is not ours (no academy key) is ignored.
        Assert.Equal(ChatEventKind.Ignored, BotFrameworkMapper.Map(TeamsPersonalSubmit.Replace("\"academy\"", "\"other\"", StringComparison.Ordinal)).Kind);
    }

    [Fact]
    public void Conversation_updates_tell_the_bot_added_from_a_member_joining_and_leaving()
    {
        var added = BotFrameworkMapper.Map(TeamsBotAdded);
        Assert.Equal(ChatEventKind.BotAdded, added.Kind);
        Assert.Equal("19:abc123@thread.tacv2", added.Chat!.ChatId);
        var joined = BotFrameworkMapper.Map(TeamsBotAdded.Replace("{\"id\":\"28:bot-app-id\"}]", "{\"id\":\"29:new\",\"name\":\"Lan\"}]", StringComparison.Ordinal));
        Assert.Equal(ChatEventKind.MemberJoined, joined.Kind);
        Assert.Equal("Lan", joined.Member!.DisplayName);
        var removed = BotFrameworkMapper.Map(TeamsBotAdded.Replace("membersAdded", "membersRemoved", StringComparison.Ordinal));
        Assert.Equal(ChatEventKind.BotRemoved, removed.Kind);
    }

    [Fact]
    public void Web_Chat_has_no_conversation_type_a_one_to_one_chat_is_private_and_entities_are_decoded()
    {
        var e = BotFrameworkMapper.Map(WebChatMessage);
        Assert.Equal(ChatEventKind.Message, e.Kind);
        Assert.True(e.IsPrivate);
        Assert.Equal("hello & welcome", e.Text);
        Assert.Equal("dl_8c1", e.From!.DisplayName); // no name: the id stands in
        Assert.Equal("HxY7/HxY7|0000003", e.UpdateId);
    }

    [Fact]
    public void Shapes_Academy_does_not_act_on_are_ignored_and_non_json_is_refused()
    {
        Assert.Equal(ChatEventKind.Ignored, BotFrameworkMapper.Map(WebChatMessage.Replace("\"type\":\"message\"", "\"type\":\"typing\"", StringComparison.Ordinal)).Kind);
        Assert.Equal(ChatEventKind.Ignored, BotFrameworkMapper.Map("{\"type\":\"message\",\"from\":5}").Kind);
        var noId = BotFrameworkMapper.Map("{\"type\":\"message\"}");
        Assert.StartsWith("sha256:", noId.UpdateId, StringComparison.Ordinal);
        Assert.Throws<BotFrameworkPayloadException>(() => BotFrameworkMapper.Map("[1]"));
        Assert.Throws<BotFrameworkPayloadException>(() => BotFrameworkMapper.Map("{\"type\":"));
    }

    private static readonly ConversationReference Group = new("19:abc@thread.tacv2", "19:abc@thread.tacv2", "https://smba/apac", "msteams", "28:bot", "t", true);

    [Fact]
    public void A_multiple_answer_quiz_is_a_card_with_tick_boxes_and_one_submit()
    {
        var quiz = new QuizContent("Which are strong?", ["a", "b", "c"], [0, 2], MultipleAnswers: true, null, 42, "Gửi");
        var activity = BotFrameworkMapper.ToActivity(new OutgoingMessage { To = new ChatAddress("botframework", Group.ChatId), Quiz = quiz }, Group);
        var card = activity["attachments"]![0]!["content"]!;
        var choices = card["body"]![1]!;
        Assert.Equal("Input.ChoiceSet", choices["type"]!.GetValue<string>());
        Assert.Equal(BotFrameworkMapper.ChoicesKey, choices["id"]!.GetValue<string>());
        Assert.True(choices["isMultiSelect"]!.GetValue<bool>());
        Assert.Equal(["0", "1", "2"], choices["choices"]!.AsArray().Select(c => c!["value"]!.GetValue<string>()));
        Assert.Equal("q:42:submit", card["actions"]![0]!["data"]!["academy"]!.GetValue<string>());
        Assert.Equal("Gửi", card["actions"]![0]!["title"]!.GetValue<string>());
        Assert.Equal("t", activity["channelData"]!["tenant"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public void A_short_choice_is_a_quick_reply_on_Web_Chat_and_a_card_in_Teams_and_its_press_comes_back_as_a_button()
    {
        var webChat = new ConversationReference("HxY7", "HxY7", "https://webchat.botframework.com/", "webchat", "academy-bot@abc", null, false);
        var language = new OutgoingMessage
        {
            To = new ChatAddress("botframework", webChat.ChatId),
            Text = "Choose your language",
            Buttons = [[new Button("English", "lang:en"), new Button("简体中文", "lang:zh-Hans"), new Button("Tiếng Việt", "lang:vi")]],
        };
        var activity = BotFrameworkMapper.ToActivity(language, webChat);
        Assert.Null(activity["attachments"]);
        var actions = activity["suggestedActions"]!["actions"]!.AsArray();
        Assert.Equal(["English", "简体中文", "Tiếng Việt"], actions.Select(a => a!["title"]!.GetValue<string>()));
        Assert.All(actions, a => Assert.Equal("messageBack", a!["type"]!.GetValue<string>()));
        Assert.Equal("lang:vi", actions[2]!["value"]!["academy"]!.GetValue<string>());

        // Tapping it sends the label as the person's message with the data in value: a press.
        var tapped = JsonNode.Parse(WebChatMessage)!.AsObject();
        tapped["text"] = "Tiếng Việt";
        tapped["value"] = new JsonObject { ["academy"] = "lang:vi" };
        var press = BotFrameworkMapper.Map(tapped.ToJsonString());
        Assert.Equal(ChatEventKind.Button, press.Kind);
        Assert.Equal("lang:vi", press.ButtonData);

        // Teams would send back only the label: the same choice is a card there, and four choices are a card anywhere.
        var personalTeams = webChat with { ChannelId = "msteams", ConversationId = "a:1personal", ChatId = "a:1personal" };
        Assert.NotNull(BotFrameworkMapper.ToActivity(language, personalTeams)["attachments"]);
        Assert.Null(BotFrameworkMapper.ToActivity(language, personalTeams)["suggestedActions"]);
        var four = language with { Buttons = [[.. language.Buttons[0], new Button("Français", "lang:fr")]] };
        Assert.NotNull(BotFrameworkMapper.ToActivity(four, webChat)["attachments"]);
    }

    [Fact]
    public void Tagged_people_become_Teams_mentions_and_plain_text_is_escaped_in_Markdown()
    {
        var message = new OutgoingMessage
        {
            To = new ChatAddress("botframework", Group.ChatId),
            Text = "Day 1: *2* left",
            Mentions = [new Mention("Lan <3", "29:lan"), new Mention("Bảo", null)],
        };
        var activity = BotFrameworkMapper.ToActivity(message, Group);
        Assert.Equal("markdown", activity["textFormat"]!.GetValue<string>());
        Assert.Equal("Day 1: \\*2\\* left\n\n<at>Lan &lt;3</at>, Bảo", activity["text"]!.GetValue<string>());
        var mention = activity["entities"]![0]!;
        Assert.Equal("<at>Lan &lt;3</at>", mention["text"]!.GetValue<string>());
        Assert.Equal("29:lan", mention["mentioned"]!["id"]!.GetValue<string>());

        Assert.Throws<ArgumentException>(() => BotFrameworkMapper.ToActivity(message with { Text = new string('x', 7001), Mentions = [] }, Group));
        Assert.Equal("/v3/conversations/19%3Aabc%40thread.tacv2/activities", BotFrameworkMapper.ActivitiesPath(Group.ConversationId));
    }

    [Fact]
    public void The_pacer_holds_a_Teams_conversation_to_60_sends_in_30_seconds()
    {
        var pacer = new SendPacer(new BotFrameworkChannelClient(null!, null!).Capabilities);
        var now = DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var at = now;
        var sends = new List<DateTimeOffset>();
        for (var i = 0; i < 61; i++)
        {
            var ready = pacer.ChatReadyAt("19:busy");
            at = pacer.Reserve("19:busy", ready > at ? ready : at);
            sends.Add(at);
        }
        // Never more than 8 in 2 s, nor more than 60 in 30 s; another conversation is not held up.
        for (var i = 8; i < sends.Count; i++) Assert.True(sends[i] - sends[i - 8] >= TimeSpan.FromSeconds(2), $"send {i}");
        Assert.True(sends[60] - sends[0] >= TimeSpan.FromSeconds(30));
        Assert.True(pacer.ChatReadyAt("19:quiet") <= now);
    }
}
