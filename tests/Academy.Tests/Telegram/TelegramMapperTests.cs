using System.Text.Json;
using Academy.BotHost.Channels;
using Academy.BotHost.Channels.Telegram;
using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Telegram;

/// <summary>Updates in the shapes Telegram sends them (recorded payloads, ids changed).</summary>
public sealed class TelegramMapperTests
{
    private const long Bot = FakeBotApi.BotId;
    private const string BotName = FakeBotApi.BotUsername;
    private static readonly DateTimeOffset NewYear = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ChatEvent Map(string json) => TelegramMapper.Map(json, Bot, BotName);

    [Fact]
    public void Private_start_with_a_deep_link_is_a_command_from_the_learner()
    {
        var e = Map("""
            {"update_id":815512001,"message":{"message_id":1,"from":{"id":5123456789,"is_bot":false,"first_name":"Linh","last_name":"Nguyễn","username":"linh_ng","language_code":"vi"},"chat":{"id":5123456789,"first_name":"Linh","last_name":"Nguyễn","username":"linh_ng","type":"private"},"date":1767225600,"text":"/start cohort-42","entities":[{"offset":0,"length":6,"type":"bot_command"}]}}
            """);
        Assert.Equal("telegram", e.Channel);
        Assert.Equal("815512001", e.UpdateId);
        Assert.Equal(ChatEventKind.Command, e.Kind);
        Assert.Equal("start", e.Command);
        Assert.Equal(["cohort-42"], e.Args);
        Assert.Equal("/start cohort-42", e.Text);
        Assert.Equal(new ChatAddress("telegram", "5123456789"), e.Chat);
        Assert.True(e.IsPrivate);
        Assert.Equal(new ChatUser("5123456789", "Linh Nguyễn", "linh_ng", "vi"), e.From);
        Assert.Equal(NewYear, e.SentAt);
    }

    [Fact]
    public void Group_command_addressed_to_us_drops_the_bot_name_and_lowercases()
    {
        var e = Map("""
            {"update_id":815512002,"message":{"message_id":310,"from":{"id":6543210987,"is_bot":false,"first_name":"Wei","last_name":"Zhang","language_code":"zh-hans"},"chat":{"id":-1001987654321,"title":"Cohort 7 — Group A","type":"supergroup"},"date":1767225660,"text":"/Progress@AcademyTestBot   week  3","entities":[{"offset":0,"length":24,"type":"bot_command"}]}}
            """);
        Assert.Equal(ChatEventKind.Command, e.Kind);
        Assert.Equal("progress", e.Command);
        Assert.Equal(["week", "3"], e.Args);
        Assert.False(e.IsPrivate);
        Assert.Equal("-1001987654321", e.Chat!.ChatId);
        Assert.Null(e.Chat.ThreadId);
    }

    [Fact]
    public void Group_command_addressed_to_another_bot_is_ignored()
    {
        var e = Map("""
            {"update_id":815512003,"message":{"message_id":311,"from":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"chat":{"id":-1001987654321,"title":"Cohort 7","type":"supergroup"},"date":1767225660,"text":"/start@SomeOtherBot"}}
            """);
        Assert.Equal(ChatEventKind.Ignored, e.Kind);
    }

    [Fact]
    public void Plain_text_is_a_message()
    {
        var e = Map("""
            {"update_id":815512004,"message":{"message_id":2,"from":{"id":5123456789,"is_bot":false,"first_name":"Linh"},"chat":{"id":5123456789,"first_name":"Linh","type":"private"},"date":1767225600,"text":"B) photosynthesis"}}
            """);
        Assert.Equal(ChatEventKind.Message, e.Kind);
        Assert.Equal("B) photosynthesis", e.Text);
        Assert.Null(e.Command);
    }

    [Fact]
    public void Callback_query_is_a_button_press_in_the_chat_of_its_message()
    {
        var e = Map("""
            {"update_id":815512005,"callback_query":{"id":"4382bfdwdsb323b2d9","from":{"id":6543210987,"is_bot":false,"first_name":"Wei","username":"weiz","language_code":"en"},"message":{"message_id":312,"from":{"id":7123456789,"is_bot":true,"first_name":"Academy","username":"AcademyTestBot"},"chat":{"id":-1001987654321,"title":"Cohort 7","type":"supergroup","is_forum":true},"date":1767225700,"message_thread_id":42,"is_topic_message":true,"text":"Which gas do plants absorb?","reply_markup":{"inline_keyboard":[[{"text":"CO2","callback_data":"q:991:1"}]]}},"chat_instance":"-8851233412221","data":"q:991:1"}}
            """);
        Assert.Equal(ChatEventKind.Button, e.Kind);
        Assert.Equal("q:991:1", e.ButtonData);
        Assert.Equal("4382bfdwdsb323b2d9", e.CallbackId);
        Assert.Equal(new ChatAddress("telegram", "-1001987654321", "42"), e.Chat);
        Assert.Equal("6543210987", e.From!.Id);
    }

    [Fact]
    public void Callback_query_names_the_pressed_message_unless_it_is_no_longer_accessible()
    {
        var e = Map("""
            {"update_id":815512005,"callback_query":{"id":"4382bf","from":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"message":{"message_id":312,"chat":{"id":5123456789,"type":"private","first_name":"Wei"},"date":1767225700,"text":"Choose your language","reply_markup":{"inline_keyboard":[[{"text":"English","callback_data":"lang:en"}]]}},"chat_instance":"-8851233412221","data":"lang:en"}}
            """);
        Assert.Equal("312", e.ButtonMessageId);
        // Bot API 7.0: a message deleted or too old to reach comes as an InaccessibleMessage, date 0.
        var gone = Map("""
            {"update_id":815512010,"callback_query":{"id":"4382c0","from":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"message":{"message_id":313,"chat":{"id":5123456789,"type":"private","first_name":"Wei"},"date":0},"chat_instance":"-8851233412221","data":"lang:en"}}
            """);
        Assert.Equal(ChatEventKind.Button, gone.Kind);
        Assert.Null(gone.ButtonMessageId);
    }

    [Fact]
    public void Callback_query_on_an_inline_message_has_no_chat()
    {
        var e = Map("""
            {"update_id":815512006,"callback_query":{"id":"77","from":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"inline_message_id":"AAAAAEx","chat_instance":"1","data":"x"}}
            """);
        Assert.Equal(ChatEventKind.Button, e.Kind);
        Assert.Null(e.Chat);
    }

    [Fact]
    public void Poll_answer_carries_the_poll_the_options_and_the_voter_but_no_chat()
    {
        var e = Map("""
            {"update_id":815512007,"poll_answer":{"poll_id":"5370000000000000001","user":{"id":6543210987,"is_bot":false,"first_name":"Wei","last_name":"Zhang"},"option_ids":[0,2]}}
            """);
        Assert.Equal(ChatEventKind.PollAnswer, e.Kind);
        Assert.Equal("5370000000000000001", e.PollId);
        Assert.Equal([0, 2], e.PollOptions);
        Assert.Equal("Wei Zhang", e.From!.DisplayName);
        Assert.Null(e.Chat);
    }

    [Fact]
    public void Poll_answer_of_bot_api_9_6_with_persistent_option_ids_is_read_by_its_indices()
    {
        var e = Map("""
            {"update_id":815512011,"poll_answer":{"poll_id":"5370000000000000001","user":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"option_ids":[1,3],"option_persistent_ids":["b1","d3"]}}
            """);
        Assert.Equal(ChatEventKind.PollAnswer, e.Kind);
        Assert.Equal([1, 3], e.PollOptions);
    }

    [Fact]
    public void Retracted_vote_is_a_poll_answer_with_no_options()
    {
        var e = Map("""
            {"update_id":815512008,"poll_answer":{"poll_id":"5370000000000000001","user":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"option_ids":[]}}
            """);
        Assert.Equal(ChatEventKind.PollAnswer, e.Kind);
        Assert.Empty(e.PollOptions);
    }

    [Fact]
    public void Vote_by_an_anonymous_admin_for_the_chat_has_no_sender()
    {
        var e = Map("""
            {"update_id":815512009,"poll_answer":{"poll_id":"53","voter_chat":{"id":-1001987654321,"title":"Cohort 7","type":"supergroup"},"user":{"id":1087968824,"is_bot":true,"first_name":"Group","username":"GroupAnonymousBot"},"option_ids":[1]}}
            """);
        Assert.Equal(ChatEventKind.PollAnswer, e.Kind);
        Assert.Null(e.From);
    }

    [Fact]
    public void Own_contact_gets_a_plus_and_names_its_owner()
    {
        var e = Map("""
            {"update_id":815512010,"message":{"message_id":3,"from":{"id":5123456789,"is_bot":false,"first_name":"Linh"},"chat":{"id":5123456789,"first_name":"Linh","type":"private"},"date":1767225600,"reply_to_message":{"message_id":2,"from":{"id":7123456789,"is_bot":true,"first_name":"Academy"},"chat":{"id":5123456789,"type":"private"},"date":1767225590,"text":"Share your number"},"contact":{"phone_number":"84912345678","first_name":"Linh","user_id":5123456789}}}
            """);
        Assert.Equal(ChatEventKind.ContactShared, e.Kind);
        Assert.Equal("+84912345678", e.ContactPhone);
        Assert.Equal("5123456789", e.ContactUserId);
        Assert.Equal(e.From!.Id, e.ContactUserId);
    }

    [Fact]
    public void Contact_already_in_international_form_is_kept()
    {
        var e = Map("""
            {"update_id":815512011,"message":{"message_id":4,"from":{"id":5123456789,"is_bot":false,"first_name":"Linh"},"chat":{"id":5123456789,"type":"private"},"date":1767225600,"contact":{"phone_number":"+8613800138000","first_name":"Mei"}}}
            """);
        Assert.Equal("+8613800138000", e.ContactPhone);
        Assert.Null(e.ContactUserId);
    }

    [Fact]
    public void New_member_joins()
    {
        var e = Map("""
            {"update_id":815512012,"message":{"message_id":320,"from":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"chat":{"id":-1001987654321,"title":"Cohort 7","type":"supergroup"},"date":1767225600,"new_chat_participant":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"new_chat_member":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"new_chat_members":[{"id":6543210987,"is_bot":false,"first_name":"Wei"}]}}
            """);
        Assert.Equal(ChatEventKind.MemberJoined, e.Kind);
        Assert.Equal("6543210987", e.Member!.Id);
    }

    [Fact]
    public void Our_bot_among_new_members_is_the_bot_being_added()
    {
        var e = Map("""
            {"update_id":815512013,"message":{"message_id":1,"from":{"id":6543210987,"is_bot":false,"first_name":"Trainer"},"chat":{"id":-4012345678,"title":"Cohort 8","type":"group","all_members_are_administrators":true},"date":1767225600,"new_chat_members":[{"id":7123456789,"is_bot":true,"first_name":"Academy","username":"AcademyTestBot"}]}}
            """);
        Assert.Equal(ChatEventKind.BotAdded, e.Kind);
        Assert.Equal("7123456789", e.Member!.Id);
        Assert.True(e.Member.IsBot);
        Assert.Equal("6543210987", e.From!.Id);
    }

    [Fact]
    public void Member_leaving_and_our_bot_leaving()
    {
        var member = Map("""
            {"update_id":815512014,"message":{"message_id":321,"from":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"chat":{"id":-1001987654321,"title":"Cohort 7","type":"supergroup"},"date":1767225600,"left_chat_participant":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"left_chat_member":{"id":6543210987,"is_bot":false,"first_name":"Wei"}}}
            """);
        var bot = Map("""
            {"update_id":815512015,"message":{"message_id":322,"from":{"id":6543210987,"is_bot":false,"first_name":"Trainer"},"chat":{"id":-1001987654321,"title":"Cohort 7","type":"supergroup"},"date":1767225600,"left_chat_member":{"id":7123456789,"is_bot":true,"first_name":"Academy","username":"AcademyTestBot"}}}
            """);
        Assert.Equal(ChatEventKind.MemberLeft, member.Kind);
        Assert.Equal(ChatEventKind.BotRemoved, bot.Kind);
    }

    [Theory]
    [InlineData("kicked", "member", ChatEventKind.BotRemoved)]
    [InlineData("left", "administrator", ChatEventKind.BotRemoved)]
    [InlineData("member", "left", ChatEventKind.BotAdded)]
    [InlineData("administrator", "left", ChatEventKind.BotAdded)]
    [InlineData("administrator", "member", ChatEventKind.Ignored)] // a promotion, not a second arrival
    public void My_chat_member_status_changes(string now, string before, ChatEventKind expected)
    {
        var e = Map("""
            {"update_id":815512016,"my_chat_member":{"chat":{"id":-1001987654321,"title":"Cohort 7","type":"supergroup"},"from":{"id":6543210987,"is_bot":false,"first_name":"Trainer"},"date":1767225600,"old_chat_member":{"user":{"id":7123456789,"is_bot":true,"first_name":"Academy","username":"AcademyTestBot"},"status":"BEFORE"},"new_chat_member":{"user":{"id":7123456789,"is_bot":true,"first_name":"Academy","username":"AcademyTestBot"},"status":"NOW","until_date":0}}}
            """.Replace("BEFORE", before, StringComparison.Ordinal).Replace("NOW", now, StringComparison.Ordinal));
        Assert.Equal(expected, e.Kind);
        Assert.Equal("-1001987654321", e.Chat!.ChatId);
        Assert.Equal(NewYear, e.SentAt);
    }

    [Fact]
    public void Learner_blocking_the_bot_in_private_is_the_bot_removed_from_a_private_chat()
    {
        var e = Map("""
            {"update_id":815512017,"my_chat_member":{"chat":{"id":5123456789,"first_name":"Linh","type":"private"},"from":{"id":5123456789,"is_bot":false,"first_name":"Linh"},"date":1767225600,"old_chat_member":{"user":{"id":7123456789,"is_bot":true,"first_name":"Academy"},"status":"member"},"new_chat_member":{"user":{"id":7123456789,"is_bot":true,"first_name":"Academy"},"status":"kicked","until_date":0}}}
            """);
        Assert.Equal(ChatEventKind.BotRemoved, e.Kind);
        Assert.True(e.IsPrivate);
    }

    [Theory]
    [InlineData("left", "member", ChatEventKind.MemberJoined)]
    [InlineData("member", "left", ChatEventKind.MemberLeft)]
    [InlineData("member", "kicked", ChatEventKind.MemberLeft)]
    public void Chat_member_updates_are_joins_and_leaves(string before, string now, ChatEventKind expected)
    {
        var e = Map("""
            {"update_id":815512018,"chat_member":{"chat":{"id":-1001987654321,"title":"Cohort 7","type":"supergroup"},"from":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"date":1767225600,"old_chat_member":{"user":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"status":"BEFORE"},"new_chat_member":{"user":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"status":"NOW"}}}
            """.Replace("BEFORE", before, StringComparison.Ordinal).Replace("NOW", now, StringComparison.Ordinal));
        Assert.Equal(expected, e.Kind);
        Assert.Equal("6543210987", e.Member!.Id);
    }

    [Fact]
    public void Group_upgraded_to_supergroup_is_a_migration_to_the_new_id()
    {
        var e = Map("""
            {"update_id":815512019,"message":{"message_id":55,"from":{"id":6543210987,"is_bot":false,"first_name":"Trainer"},"chat":{"id":-4012345678,"title":"Cohort 8","type":"group"},"date":1767225600,"migrate_to_chat_id":-1002345678901}}
            """);
        Assert.Equal(ChatEventKind.ChatMigrated, e.Kind);
        Assert.Equal("-4012345678", e.Chat!.ChatId);
        Assert.Equal("-1002345678901", e.MigratedToChatId);
    }

    [Fact]
    public void The_new_supergroup_side_of_a_migration_is_ignored()
    {
        var e = Map("""
            {"update_id":815512020,"message":{"message_id":1,"from":{"id":1087968824,"is_bot":true,"first_name":"Group","username":"GroupAnonymousBot"},"sender_chat":{"id":-1002345678901,"title":"Cohort 8","type":"supergroup"},"chat":{"id":-1002345678901,"title":"Cohort 8","type":"supergroup"},"date":1767225600,"migrate_from_chat_id":-4012345678}}
            """);
        Assert.Equal(ChatEventKind.Ignored, e.Kind);
    }

    [Fact]
    public void Anonymous_admin_posts_as_the_group_and_is_nobody()
    {
        var e = Map("""
            {"update_id":815512021,"message":{"message_id":330,"from":{"id":1087968824,"is_bot":true,"first_name":"Group","username":"GroupAnonymousBot"},"sender_chat":{"id":-1001987654321,"title":"Cohort 7","type":"supergroup"},"chat":{"id":-1001987654321,"title":"Cohort 7","type":"supergroup"},"date":1767225600,"author_signature":"Trainer","text":"/quiz"}}
            """);
        Assert.Equal(ChatEventKind.Command, e.Kind);
        Assert.Null(e.From);
    }

    [Fact]
    public void GroupAnonymousBot_without_sender_chat_is_still_nobody()
    {
        var e = Map("""
            {"update_id":815512022,"message":{"message_id":331,"from":{"id":1087968824,"is_bot":true,"first_name":"Group","username":"GroupAnonymousBot"},"chat":{"id":-1001987654321,"title":"Cohort 7","type":"supergroup"},"date":1767225600,"text":"hello"}}
            """);
        Assert.Null(e.From);
    }

    [Fact]
    public void Forum_topic_message_keeps_its_thread()
    {
        var e = Map("""
            {"update_id":815512023,"message":{"message_id":400,"message_thread_id":7,"from":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"chat":{"id":-1001987654321,"title":"Cohort 7","is_forum":true,"type":"supergroup"},"date":1767225600,"reply_to_message":{"message_id":7,"message_thread_id":7,"from":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"chat":{"id":-1001987654321,"type":"supergroup"},"date":1767220000,"forum_topic_created":{"name":"Week 1","icon_color":7322096}},"is_topic_message":true,"text":"/today"}}
            """);
        Assert.Equal(new ChatAddress("telegram", "-1001987654321", "7"), e.Chat);
    }

    [Fact]
    public void Reply_thread_outside_a_forum_is_not_an_address()
    {
        var e = Map("""
            {"update_id":815512024,"message":{"message_id":401,"message_thread_id":399,"from":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"chat":{"id":-1001987654321,"title":"Cohort 7","type":"supergroup"},"date":1767225600,"text":"agreed"}}
            """);
        Assert.Null(e.Chat!.ThreadId);
    }

    [Theory]
    [InlineData("""{"update_id":815512025,"edited_message":{"message_id":2,"from":{"id":5123456789,"is_bot":false,"first_name":"Linh"},"chat":{"id":5123456789,"type":"private"},"date":1767225600,"edit_date":1767225700,"text":"B) photosynthesis!"}}""")]
    [InlineData("""{"update_id":815512026,"message":{"message_id":5,"from":{"id":5123456789,"is_bot":false,"first_name":"Linh"},"chat":{"id":5123456789,"type":"private"},"date":1767225600,"sticker":{"width":512,"height":512,"emoji":"👍","set_name":"HotCherry","is_animated":true,"is_video":false,"type":"regular","file_id":"CAACAgIAAxkBAAE","file_unique_id":"AgADXQ","file_size":29617}}}""")]
    [InlineData("""{"update_id":815512028,"channel_post":{"message_id":9,"sender_chat":{"id":-1001111111111,"title":"News","type":"channel"},"chat":{"id":-1001111111111,"title":"News","type":"channel"},"date":1767225600,"text":"hi"}}""")]
    [InlineData("""{"update_id":815512029,"message":{"message_id":7,"from":{"id":6543210987,"is_bot":false,"first_name":"Wei"},"chat":{"id":-1001987654321,"type":"supergroup"},"date":1767225600,"pinned_message":{"message_id":3,"chat":{"id":-1001987654321,"type":"supergroup"},"date":1767220000,"text":"rules"}}}""")]
    [InlineData("""{"update_id":815512030,"message_reaction":{"chat":{"id":-1001987654321,"type":"supergroup"},"message_id":3,"date":1767225600,"old_reaction":[],"new_reaction":[{"type":"emoji","emoji":"👍"}]}}""")]
    [InlineData("""{"update_id":815512031,"message":{"message_id":8,"date":1767225600,"text":"no chat at all"}}""")]
    [InlineData("""{"update_id":815512032,"message":{"message_id":8,"chat":{"id":5123456789,"type":"private"},"date":"yesterday","text":"a date of the wrong type"}}""")]
    [InlineData("""{"update_id":815512033}""")]
    public void Shapes_we_do_not_act_on_are_ignored_without_throwing(string json)
    {
        var e = Map(json);
        Assert.Equal(ChatEventKind.Ignored, e.Kind);
        Assert.StartsWith("8155120", e.UpdateId, StringComparison.Ordinal);
    }

    [Fact]
    public void A_photo_or_document_is_a_message_whose_attachment_can_be_sent_again_by_file_id()
    {
        var photo = Map("""
            {"update_id":815512027,"message":{"message_id":6,"from":{"id":5123456789,"is_bot":false,"first_name":"Linh"},"chat":{"id":5123456789,"type":"private"},"date":1767225600,"photo":[{"file_id":"AgAC1","file_unique_id":"AQAD1","file_size":1234,"width":90,"height":67},{"file_id":"AgAC2","file_unique_id":"AQAD2","file_size":9234,"width":800,"height":600}],"caption":"my homework"}}
            """);
        Assert.Equal(ChatEventKind.Message, photo.Kind);
        Assert.Equal("my homework", photo.Text);
        Assert.Equal(Academy.Learning.Messaging.AttachmentKind.Image, photo.Attachment!.Kind);
        Assert.Equal("AgAC2", photo.Attachment.PlatformFileId); // the largest size
        Assert.True(photo.Attachment.SendableOn("telegram"));
        Assert.False(photo.Attachment.SendableOn("playground"));

        var document = Map("""
            {"update_id":815512037,"message":{"message_id":7,"from":{"id":5123456789,"is_bot":false,"first_name":"Linh"},"chat":{"id":5123456789,"type":"private"},"date":1767225600,"document":{"file_id":"BQAC9","file_unique_id":"AgAD9","file_name":"timetable.pdf"}}}
            """);
        Assert.Equal(ChatEventKind.Message, document.Kind);
        Assert.Null(document.Text);
        Assert.Equal(("timetable.pdf", "BQAC9"), (document.Attachment!.FileName, document.Attachment.PlatformFileId));
    }

    [Fact]
    public void User_without_last_name_or_username_is_named_by_first_name()
    {
        var e = Map("""
            {"update_id":815512034,"message":{"message_id":9,"from":{"id":5123456789,"is_bot":false,"first_name":"Linh"},"chat":{"id":5123456789,"first_name":"Linh","type":"private"},"date":1767225600,"text":"hi"}}
            """);
        Assert.Equal(new ChatUser("5123456789", "Linh"), e.From);
    }

    [Fact]
    public void Names_with_emoji_and_right_to_left_text_come_through_intact()
    {
        var e = Map("""
            {"update_id":815512035,"message":{"message_id":10,"from":{"id":5123456789,"is_bot":false,"first_name":"\ud83e\udd8a \u0645\u0631\u064a\u0645","last_name":"\u05d0\u05d1\u05d9 \u200f","language_code":"ar"},"chat":{"id":5123456789,"type":"private"},"date":1767225600,"text":"\u0645\u0631\u062d\u0628\u0627 👋"}}
            """);
        Assert.Equal("🦊 مريم אבי \u200f", e.From!.DisplayName);
        Assert.Equal("مرحبا 👋", e.Text);
        Assert.Equal("ar", e.From.LanguageCode);
    }

    [Fact]
    public void Ids_past_32_bits_survive()
    {
        var e = Map("""
            {"update_id":9876543210,"message":{"message_id":2147483999,"from":{"id":9007199254740,"is_bot":false,"first_name":"Big"},"chat":{"id":-1009007199254740,"type":"supergroup"},"date":1767225600,"text":"hi"}}
            """);
        Assert.Equal("9876543210", e.UpdateId);
        Assert.Equal("9007199254740", e.From!.Id);
        Assert.Equal("-1009007199254740", e.Chat!.ChatId);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("""{"message":{"message_id":1}}""")]
    [InlineData("""{"update_id":"815512001"}""")]
    [InlineData("""{"update_id":1.5}""")]
    [InlineData("not json")]
    public void Only_a_payload_that_is_not_an_update_throws(string json)
    {
        Assert.Throws<TelegramPayloadException>(() => Map(json));
    }

    [Fact]
    public void The_element_overload_maps_the_same()
    {
        using var doc = JsonDocument.Parse("""{"update_id":1,"poll_answer":{"poll_id":"p","user":{"id":2,"is_bot":false,"first_name":"A"},"option_ids":[1]}}""");
        Assert.Equal(ChatEventKind.PollAnswer, TelegramMapper.Map(doc.RootElement, Bot).Kind);
    }
}
