using System.Net;
using Academy.BotHost.Channels.Telegram;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Telegram;

public sealed class TelegramRenderingTests
{
    private static readonly ChatAddress Learner = new("telegram", "5123456789");
    private static readonly ChatAddress Topic = new("telegram", "-1001987654321", "42");

    private static IReadOnlyList<TelegramRequest> Render(OutgoingMessage m) => TelegramMapper.ToRequests(m);

    private static SendMessageRequest OnlyText(OutgoingMessage m) => Assert.IsType<SendMessageRequest>(Assert.Single(Render(m)).Payload);

    [Fact]
    public void Plain_text_is_escaped_for_html()
    {
        var send = OnlyText(new OutgoingMessage { To = Learner, Text = "if a < b && b > c then <b>not bold</b>" });
        Assert.Equal("if a &lt; b &amp;&amp; b &gt; c then &lt;b&gt;not bold&lt;/b&gt;", send.Text);
        Assert.Equal("HTML", send.ParseMode);
        Assert.Equal(5123456789, send.ChatId);
        Assert.Null(send.MessageThreadId);
    }

    [Fact]
    public void Mentions_link_to_the_person_when_their_telegram_id_is_known_and_name_them_otherwise()
    {
        var send = OnlyText(new OutgoingMessage
        {
            To = Topic,
            Text = "Not checked in yet:",
            Mentions = [new Mention("Trần <Hùng>", "777001"), new Mention("李娜", null)],
        });
        Assert.Equal("Not checked in yet:\n\n<a href=\"tg://user?id=777001\">Trần &lt;Hùng&gt;</a>, 李娜", send.Text);
    }

    [Fact]
    public void Markdown_subset_becomes_telegram_html_with_user_text_escaped()
    {
        var send = OnlyText(new OutgoingMessage
        {
            To = Learner,
            Format = TextFormat.Markdown,
            Text = "# Week 1 <intro>\n**Bold** and *italic* and _also_ and [the guide](https://example.com/a?b=1&c=\"2\")\n- first & foremost\n- second",
        });
        Assert.Equal(
            "<b>Week 1 &lt;intro&gt;</b>\n<b>Bold</b> and <i>italic</i> and <i>also</i> and <a href=\"https://example.com/a?b=1&amp;c=&quot;2&quot;\">the guide</a>\n• first &amp; foremost\n• second",
            send.Text);
    }

    [Theory]
    [InlineData("snake_case_name and 2*3*4", "snake_case_name and 2*3*4")]
    [InlineData("**never closed", "**never closed")]
    [InlineData("* not a list", "* not a list")]
    [InlineData("[click](javascript:alert(1))", "[click](javascript:alert(1))")]
    [InlineData("**bold with *italic* inside**", "<b>bold with <i>italic</i> inside</b>")]
    [InlineData("\\*literal\\*", "*literal*")]
    [InlineData("#hashtag", "#hashtag")]
    public void Markdown_that_is_not_well_formed_stays_literal(string markdown, string html)
    {
        Assert.Equal(html, TelegramHtml.FromMarkdown(markdown));
    }

    [Theory]
    [InlineData("Run `dotnet test` now", "Run <code>dotnet test</code> now")]
    [InlineData("`<script>alert('&amp;')</script>`", "<code>&lt;script&gt;alert('&amp;amp;')&lt;/script&gt;</code>")]
    [InlineData("`**not bold** [x](https://e.com) _no_`", "<code>**not bold** [x](https://e.com) _no_</code>")]
    [InlineData("`</code><b>` and `a`", "<code>&lt;/code&gt;&lt;b&gt;</code> and <code>a</code>")]
    [InlineData("``a ` b``", "<code>a ` b</code>")]
    [InlineData("`` `tick` ``", "<code>`tick`</code>")]
    [InlineData("`never closed", "`never closed")]
    [InlineData("``not `closed` by a shorter run", "``not <code>closed</code> by a shorter run")]
    [InlineData("\\`literal\\`", "`literal`")]
    [InlineData("- `a` & `b`", "• <code>a</code> &amp; <code>b</code>")]
    [InlineData("empty `` and ` ` stay", "empty `` and ` ` stay")]
    public void Inline_code_is_code_with_its_content_as_written_and_escaped(string markdown, string html)
    {
        Assert.Equal(html, TelegramHtml.FromMarkdown(markdown));
    }

    [Theory]
    [InlineData("# Install `git`", "<b>Install git</b>")]
    [InlineData("**use `sudo` <carefully>**", "<b>use sudo &lt;carefully&gt;</b>")]
    [InlineData("[the `ls` page](https://example.com)", "<a href=\"https://example.com\">the ls page</a>")]
    public void Code_inside_bold_italic_or_a_link_is_its_text_since_telegram_nests_no_code(string markdown, string html)
    {
        Assert.Equal(html, TelegramHtml.FromMarkdown(markdown));
    }

    [Fact]
    public void Long_text_splits_into_parts_that_fit_and_concatenate_to_the_original()
    {
        var paragraph = string.Join(' ', Enumerable.Range(0, 120).Select(i => $"word{i} <&>"));
        var text = string.Join("\n\n", Enumerable.Repeat(paragraph, 10))[..10_000];
        var requests = Render(new OutgoingMessage { To = Learner, Text = text, Buttons = [[new Button("Next", "next")]] });

        var parts = requests.Select(r => Assert.IsType<SendMessageRequest>(r.Payload)).ToList();
        Assert.True(parts.Count >= 3);
        Assert.All(parts, p => Assert.InRange(TelegramHtml.VisibleLength(p.Text), 1, 4096));
        Assert.Equal(text, WebUtility.HtmlDecode(string.Concat(parts.Select(p => p.Text))));
        Assert.All(parts[..^1], p => Assert.Null(p.ReplyMarkup));
        Assert.IsType<InlineKeyboardMarkup>(parts[^1].ReplyMarkup);
        // Cut at a paragraph break when one is near the limit.
        Assert.EndsWith("\n\n", parts[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Splitting_never_cuts_an_entity_and_keeps_tags_balanced()
    {
        var entities = TelegramHtml.Split(TelegramHtml.Escape(new string('&', 5000)));
        Assert.Equal(2, entities.Count);
        Assert.All(entities, p => Assert.Matches("^(&amp;)+$", p));

        var bold = TelegramHtml.Split(TelegramHtml.FromMarkdown("**" + new string('x', 5000) + "**"));
        Assert.Equal(2, bold.Count);
        Assert.All(bold, p => Assert.Matches("^<b>x+</b>$", p));
        Assert.Equal(5000, bold.Sum(TelegramHtml.VisibleLength));

        var link = TelegramHtml.Split("<a href=\"https://x.org\">" + string.Join(' ', Enumerable.Repeat("abc", 2000)) + "</a>");
        Assert.All(link, p => Assert.Matches("^<a href=\"https://x.org\">[a-c ]+</a>$", p));
    }

    [Fact]
    public void Emoji_are_never_split_in_half()
    {
        var parts = TelegramHtml.Split(string.Concat(Enumerable.Repeat("🦊", 3000)));
        Assert.All(parts, p => Assert.False(char.IsHighSurrogate(p[^1])));
        Assert.Equal(6000, parts.Sum(p => p.Length));
    }

    [Fact]
    public void Quiz_with_one_correct_answer_is_a_non_anonymous_quiz_poll()
    {
        var poll = Assert.IsType<SendPollRequest>(Assert.Single(Render(new OutgoingMessage
        {
            To = Topic,
            Quiz = new QuizContent("Which gas do plants absorb?", ["O2", "CO2", "N2"], [1], false, new string('e', 250), 991),
        })).Payload);
        Assert.False(poll.IsAnonymous);
        Assert.Equal("quiz", poll.Type);
        Assert.Equal([1], poll.CorrectOptionIds!);
        Assert.Null(poll.AllowsMultipleAnswers);
        Assert.False(poll.AllowsRevoting); // the first answer counts: no changing it
        Assert.Equal(["O2", "CO2", "N2"], poll.Options.Select(o => o.Text));
        Assert.Equal(42, poll.MessageThreadId);
        Assert.Equal(200, poll.Explanation!.Length);
        Assert.EndsWith("…", poll.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Quiz_with_several_correct_answers_is_a_multiple_answer_quiz_poll()
    {
        // Bot API 9.6: a quiz may have several correct options (correct_option_ids), chosen together.
        var poll = Assert.IsType<SendPollRequest>(Assert.Single(Render(new OutgoingMessage
        {
            To = Learner,
            Quiz = new QuizContent("Which are prime?", ["2", "4", "3"], [2, 0], true, "2 and 3", 992),
        })).Payload);
        Assert.Equal("quiz", poll.Type);
        Assert.True(poll.AllowsMultipleAnswers);
        Assert.False(poll.IsAnonymous);
        Assert.False(poll.AllowsRevoting);
        Assert.Equal([0, 2], poll.CorrectOptionIds!); // increasing, as the API requires
        Assert.Equal("2 and 3", poll.Explanation);
    }

    [Theory]
    [InlineData(101, 3)]
    [InlineData(10, 1)]
    [InlineData(10, 13)]
    public void Quiz_that_does_not_fit_a_poll_falls_back_to_buttons(int optionLength, int optionCount)
    {
        var options = Enumerable.Range(0, optionCount).Select(i => new string((char)('a' + i), optionLength)).ToList();
        var send = Assert.IsType<SendMessageRequest>(Assert.Single(Render(new OutgoingMessage
        {
            To = Topic,
            Quiz = new QuizContent("Pick <one>", options, [0], false, null, 9_223_372_036_854_775_807),
        })).Payload);
        Assert.StartsWith("<b>Pick &lt;one&gt;</b>\n\n1. ", send.Text, StringComparison.Ordinal);
        Assert.Equal(42, send.MessageThreadId);
        var rows = Assert.IsType<InlineKeyboardMarkup>(send.ReplyMarkup).InlineKeyboard;
        Assert.Equal(optionCount, rows.Count);
        Assert.Equal("q:9223372036854775807:0", rows[0][0].CallbackData);
        Assert.All(rows, r => Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(r[0].CallbackData), 1, 64));
    }

    [Fact]
    public void Contact_request_is_a_one_time_reply_keyboard()
    {
        var send = OnlyText(new OutgoingMessage { To = Learner, Text = "Please share your number", RequestContactLabel = "📱 Share my number" });
        var keyboard = Assert.IsType<ReplyKeyboardMarkup>(send.ReplyMarkup);
        var button = Assert.Single(Assert.Single(keyboard.Keyboard));
        Assert.Equal("📱 Share my number", button.Text);
        Assert.True(button.RequestContact);
        Assert.True(keyboard.OneTimeKeyboard);
        Assert.True(keyboard.ResizeKeyboard);
    }

    [Fact]
    public void Buttons_and_a_contact_request_go_in_two_messages()
    {
        var requests = Render(new OutgoingMessage
        {
            To = Learner, Text = "Welcome", Buttons = [[new Button("Help", "help")]], RequestContactLabel = "Share",
        });
        Assert.Equal(2, requests.Count);
        Assert.IsType<InlineKeyboardMarkup>(((SendMessageRequest)requests[0].Payload).ReplyMarkup);
        Assert.IsType<ReplyKeyboardMarkup>(((SendMessageRequest)requests[1].Payload).ReplyMarkup);
    }

    [Fact]
    public void Every_request_to_a_topic_keeps_its_thread()
    {
        var requests = Render(new OutgoingMessage
        {
            To = Topic,
            Text = new string('x', 5000) + " " + new string('y', 100),
            Attachment = new Attachment(AttachmentKind.Document, "report.pdf", Url: "https://example.com/report.pdf"),
            Buttons = [[new Button("OK", "ok")]],
        });
        Assert.Equal(3, requests.Count);
        Assert.Equal(2, requests.Count(r => r.Payload is SendMessageRequest { MessageThreadId: 42 }));
        var document = Assert.IsType<SendDocumentRequest>(requests[^1].Payload);
        Assert.Equal(42, document.MessageThreadId);
        Assert.Null(document.Caption); // too long for a caption: sent as text before it
        Assert.IsType<InlineKeyboardMarkup>(document.ReplyMarkup);
    }

    [Fact]
    public void Attachment_with_a_short_text_carries_it_as_caption_and_bytes_as_an_upload()
    {
        var photo = Assert.IsType<SendPhotoRequest>(Assert.Single(Render(new OutgoingMessage
        {
            To = Learner,
            Text = "Your **certificate**",
            Format = TextFormat.Markdown,
            Attachment = new Attachment(AttachmentKind.Image, "cert.png", Content: [1, 2, 3]),
        })).Payload);
        Assert.Equal("Your <b>certificate</b>", photo.Caption);
        Assert.Equal("HTML", photo.ParseMode);
        Assert.Null(photo.Photo);
        Assert.Equal("cert.png", photo.Upload!.FileName);
    }

    [Fact]
    public void A_button_press_is_acknowledged_before_a_reply_that_carries_more_than_a_notice()
    {
        var buttons = new[] { new[] { new Button("Next", "n:1") } };
        var requests = Render(new OutgoingMessage { To = Learner, Text = "Lesson 2", Buttons = buttons, AnswersCallbackId = "4382bf" });
        Assert.Equal([TelegramMethods.AnswerCallbackQuery, TelegramMethods.SendMessage], requests.Select(r => r.Method));
        var ack = Assert.IsType<AnswerCallbackQueryRequest>(requests[0].Payload);
        Assert.Equal("4382bf", ack.CallbackQueryId);
        Assert.Null(ack.Text);
    }

    [Fact]
    public void A_notice_in_answer_to_a_press_is_a_toast_not_a_message_to_the_whole_group()
    {
        var request = Assert.Single(Render(new OutgoingMessage { To = Learner, Text = "Correct!", AnswersCallbackId = "4382bf" }));
        Assert.Equal("Correct!", Assert.IsType<AnswerCallbackQueryRequest>(request.Payload).Text);
    }

    [Fact]
    public void With_no_chat_the_reply_to_a_press_is_a_toast()
    {
        var request = Assert.Single(Render(new OutgoingMessage { To = new ChatAddress("telegram", ""), Text = "Saved", AnswersCallbackId = "4382bf" }));
        Assert.Equal("Saved", Assert.IsType<AnswerCallbackQueryRequest>(request.Payload).Text);
    }

    [Fact]
    public void Spent_buttons_come_off_the_pressed_message_with_no_other_change()
    {
        var edit = Assert.IsType<EditMessageReplyMarkupRequest>(Assert.Single(Render(new OutgoingMessage
        {
            To = Learner, EditMessageId = "88", EditsButtonsOnly = true,
        })).Payload);
        Assert.Equal((5123456789, 88), (edit.ChatId, edit.MessageId));
        Assert.Null(edit.ReplyMarkup); // none given: the keyboard goes
    }

    [Fact]
    public void A_choice_replaces_the_buttons_under_the_messages_own_text_escaped()
    {
        var requests = Render(new OutgoingMessage
        {
            To = Learner, EditMessageId = "88", EditsButtonsOnly = true, Text = "✓ Your choice: <English>",
            EditedText = "Welcome! **Choose** a language", EditedFormat = TextFormat.Markdown,
        });
        var edit = Assert.IsType<EditMessageTextRequest>(Assert.Single(requests).Payload);
        Assert.Equal(TelegramMethods.EditMessageText, requests[0].Method);
        Assert.Equal(88, edit.MessageId);
        Assert.Equal("Welcome! <b>Choose</b> a language\n\n✓ Your choice: &lt;English&gt;", edit.Text);
        Assert.Null(edit.ReplyMarkup);
    }

    [Fact]
    public void A_choice_whose_message_text_is_unknown_or_too_long_only_takes_the_buttons_off()
    {
        foreach (var earlier in new string?[] { null, new string('x', 4090) })
            Assert.Equal(TelegramMethods.EditMessageReplyMarkup, Assert.Single(Render(new OutgoingMessage
            {
                To = Learner, EditMessageId = "88", EditsButtonsOnly = true, Text = "✓ Your choice: B", EditedText = earlier,
            })).Method);
    }

    [Fact]
    public void Spent_buttons_of_a_message_that_never_went_out_send_nothing()
    {
        Assert.Empty(Render(new OutgoingMessage { To = Learner, EditsButtonsOnly = true, Text = "✓ Your choice: B" }));
    }

    [Fact]
    public void The_message_after_the_contact_was_shared_takes_the_contact_keyboard_away()
    {
        var send = OnlyText(new OutgoingMessage { To = Learner, Text = "Welcome, Linh!", EndsContactRequest = true });
        Assert.IsType<ReplyKeyboardRemove>(send.ReplyMarkup);
        // Inline buttons keep their place: the removal rides on a part without a keyboard of its own.
        var parts = Render(new OutgoingMessage
        {
            To = Learner, Text = new string('a', 5000) + " b", Buttons = [[new Button("Help", "help")]], EndsContactRequest = true,
        });
        Assert.IsType<ReplyKeyboardRemove>(((SendMessageRequest)parts[0].Payload).ReplyMarkup);
        Assert.IsType<InlineKeyboardMarkup>(((SendMessageRequest)parts[1].Payload).ReplyMarkup);
    }

    [Theory]
    [InlineData("@channel", "hi", null)]
    [InlineData("5123456789", null, null)]
    [InlineData("5123456789", "hi", "this-button-data-is-far-too-long-for-telegram-because-it-is-over-64-bytes")]
    public void Messages_telegram_cannot_carry_are_refused(string chatId, string? text, string? data)
    {
        Assert.Throws<ArgumentException>(() => Render(new OutgoingMessage
        {
            To = new ChatAddress("telegram", chatId),
            Text = text,
            Buttons = data is null ? [] : [[new Button("x", data)]],
        }));
    }
}
