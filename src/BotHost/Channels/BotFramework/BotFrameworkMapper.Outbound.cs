using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Academy.Learning.Messaging;

namespace Academy.BotHost.Channels.BotFramework;

public static partial class BotFrameworkMapper
{
    public const string AdaptiveCardType = "application/vnd.microsoft.card.adaptive";

    /// <summary>Teams' own ceiling is about 28 KB per message; Chinese takes three bytes a character.</summary>
    public const int MaxTextLength = 7000;

    /// <summary>
    /// One outgoing message as the connector Activity to POST into <paramref name="to"/>'s conversation:
    /// text (Markdown, or plain), buttons and quizzes as an Adaptive Card with Action.Submit (data
    /// <c>{"academy": …}</c>), tagged people as Teams mentions, a picture or document as an attachment.
    /// </summary>
    public static JsonObject ToActivity(OutgoingMessage message, ConversationReference to)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(to);
        var activity = Envelope(to);
        var attachments = new JsonArray();
        var (text, entities) = TextWithMentions(message);
        if (text.Length > MaxTextLength) throw new ArgumentException($"The text is {text.Length} characters; at most {MaxTextLength} go in one message.", nameof(message));
        if (text.Length > 0)
        {
            activity["text"] = text;
            activity["textFormat"] = message.Format == TextFormat.Markdown || entities.Count > 0 ? "markdown" : "plain";
        }
        if (entities.Count > 0) activity["entities"] = entities;
        if (message.Quiz is { } quiz) attachments.Add(Card(QuizBody(quiz), QuizActions(quiz)));
        else if (message.Buttons.Count > 0) attachments.Add(Card(ButtonRows(message.Buttons), []));
        if (message.Attachment is { } file) attachments.Add(FileAttachment(file));
        if (attachments.Count > 0) activity["attachments"] = attachments;
        if (text.Length == 0 && attachments.Count == 0) throw new ArgumentException("The message has nothing to send.", nameof(message));
        return activity;
    }

    /// <summary>A short notice (the answer to a press) as a plain message, optionally a reply to the pressed card's activity.</summary>
    public static JsonObject ToNotice(string text, ConversationReference to)
    {
        ArgumentNullException.ThrowIfNull(to);
        var activity = Envelope(to);
        activity["text"] = text;
        activity["textFormat"] = "plain";
        return activity;
    }

    /// <summary>The connector path that posts into a conversation.</summary>
    public static string ActivitiesPath(string conversationId) => $"/v3/conversations/{Uri.EscapeDataString(conversationId)}/activities";

    /// <summary>The roster API path of one member (Teams answers with e-mail and UPN).</summary>
    public static string MemberPath(string conversationId, string userId) =>
        $"/v3/conversations/{Uri.EscapeDataString(conversationId)}/members/{Uri.EscapeDataString(userId)}";

    private static JsonObject Envelope(ConversationReference to)
    {
        var conversation = new JsonObject { ["id"] = to.ConversationId };
        if (to.TenantId is not null) conversation["tenantId"] = to.TenantId;
        var activity = new JsonObject
        {
            ["type"] = "message",
            ["from"] = new JsonObject { ["id"] = to.BotId },
            ["conversation"] = conversation,
        };
        if (to.TenantId is not null) activity["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = to.TenantId } };
        return activity;
    }

    /// <summary>Tagged people after the text: a Teams mention where their id is known, else their name.</summary>
    private static (string Text, JsonArray Entities) TextWithMentions(OutgoingMessage message)
    {
        var entities = new JsonArray();
        var markdown = message.Format == TextFormat.Markdown || message.Mentions.Any(m => m.UserId is not null);
        var text = message.Text ?? "";
        if (markdown && message.Format == TextFormat.Plain) text = EscapeMarkdown(text);
        if (message.Mentions.Count == 0) return (text, entities);
        var tags = new List<string>();
        foreach (var mention in message.Mentions)
        {
            if (mention.UserId is null)
            {
                tags.Add(markdown ? EscapeMarkdown(mention.Name) : mention.Name);
                continue;
            }
            var tag = $"<at>{System.Net.WebUtility.HtmlEncode(mention.Name)}</at>";
            tags.Add(tag);
            entities.Add(new JsonObject
            {
                ["type"] = "mention",
                ["text"] = tag,
                ["mentioned"] = new JsonObject { ["id"] = mention.UserId, ["name"] = mention.Name },
            });
        }
        var joined = string.Join(", ", tags);
        return (text.Length == 0 ? joined : text + "\n\n" + joined, entities);
    }

    private static JsonArray ButtonRows(IReadOnlyList<IReadOnlyList<Button>> rows)
    {
        var body = new JsonArray();
        foreach (var row in rows)
            body.Add(new JsonObject
            {
                ["type"] = "ActionSet",
                ["actions"] = new JsonArray(row.Select(b => (JsonNode)Submit(b.Label, b.Data)).ToArray()),
            });
        return body;
    }

    private static JsonArray QuizBody(QuizContent quiz)
    {
        var body = new JsonArray { new JsonObject { ["type"] = "TextBlock", ["text"] = quiz.Question, ["wrap"] = true, ["weight"] = "Bolder" } };
        if (quiz.MultipleAnswers)
        {
            // Several answers: tick them in the card and submit once; the ticks ride along with the press.
            body.Add(new JsonObject
            {
                ["type"] = "Input.ChoiceSet",
                ["id"] = ChoicesKey,
                ["isMultiSelect"] = true,
                ["style"] = "expanded",
                ["wrap"] = true,
                ["choices"] = new JsonArray(quiz.Options.Select((o, i) =>
                    (JsonNode)new JsonObject { ["title"] = o, ["value"] = i.ToString(CultureInfo.InvariantCulture) }).ToArray()),
            });
            return body;
        }
        // One answer: one button per option, each on its own line (long options stay readable).
        foreach (var (option, i) in quiz.Options.Select((o, i) => (o, i)))
            body.Add(new JsonObject { ["type"] = "ActionSet", ["actions"] = new JsonArray(Submit(option, quiz.OptionData(i))) });
        return body;
    }

    private static JsonArray QuizActions(QuizContent quiz) =>
        quiz.MultipleAnswers ? new JsonArray(Submit(quiz.SubmitLabel ?? "✓", quiz.SubmitData)) : [];

    private static JsonObject Submit(string title, string data) => new()
    {
        ["type"] = "Action.Submit",
        ["title"] = title,
        ["data"] = new JsonObject { [DataKey] = data },
    };

    private static JsonObject Card(JsonArray body, JsonArray actions)
    {
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            // 1.4 is what Teams renders on every client, mobile included.
            ["version"] = "1.4",
            ["body"] = body,
        };
        if (actions.Count > 0) card["actions"] = actions;
        return new JsonObject { ["contentType"] = AdaptiveCardType, ["content"] = card };
    }

    private static JsonObject FileAttachment(Attachment file)
    {
        var type = ContentTypeOf(file.FileName, file.Kind);
        var url = file.Url ?? (file.Content is { } bytes ? $"data:{type};base64,{Convert.ToBase64String(bytes)}"
            : throw new ArgumentException("An attachment needs a URL or content.", nameof(file)));
        return new JsonObject { ["contentType"] = type, ["contentUrl"] = url, ["name"] = file.FileName };
    }

    private static string ContentTypeOf(string fileName, AttachmentKind kind) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".gif" => "image/gif",
        ".svg" => "image/svg+xml",
        ".pdf" => "application/pdf",
        ".csv" => "text/csv",
        ".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => kind == AttachmentKind.Image ? "image/png" : "application/octet-stream",
    };

    /// <summary>Plain text inside a Markdown message: characters Markdown would read are escaped.</summary>
    internal static string EscapeMarkdown(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\\' or '*' or '_' or '`' or '[' or ']' or '#' or '<' or '>' or '~' or '|') sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }
}
