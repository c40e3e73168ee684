using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Academy.BotHost.Channels.Telegram;
using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Channels.BotFramework;

/// <summary>
/// Bot Framework Activity JSON ↔ Academy's neutral model, as pure functions: inbound Activities
/// become <see cref="ChatEvent"/>s here; outbound messages become connector Activities in
/// BotFrameworkMapper.Outbound.cs.
/// </summary>
/// <remarks>
/// Addresses: a person's private (personal) chat is addressed by their user id on the channel, as
/// on Telegram, so digests reach them through <c>channel_identities</c>; a group chat or a Teams
/// channel by its conversation id without the <c>;messageid=</c> thread suffix, so a binding holds
/// the channel and the programme starts new posts there. The connector's own conversation ids are
/// kept in <see cref="ConversationReferences"/>.
/// </remarks>
public static partial class BotFrameworkMapper
{
    public const string Channel = "botframework";

    /// <summary>The card data key that carries Academy's button data back (Action.Submit merges inputs beside it).</summary>
    public const string DataKey = "academy";

    /// <summary>The Input.ChoiceSet id of a multiple-answer quiz: its value, "0,2", rides along with Submit.</summary>
    public const string ChoicesKey = "choices";

    /// <summary>Parses and maps one Activity's JSON text (the body of POST /api/messages).</summary>
    public static ChatEvent Map(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw new BotFrameworkPayloadException("An Activity must be JSON.");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new BotFrameworkPayloadException("An Activity must be a JSON object.");
            Activity? activity;
            try
            {
                activity = document.RootElement.Deserialize<Activity>(BotFrameworkJson.Options);
            }
            catch (JsonException)
            {
                activity = null; // a known field with an unexpected type: not ours to interpret
            }
            var updateId = UpdateIdOf(activity, json);
            return activity is null ? Ignored(updateId) : Map(activity, updateId);
        }
    }

    /// <summary>
    /// The inbox key of an Activity: its conversation and id (Teams ids are unique only within a
    /// conversation), or a hash of the body when a channel sent no id, so a re-delivery still matches.
    /// </summary>
    public static string UpdateIdOf(Activity? activity, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (activity?.Id is { Length: > 0 } id && activity.Conversation?.Id is { Length: > 0 } conversation)
            return $"{conversation}/{id}";
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
    }

    public static ChatEvent Map(Activity activity, string updateId)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.Conversation?.Id is not { Length: > 0 } || activity.From?.Id is not { Length: > 0 }) return Ignored(updateId);
        return activity.Type switch
        {
            "message" => FromMessage(activity, updateId),
            "conversationUpdate" => FromConversationUpdate(activity, updateId),
            "installationUpdate" => FromInstallation(activity, updateId),
            "invoke" when activity.Name == "adaptiveCard/action" && activity.Value is { } value
                && value.ValueKind == JsonValueKind.Object && value.TryGetProperty("action", out var action)
                && action.ValueKind == JsonValueKind.Object && action.TryGetProperty("data", out var data) =>
                FromSubmit(activity, updateId, data),
            _ => Base(activity, updateId, ChatEventKind.Ignored),
        };
    }

    /// <summary>Whether an Activity comes from a one-to-one conversation (Teams "personal"; other channels: not a group).</summary>
    public static bool IsPrivate(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var type = activity.Conversation?.ConversationType;
        return type is null ? activity.Conversation?.IsGroup != true : type == "personal";
    }

    /// <summary>The chat id Academy addresses: the person in a private chat, else the conversation without its thread.</summary>
    public static string ChatIdOf(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return IsPrivate(activity) ? activity.From!.Id! : BaseConversationId(activity.Conversation!.Id!);
    }

    /// <summary>"19:abc@thread.tacv2;messageid=1700000000000" → "19:abc@thread.tacv2".</summary>
    public static string BaseConversationId(string conversationId)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        var cut = conversationId.IndexOf(";messageid=", StringComparison.OrdinalIgnoreCase);
        return cut < 0 ? conversationId : conversationId[..cut];
    }

    private static ChatEvent FromMessage(Activity activity, string updateId)
    {
        // A card's Action.Submit arrives as a message whose value is the action's data.
        if (activity.Value is { ValueKind: JsonValueKind.Object } value) return FromSubmit(activity, updateId, value);

        var (text, mentionedBot) = CleanText(activity);
        if (text.Length == 0) return Base(activity, updateId, ChatEventKind.Ignored);
        // In a Teams channel people address the bot by @mention, often without a slash.
        var commandText = text.StartsWith('/') || !mentionedBot || IsPrivate(activity) ? text : "/" + text;
        if (TelegramMapper.TryParseCommand(commandText, null, out var command, out var args, out _))
            return Base(activity, updateId, ChatEventKind.Command) with { Text = text, Command = command, Args = args };
        return Base(activity, updateId, ChatEventKind.Message) with { Text = text };
    }

    private static ChatEvent FromSubmit(Activity activity, string updateId, JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty(DataKey, out var academy)
            || academy.ValueKind != JsonValueKind.String || academy.GetString() is not { Length: > 0 } buttonData)
            return Base(activity, updateId, ChatEventKind.Ignored);
        // A multiple-answer quiz submits its ticked options with the press: "q:12:submit" + ":0,2".
        if (data.TryGetProperty(ChoicesKey, out var choices) && choices.ValueKind == JsonValueKind.String)
        {
            var picked = choices.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (picked.Length == 0 || !picked.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                picked = [];
            buttonData += ":" + string.Join(',', picked);
        }
        return Base(activity, updateId, ChatEventKind.Button) with
        {
            ButtonData = buttonData,
            // Who pressed, and which activity: a notice for the presser goes to their private chat.
            CallbackId = CallbackIdOf(activity.From!.Id!, activity.Id ?? updateId),
        };
    }

    private static ChatEvent FromConversationUpdate(Activity activity, string updateId)
    {
        var botId = activity.Recipient?.Id;
        // A member without an id names no one (a mangled Activity): leave it out rather than fail the update.
        if (activity.MembersAdded?.Where(m => m?.Id is not null).ToList() is { Count: > 0 } added)
        {
            var bot = added.FirstOrDefault(m => m.Id == botId);
            return Base(activity, updateId, bot is null ? ChatEventKind.MemberJoined : ChatEventKind.BotAdded) with
            {
                Member = ToUser(bot ?? added[0], isBot: bot is not null),
            };
        }
        if (activity.MembersRemoved?.Where(m => m?.Id is not null).ToList() is { Count: > 0 } removed)
        {
            var bot = removed.FirstOrDefault(m => m.Id == botId);
            return Base(activity, updateId, bot is null ? ChatEventKind.MemberLeft : ChatEventKind.BotRemoved) with
            {
                Member = ToUser(bot ?? removed[0], isBot: bot is not null),
            };
        }
        return Base(activity, updateId, ChatEventKind.Ignored);
    }

    /// <summary>Teams: the app installed in or uninstalled from a chat or team.</summary>
    private static ChatEvent FromInstallation(Activity activity, string updateId)
    {
        return activity.Action switch
        {
            "remove" or "remove-upgrade" => Base(activity, updateId, ChatEventKind.BotRemoved),
            _ => Base(activity, updateId, ChatEventKind.Ignored),
        };
    }

    private static ChatEvent Base(Activity activity, string updateId, ChatEventKind kind) => new()
    {
        Channel = Channel,
        UpdateId = updateId,
        Kind = kind,
        Chat = new ChatAddress(Channel, ChatIdOf(activity)),
        IsPrivate = IsPrivate(activity),
        From = ToUser(activity.From!, activity.From!.Role == "bot", activity.Locale),
        SentAt = DateTimeOffset.TryParse(activity.Timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : default,
    };

    private static ChatEvent Ignored(string updateId) => new() { Channel = Channel, UpdateId = updateId, Kind = ChatEventKind.Ignored };

    private static ChatUser ToUser(ChannelAccount account, bool isBot, string? locale = null) =>
        new(account.Id ?? "", string.IsNullOrWhiteSpace(account.Name) ? account.Id ?? "" : account.Name.Trim(), null,
            string.IsNullOrWhiteSpace(locale) ? null : locale, isBot);

    /// <summary>"29:1abc" + "1700000000000" → one opaque id; the person comes first.</summary>
    public static string CallbackIdOf(string userId, string activityId) => userId + "\n" + activityId;

    /// <summary>The presser's user id inside a callback id.</summary>
    public static string? PresserOf(string? callbackId) =>
        callbackId is null ? null : callbackId.IndexOf('\n', StringComparison.Ordinal) is var cut and > 0 ? callbackId[..cut] : null;

    /// <summary>
    /// The text without the bot's own @mention (Teams writes it as &lt;at&gt;Name&lt;/at&gt; in the text),
    /// HTML entities decoded; and whether the bot was mentioned.
    /// </summary>
    internal static (string Text, bool MentionedBot) CleanText(Activity activity)
    {
        var text = activity.Text ?? "";
        var mentioned = false;
        foreach (var entity in activity.Entities ?? [])
        {
            if (entity.Type != "mention" || entity.Mentioned?.Id is null || entity.Mentioned.Id != activity.Recipient?.Id
                || string.IsNullOrEmpty(entity.Text)) continue;
            if (text.Contains(entity.Text, StringComparison.Ordinal)) mentioned = true;
            text = text.Replace(entity.Text, " ", StringComparison.Ordinal);
        }
        text = WebUtility.HtmlDecode(TagPattern().Replace(text, " ")).Replace('\u00A0', ' ');
        return (WhitespacePattern().Replace(text, " ").Trim(), mentioned);
    }

    // Teams wraps rich text in HTML (<p>, <div>); only the words matter here.
    [GeneratedRegex("<[^>]{1,200}>")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex WhitespacePattern();
}

/// <summary>A body that is not an Activity at all.</summary>
public sealed class BotFrameworkPayloadException(string message) : Exception(message);
