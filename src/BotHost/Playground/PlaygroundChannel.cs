using System.Text.Json;
using System.Text.Json.Serialization;
using Academy.BotHost.Channels;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.BotHost.Chat;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Playground;

/// <summary>
/// What the browser posts: a persona doing one thing in one simulated chat. Stored in the inbox as
/// is; <see cref="PlaygroundMapper"/> turns it into a chat event like any platform update.
/// </summary>
public sealed record PlaygroundUpdate
{
    public string UpdateId { get; init; } = "";
    public string PersonaId { get; init; } = "";
    public string PersonaName { get; init; } = "";
    public string ChatId { get; init; } = "";
    public string? Text { get; init; }
    public string? Button { get; init; }
    /// <summary>The transcript id of the message whose button was pressed.</summary>
    public long? MessageId { get; init; }
    public bool ShareContact { get; init; }
    public string? Phone { get; init; }
    public long SentAt { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Private chats are named after the persona; group chats start with "group-".</summary>
    public bool IsPrivate => !ChatId.StartsWith(PlaygroundChannel.GroupPrefix, StringComparison.Ordinal);
}

/// <summary>The playground's chat ids and channel name.</summary>
public static class PlaygroundChannel
{
    public const string Name = "playground";
    public const string GroupPrefix = "group-";

    public static string PrivateChatOf(string personaId) => "dm-" + personaId;

    /// <summary>
    /// The transcript a message goes to. Learning addresses a person's private chat by their id on
    /// the channel (as on Telegram); here that id is the persona's, and its chat is <c>dm-</c> + id.
    /// </summary>
    public static string TranscriptOf(string chatId) =>
        chatId.StartsWith(GroupPrefix, StringComparison.Ordinal) || chatId.StartsWith("dm-", StringComparison.Ordinal)
            ? chatId
            : PrivateChatOf(chatId);
}

/// <summary>Maps a stored <see cref="PlaygroundUpdate"/> to a neutral chat event.</summary>
public sealed class PlaygroundMapper : IInboundMapper
{
    public string Channel => PlaygroundChannel.Name;

    public ChatEvent Map(string payload)
    {
        var u = JsonSerializer.Deserialize<PlaygroundUpdate>(payload, PlaygroundUpdate.Json)
                ?? throw new JsonException("Empty playground update.");
        var e = new ChatEvent
        {
            Channel = Channel,
            UpdateId = u.UpdateId,
            Kind = ChatEventKind.Ignored,
            Chat = new ChatAddress(Channel, u.ChatId),
            IsPrivate = u.IsPrivate,
            From = new ChatUser(u.PersonaId, u.PersonaName),
            SentAt = DateTimeOffset.FromUnixTimeMilliseconds(u.SentAt),
        };
        if (u.ShareContact) return e with { Kind = ChatEventKind.ContactShared, ContactPhone = u.Phone, ContactUserId = u.PersonaId };
        if (u.Button is { } data)
            return e with
            {
                Kind = ChatEventKind.Button, ButtonData = data, CallbackId = u.UpdateId,
                ButtonMessageId = u.MessageId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
        if (u.Text is { } text && text.TrimStart().StartsWith('/'))
        {
            var parts = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var command = parts[0][1..].Split('@')[0].ToLowerInvariant();
            return e with { Kind = ChatEventKind.Command, Text = text, Command = command, Args = parts[1..] };
        }
        return u.Text is null ? e : e with { Kind = ChatEventKind.Message, Text = u.Text };
    }
}

/// <summary>
/// The playground's "platform": a send is a row in the transcript the page shows. Quizzes render as
/// buttons (no native polls), exactly the fallback other button-only channels get.
/// </summary>
public sealed class PlaygroundClient(AcademyDatabase database, TimeProvider time) : IChannelClient
{
    public string Channel => PlaygroundChannel.Name;

    public ChannelCapabilities Capabilities { get; } = new(
        MessagesPerSecond: 1000, PerChatInterval: TimeSpan.Zero, GroupMessagesPerMinute: int.MaxValue,
        MaxTextLength: 20_000, NativeQuizPolls: false, MaxCallbackDataBytes: 64)
    {
        UnpacedButtonAnswers = true,
    };

    // The playground has no user ids to link: a mention is the name, marked as on the platforms.
    private static string? WithMentions(OutgoingMessage message) =>
        message.Mentions.Count == 0 ? message.Text
            : (string.IsNullOrEmpty(message.Text) ? "" : message.Text + "\n\n") + string.Join(", ", message.Mentions.Select(m => "@" + m.Name));

    public async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.EditsButtonsOnly) return await ChangeButtonsAsync(message, ct);
        var shown = new PlaygroundMessage
        {
            Text = message.Quiz?.Question ?? WithMentions(message),
            Markdown = message.Format == TextFormat.Markdown,
            Buttons = message.Quiz is { } quiz ? quiz.AsButtons() : message.Buttons,
            ContactRequest = message.RequestContactLabel,
            Notice = message.AnswersCallbackId is not null,
            Attachment = message.Attachment?.FileName,
            Image = message.Attachment is { Kind: AttachmentKind.Image, Content: null } image ? image.Url : null,
            // The bytes stay in the transcript row, served by the files endpoint (and inline, for a picture).
            FileData = message.Attachment?.Content is { } bytes ? Convert.ToBase64String(bytes) : null,
            // A document is bytes the page cannot show; where it has a web address too (a certificate's PDF), the page links it.
            Link = message.Attachment is { Kind: AttachmentKind.Document, Url: { } url } && url.StartsWith("http", StringComparison.Ordinal) ? url : null,
        };
        if (shown.Notice && shown.Text is null) return new SendResult(SendStatus.Sent); // a silent acknowledgement
        await using var s = await database.BeginAsync(ct);
        if (message.EditMessageId is { } editId && long.TryParse(editId, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var original))
        {
            var edited = await s.ExecuteAsync(
                "UPDATE playground_messages SET payload = @payload, edited_at = @at WHERE id = @original AND chat_id = @chat",
                new { original, chat = PlaygroundChannel.TranscriptOf(message.To.ChatId), payload = JsonSerializer.Serialize(shown, PlaygroundUpdate.Json), at = time.GetUtcNow().ToUnixTimeMilliseconds() });
            if (edited == 1)
            {
                await s.CommitAsync(ct);
                return new SendResult(SendStatus.Sent, PlatformMessageId: editId);
            }
        }
        // Keyed by the outbox row: a send made again after its host died mid-send shows once (this
        // "platform" commits with the store, so exactly once is possible here, unlike on Telegram).
        var id = await s.ExecuteScalarAsync<long?>(
            """
            INSERT INTO playground_messages (chat_id, sender, payload, at, outbox_id) VALUES (@ChatId, 'bot', @payload, @at, @OutboxId)
            ON CONFLICT (outbox_id) DO NOTHING RETURNING id
            """,
            new { ChatId = PlaygroundChannel.TranscriptOf(message.To.ChatId), payload = JsonSerializer.Serialize(shown, PlaygroundUpdate.Json), at = time.GetUtcNow().ToUnixTimeMilliseconds(), message.OutboxId })
            ?? await s.ExecuteScalarAsync<long>("SELECT id FROM playground_messages WHERE outbox_id = @OutboxId", new { message.OutboxId });
        if (message.EndsContactRequest) await EndContactRequestsAsync(s, PlaygroundChannel.TranscriptOf(message.To.ChatId));
        await s.CommitAsync(ct);
        return new SendResult(SendStatus.Sent, PlatformMessageId: id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    // Spent buttons come off the message they are on; the choice made, if any, is written under its text.
    private async Task<SendResult> ChangeButtonsAsync(OutgoingMessage message, CancellationToken ct)
    {
        if (message.EditMessageId is not { } editId
            || !long.TryParse(editId, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var original))
            return new SendResult(SendStatus.Sent); // nothing known to change
        await using var s = await database.BeginAsync(ct);
        var chat = PlaygroundChannel.TranscriptOf(message.To.ChatId);
        var payload = await s.QuerySingleOrDefaultAsync<string?>(
            "SELECT payload FROM playground_messages WHERE id = @original AND chat_id = @chat AND sender = 'bot'", new { original, chat });
        if (payload is null || JsonSerializer.Deserialize<PlaygroundMessage>(payload, PlaygroundUpdate.Json) is not { } shown)
            return new SendResult(SendStatus.Sent);
        var line = string.IsNullOrEmpty(message.Text) || (shown.Text ?? "").EndsWith(message.Text, StringComparison.Ordinal) ? null : message.Text;
        if (line is null && shown.Buttons.Count == 0 && message.Buttons.Count == 0) return new SendResult(SendStatus.Sent, editId);
        var changed = shown with
        {
            Buttons = message.Buttons,
            Text = line is null ? shown.Text : (string.IsNullOrEmpty(shown.Text) ? "" : shown.Text + "\n\n") + line,
        };
        await s.ExecuteAsync("UPDATE playground_messages SET payload = @payload, edited_at = @at WHERE id = @original",
            new { original, payload = JsonSerializer.Serialize(changed, PlaygroundUpdate.Json), at = time.GetUtcNow().ToUnixTimeMilliseconds() });
        await s.CommitAsync(ct);
        return new SendResult(SendStatus.Sent, editId);
    }

    // The number was given: the share button on the message that asked for it goes, as Telegram's keyboard does.
    private async Task EndContactRequestsAsync(DbSession s, string chat)
    {
        var asking = await s.QueryAsync<(long Id, string Payload)>(
            "SELECT id, payload FROM playground_messages WHERE chat_id = @chat AND sender = 'bot' AND payload LIKE '%\"contactRequest\"%'", new { chat });
        foreach (var (id, payload) in asking)
        {
            if (JsonSerializer.Deserialize<PlaygroundMessage>(payload, PlaygroundUpdate.Json) is not { ContactRequest: not null } shown) continue;
            await s.ExecuteAsync("UPDATE playground_messages SET payload = @payload, edited_at = @at WHERE id = @id",
                new { id, payload = JsonSerializer.Serialize(shown with { ContactRequest = null }, PlaygroundUpdate.Json), at = time.GetUtcNow().ToUnixTimeMilliseconds() });
        }
    }

    /// <summary>A file's content type by its name, and whether a browser shows it rather than saves it.</summary>
    public static (string ContentType, bool Picture, bool Inline) TypeOf(string? fileName) =>
        Path.GetExtension(fileName ?? "").ToLowerInvariant() switch
        {
            ".svg" => ("image/svg+xml", true, true),
            ".png" => ("image/png", true, true),
            ".jpg" or ".jpeg" => ("image/jpeg", true, true),
            ".gif" => ("image/gif", true, true),
            ".webp" => ("image/webp", true, true),
            ".pdf" => ("application/pdf", false, true),
            ".csv" => ("text/csv; charset=utf-8", false, false),
            ".xlsx" => ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false, false),
            _ => ("application/octet-stream", false, false),
        };
}

/// <summary>One line of a playground transcript, as the page draws it.</summary>
public sealed record PlaygroundMessage
{
    public string? Text { get; init; }
    public bool Markdown { get; init; }
    public IReadOnlyList<IReadOnlyList<Button>> Buttons { get; init; } = [];
    public string? ContactRequest { get; init; }
    /// <summary>A short notice in answer to a button press (a toast on real platforms).</summary>
    public bool Notice { get; init; }
    public string? Attachment { get; init; }
    /// <summary>An image attachment to show inline: its URL, or a data: URL of its bytes.</summary>
    public string? Image { get; init; }
    /// <summary>A document's web address, to open or download.</summary>
    public string? Link { get; init; }

    /// <summary>The attachment's bytes (base64), as stored; never sent to the page, which gets <see cref="File"/>.</summary>
    public string? FileData { get; init; }

    /// <summary>Where the page opens or downloads the attachment's bytes (set when the transcript is read).</summary>
    public string? File { get; init; }
}
