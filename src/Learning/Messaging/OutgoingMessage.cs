using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Messaging;

/// <summary>How the text of a message is to be read.</summary>
public enum TextFormat
{
    /// <summary>Literal text: the channel escapes whatever its markup would interpret.</summary>
    Plain,
    /// <summary>A small Markdown subset (**bold**, *italic*, [links](https://…), # headings, - lists) the channel renders.</summary>
    Markdown,
}

/// <summary>A button under a message. <see cref="Data"/> comes back in the press (at most 64 bytes, UTF-8).</summary>
public sealed record Button(string Label, string Data);

/// <summary>
/// A quiz question. Channels with native quiz polls send one (never anonymous, so answers come
/// back); others render buttons whose data answers <see cref="DeliveryId"/>.
/// </summary>
/// <param name="Correct">Indices of the correct options.</param>
/// <param name="DeliveryId">The delivery the answers count against.</param>
/// <param name="SubmitLabel">For a multiple-answer question rendered as buttons: the label of the button
/// that submits the ticked options (<c>q:DELIVERY:submit</c>).</param>
public sealed record QuizContent(string Question, IReadOnlyList<string> Options, IReadOnlyList<int> Correct,
    bool MultipleAnswers, string? Explanation, long DeliveryId, string? SubmitLabel = null)
{
    /// <summary>The button data of option <paramref name="option"/>, and of Submit.</summary>
    public string OptionData(int option) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"q:{DeliveryId}:{option}");

    public string SubmitData => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"q:{DeliveryId}:submit");

    /// <summary>Buttons for channels without native polls: one per option, plus Submit for multiple answers.</summary>
    public IReadOnlyList<IReadOnlyList<Button>> AsButtons(Func<int, string, string>? label = null)
    {
        var rows = Options.Select((o, i) => (IReadOnlyList<Button>)[new Button(label?.Invoke(i, o) ?? o, OptionData(i))]).ToList();
        if (MultipleAnswers && SubmitLabel is not null) rows.Add([new Button(SubmitLabel, SubmitData)]);
        return rows;
    }
}

/// <summary>
/// An image or document: by URL, as bytes produced here (charts, certificates), or by the id a
/// platform gave a file someone sent (<paramref name="PlatformFileId"/>, valid on <paramref name="PlatformChannel"/> only).
/// </summary>
public sealed record Attachment(AttachmentKind Kind, string FileName, string? Url = null, byte[]? Content = null,
    string? PlatformFileId = null, string? PlatformChannel = null)
{
    /// <summary>Whether a channel can send it: a platform's file id means nothing elsewhere.</summary>
    public bool SendableOn(string channel) => PlatformFileId is null || PlatformChannel == channel;
}

public enum AttachmentKind { Image, Document }

/// <summary>
/// A person named in a message so the platform notifies them (a reminder tagging who has not
/// checked in). <see cref="UserId"/> is their id on the message's channel; without one the channel
/// writes the name as plain text.
/// </summary>
public sealed record Mention(string Name, string? UserId);

/// <summary>
/// A reply or push, in channel-neutral terms. Exactly one of text, quiz or attachment carries the
/// substance; buttons and the contact request ride along.
/// </summary>
public sealed record OutgoingMessage
{
    public required ChatAddress To { get; init; }
    public string? Text { get; init; }
    public TextFormat Format { get; init; } = TextFormat.Plain;
    /// <summary>Rows of buttons.</summary>
    public IReadOnlyList<IReadOnlyList<Button>> Buttons { get; init; } = [];
    /// <summary>Ask the person to share their phone number (private chats only).</summary>
    public string? RequestContactLabel { get; init; }
    public QuizContent? Quiz { get; init; }
    public Attachment? Attachment { get; init; }
    /// <summary>People to tag, rendered by the channel after the text (e.g. "@Name, @Name").</summary>
    public IReadOnlyList<Mention> Mentions { get; init; } = [];
    /// <summary>
    /// For a button press: the platform's id of the press to acknowledge. A message with only text
    /// besides is a notice shown to the presser alone (a toast), not a message to the chat.
    /// </summary>
    public string? AnswersCallbackId { get; init; }
    /// <summary>
    /// The idempotency key of an earlier message to the same chat that this one replaces in place (a
    /// live report): channels that can edit change that message; where it was never delivered, this
    /// one goes out as a new message.
    /// </summary>
    public string? Edits { get; init; }
    /// <summary>
    /// The platform's id of the message to change: set by the dispatcher from <see cref="Edits"/>, or
    /// by a handler that knows it (the message whose button was just pressed).
    /// </summary>
    public string? EditMessageId { get; init; }
    /// <summary>
    /// This message changes only the buttons of the earlier one it names (<see cref="Edits"/> or
    /// <see cref="EditMessageId"/>), once they can no longer be used: they become <see cref="Buttons"/>
    /// (none: removed), and <see cref="Text"/>, when set, is a line shown under that message's text in
    /// their place — the choice made. The earlier message is otherwise left as it is. Where it is
    /// unknown, or the channel cannot change a sent message, nothing is sent: a new message saying so
    /// would only be noise.
    /// </summary>
    public bool EditsButtonsOnly { get; init; }
    /// <summary>
    /// Set by the dispatcher for <see cref="EditsButtonsOnly"/> with a choice line: the text and format
    /// of the earlier message as last sent, for a channel that can only replace a message's text whole.
    /// </summary>
    public string? EditedText { get; init; }
    /// <summary>The format of <see cref="EditedText"/>.</summary>
    public TextFormat EditedFormat { get; init; }
    /// <summary>
    /// The phone number asked for with <see cref="RequestContactLabel"/> earlier has been given: a
    /// channel that keeps that request standing (Telegram's reply keyboard) takes it away with this message.
    /// </summary>
    public bool EndsContactRequest { get; init; }
    /// <summary>
    /// Set by the dispatcher: the outbox row this send carries out. A send cut off by a dead host is
    /// made again; a channel whose "platform" is this store (the playground) keys its write by it, so
    /// it never shows one row twice. The platforms cannot, so there it is at-least-once.
    /// </summary>
    public long? OutboxId { get; init; }
}
