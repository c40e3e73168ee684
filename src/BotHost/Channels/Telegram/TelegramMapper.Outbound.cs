using System.Globalization;
using System.Text;
using Academy.Learning.Messaging;

namespace Academy.BotHost.Channels.Telegram;

public static partial class TelegramMapper
{
    public const int MaxQuestionLength = 300;
    public const int MaxOptionLength = 100;
    public const int MinOptions = 2;
    public const int MaxOptions = 12;
    public const int MaxExplanationLength = 200;
    public const int MaxToastLength = 200;
    public const int MaxCallbackDataBytes = 64;

    /// <summary>
    /// The Bot API calls that deliver <paramref name="message"/>, in order: the press acknowledgement
    /// first, then text (split at 4096 visible characters), quiz and attachment. Inline buttons go on
    /// the last request. Throws <see cref="ArgumentException"/> when the message cannot be expressed
    /// on Telegram (a chat id that is not a number, nothing to send, button data over 64 bytes).
    /// </summary>
    public static IReadOnlyList<TelegramRequest> ToRequests(OutgoingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.EditsButtonsOnly) return ButtonsEditRequests(message);
        var requests = new List<TelegramRequest>();

        // No chat to write to, or nothing but a short notice: the reply to a press is a toast on the
        // pressed button, not a message that every member of a group would see.
        var noticeOnly = message.AnswersCallbackId is not null && message.Quiz is null && message.Attachment is null &&
                         message.Buttons.Count == 0 && message.RequestContactLabel is null;
        if (string.IsNullOrEmpty(message.To.ChatId) || noticeOnly)
        {
            if (message.AnswersCallbackId is null) throw new ArgumentException("The message has no chat to go to.", nameof(message));
            return [Acknowledge(message.AnswersCallbackId, message.Text)];
        }
        if (message.AnswersCallbackId is { } callbackId) requests.Add(Acknowledge(callbackId, toast: null));

        var chatId = ParseId(message.To.ChatId, "chat id");
        // A text message replacing an earlier one (a live report) is an edit in place.
        if (message.EditMessageId is { } editId && !string.IsNullOrEmpty(message.Text) && message.Quiz is null && message.Attachment is null
            && message.Mentions.Count == 0 && message.RequestContactLabel is null)
        {
            var edited = Html(message.Text, message.Format);
            requests.Add(new(TelegramMethods.EditMessageText, new EditMessageTextRequest(chatId, ParseId(editId, "message id"), edited)
            {
                ReplyMarkup = InlineKeyboard(message.Buttons),
            }));
            return requests;
        }
        long? threadId = message.To.ThreadId is { } thread ? ParseId(thread, "thread id") : null;
        var target = new Target(chatId, threadId);
        var buttons = InlineKeyboard(message.Buttons);
        var substance = new List<TelegramRequest>();

        var html = string.IsNullOrEmpty(message.Text) ? null : Html(message.Text, message.Format);
        if (message.Mentions.Count > 0)
            html = (html is null ? "" : html + "\n\n") + string.Join(", ", message.Mentions.Select(MentionHtml));
        var caption = message.Attachment is not null && html is not null && TelegramHtml.VisibleLength(html) <= TelegramHtml.MaxCaptionLength
            ? html : null;
        if (html is not null && caption is null) substance.AddRange(TextRequests(target, html));
        if (message.Quiz is { } quiz) substance.AddRange(QuizRequests(target, quiz));
        if (message.Attachment is { } attachment) substance.Add(AttachmentRequest(target, attachment, caption));

        if (buttons is not null)
        {
            if (substance.Count == 0) throw new ArgumentException("Buttons need a text to sit under.", nameof(message));
            substance[^1] = WithMarkup(substance[^1], buttons);
        }
        if (message.RequestContactLabel is { } label)
        {
            var keyboard = new ReplyKeyboardMarkup([[new KeyboardButton(label, RequestContact: true)]])
            {
                OneTimeKeyboard = true,
                ResizeKeyboard = true,
            };
            // A message carries one keyboard: next to inline buttons (or alone) the contact request
            // is a message of its own, its label its text.
            if (substance.Count > 0 && buttons is null) substance[^1] = WithMarkup(substance[^1], keyboard);
            else substance.Add(TextRequest(target, TelegramHtml.Escape(label), keyboard));
        }

        // The contact keyboard stays under the chat's input until told to go: the first part without
        // a keyboard of its own takes it away.
        if (message.EndsContactRequest && message.RequestContactLabel is null && substance.FindIndex(r => !HasMarkup(r)) is var bare and >= 0)
            substance[bare] = WithMarkup(substance[bare], new ReplyKeyboardRemove());

        if (substance.Count == 0 && requests.Count == 0) throw new ArgumentException("The message has nothing to send.", nameof(message));
        requests.AddRange(substance);
        return requests;
    }

    private static string Html(string text, TextFormat format) =>
        format == TextFormat.Markdown ? TelegramHtml.FromMarkdown(text) : TelegramHtml.Escape(text);

    /// <summary>
    /// The buttons of an earlier message are spent: removed (editMessageReplyMarkup), or replaced by
    /// the choice made, written under the message's text (editMessageText, which needs that text).
    /// Nothing at all when the earlier message is unknown.
    /// </summary>
    private static IReadOnlyList<TelegramRequest> ButtonsEditRequests(OutgoingMessage message)
    {
        var requests = new List<TelegramRequest>();
        if (message.AnswersCallbackId is { } callbackId) requests.Add(Acknowledge(callbackId, toast: null));
        if (message.EditMessageId is not { } editId || string.IsNullOrEmpty(message.To.ChatId)) return requests;
        var chatId = ParseId(message.To.ChatId, "chat id");
        var messageId = ParseId(editId, "message id");
        var keyboard = InlineKeyboard(message.Buttons);
        if (!string.IsNullOrEmpty(message.Text) && !string.IsNullOrEmpty(message.EditedText))
        {
            var html = Html(message.EditedText, message.EditedFormat) + "\n\n" + TelegramHtml.Escape(message.Text);
            // A text that was split over several messages has its buttons on the last: not this one to rewrite.
            if (TelegramHtml.VisibleLength(html) <= TelegramHtml.MaxTextLength)
            {
                requests.Add(new(TelegramMethods.EditMessageText, new EditMessageTextRequest(chatId, messageId, html) { ReplyMarkup = keyboard }));
                return requests;
            }
        }
        requests.Add(new(TelegramMethods.EditMessageReplyMarkup, new EditMessageReplyMarkupRequest(chatId, messageId, keyboard)));
        return requests;
    }

    private static bool HasMarkup(TelegramRequest request) => request.Payload switch
    {
        SendMessageRequest m => m.ReplyMarkup is not null,
        SendPollRequest p => p.ReplyMarkup is not null,
        SendPhotoRequest p => p.ReplyMarkup is not null,
        SendDocumentRequest d => d.ReplyMarkup is not null,
        _ => true,
    };

    private readonly record struct Target(long ChatId, long? ThreadId);

    private static TelegramRequest Acknowledge(string callbackId, string? toast) =>
        new(TelegramMethods.AnswerCallbackQuery, new AnswerCallbackQueryRequest(callbackId)
        {
            Text = string.IsNullOrEmpty(toast) ? null : Truncate(toast, MaxToastLength),
        });

    // A link to tg://user?id= notifies the person even without a public @username; without an id
    // on Telegram the name is written out, so the group still sees who is meant.
    private static string MentionHtml(Mention mention) =>
        mention.UserId is { } id && long.TryParse(id, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var userId)
            ? $"<a href=\"tg://user?id={userId.ToString(System.Globalization.CultureInfo.InvariantCulture)}\">{TelegramHtml.Escape(mention.Name)}</a>"
            : TelegramHtml.Escape(mention.Name);

    private static IEnumerable<TelegramRequest> TextRequests(Target target, string html) =>
        TelegramHtml.Split(html).Select(part => TextRequest(target, part, null));

    private static TelegramRequest TextRequest(Target target, string html, ReplyMarkup? markup) =>
        new(TelegramMethods.SendMessage, new SendMessageRequest(target.ChatId, html)
        {
            MessageThreadId = target.ThreadId,
            ReplyMarkup = markup,
        });

    /// <summary>
    /// A native poll when the question fits Telegram's limits; otherwise numbered text with one
    /// button per option, which we grade ourselves. Truncating a question or option could change
    /// its meaning, so only the explanation is shortened.
    /// </summary>
    private static IEnumerable<TelegramRequest> QuizRequests(Target target, QuizContent quiz)
    {
        if (!FitsNativePoll(quiz))
        {
            var text = new StringBuilder("<b>").Append(TelegramHtml.Escape(quiz.Question)).Append("</b>\n");
            for (var i = 0; i < quiz.Options.Count; i++)
                text.Append('\n').Append(i + 1).Append(". ").Append(TelegramHtml.Escape(quiz.Options[i]));
            var buttons = quiz.AsButtons((i, option) => Truncate($"{i + 1}. {option}", 40))
                .Select(row => (IReadOnlyList<InlineKeyboardButton>)row.Select(b => new InlineKeyboardButton(b.Label, b.Data)).ToList())
                .ToList();
            var parts = TextRequests(target, text.ToString()).ToList();
            if (parts.Count > 0) parts[^1] = WithMarkup(parts[^1], new InlineKeyboardMarkup(buttons));
            return parts;
        }

        // A quiz either way: since Bot API 9.6 a quiz may have several correct options, chosen
        // together. Votes cannot be changed (the first answer is the one that counts, as everywhere);
        // Telegram's default for a quiz already, said outright so a changed default cannot reopen it.
        var multiple = quiz.MultipleAnswers || quiz.Correct.Distinct().Count() > 1;
        return
        [
            new(TelegramMethods.SendPoll, new SendPollRequest(target.ChatId, quiz.Question,
                quiz.Options.Select(o => new InputPollOption(o)).ToList())
            {
                MessageThreadId = target.ThreadId,
                IsAnonymous = false,
                Type = "quiz",
                AllowsMultipleAnswers = multiple ? true : null,
                AllowsRevoting = false,
                CorrectOptionIds = [.. quiz.Correct.Distinct().Order()],
                Explanation = !string.IsNullOrWhiteSpace(quiz.Explanation) ? Truncate(quiz.Explanation, MaxExplanationLength) : null,
            }),
        ];
    }

    private static bool FitsNativePoll(QuizContent quiz) =>
        quiz.Question.Trim().Length is > 0 and <= MaxQuestionLength
        && quiz.Options.Count is >= MinOptions and <= MaxOptions
        && quiz.Options.All(o => o.Trim().Length is > 0 and <= MaxOptionLength)
        && quiz.Correct.Count > 0 // a quiz poll needs its correct options
        && quiz.Correct.All(c => c >= 0 && c < quiz.Options.Count);

    private static TelegramRequest AttachmentRequest(Target target, Attachment attachment, string? caption)
    {
        var upload = attachment.Content is { } bytes ? new FileUpload(attachment.FileName, bytes) : null;
        // A file someone sent the bot goes out again by its file id, without downloading it.
        if (attachment.PlatformFileId is { } fileId)
        {
            if (attachment.PlatformChannel != Channel) throw new ArgumentException("The file was received on another platform.", nameof(attachment));
            attachment = attachment with { Url = fileId };
        }
        if (upload is null && string.IsNullOrEmpty(attachment.Url))
            throw new ArgumentException("An attachment needs a URL or content.", nameof(attachment));
        var parseMode = caption is null ? null : "HTML";
        return attachment.Kind == AttachmentKind.Image
            ? new(TelegramMethods.SendPhoto, new SendPhotoRequest(target.ChatId)
            {
                MessageThreadId = target.ThreadId,
                Photo = upload is null ? attachment.Url : null,
                Upload = upload,
                Caption = caption,
                ParseMode = parseMode,
            })
            : new(TelegramMethods.SendDocument, new SendDocumentRequest(target.ChatId)
            {
                MessageThreadId = target.ThreadId,
                Document = upload is null ? attachment.Url : null,
                Upload = upload,
                Caption = caption,
                ParseMode = parseMode,
            });
    }

    private static InlineKeyboardMarkup? InlineKeyboard(IReadOnlyList<IReadOnlyList<Button>> rows)
    {
        var keyboard = rows.Where(r => r.Count > 0)
            .Select(r => (IReadOnlyList<InlineKeyboardButton>)r.Select(b =>
            {
                var bytes = Encoding.UTF8.GetByteCount(b.Data);
                if (bytes is 0 or > MaxCallbackDataBytes)
                    throw new ArgumentException($"Button data must be 1–{MaxCallbackDataBytes} bytes; \"{b.Label}\" has {bytes}.", nameof(rows));
                return new InlineKeyboardButton(b.Label, b.Data);
            }).ToList())
            .ToList();
        return keyboard.Count == 0 ? null : new InlineKeyboardMarkup(keyboard);
    }

    private static TelegramRequest WithMarkup(TelegramRequest request, ReplyMarkup markup) => request.Payload switch
    {
        SendMessageRequest m => request with { Payload = m with { ReplyMarkup = Merge(m.ReplyMarkup, markup) } },
        SendPollRequest p => request with { Payload = p with { ReplyMarkup = Merge(p.ReplyMarkup, markup) } },
        SendPhotoRequest p => request with { Payload = p with { ReplyMarkup = Merge(p.ReplyMarkup, markup) } },
        SendDocumentRequest d => request with { Payload = d with { ReplyMarkup = Merge(d.ReplyMarkup, markup) } },
        _ => request,
    };

    /// <summary>The message's own buttons go under a fallback quiz's answer buttons rather than replace them.</summary>
    private static ReplyMarkup Merge(ReplyMarkup? existing, ReplyMarkup added) =>
        existing is InlineKeyboardMarkup first && added is InlineKeyboardMarkup second
            ? new InlineKeyboardMarkup([.. first.InlineKeyboard, .. second.InlineKeyboard])
            : added;

    private static long ParseId(string id, string what) =>
        long.TryParse(id, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"A Telegram {what} is a 64-bit number, not \"{id}\".", nameof(id));

    private static string Truncate(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = max - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--; // never half an emoji
        return text[..cut] + "…";
    }
}
