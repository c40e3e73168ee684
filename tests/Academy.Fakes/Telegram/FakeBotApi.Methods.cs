using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Academy.Fakes.Telegram;

// The Bot API methods, each with the checks Telegram makes that Academy's rendering could trip.
public sealed partial class FakeBotApi
{
    private Reply Dispatch(string method, Dictionary<string, string> f, Dictionary<string, RecordedFile> files)
    {
        long? chatId = f.TryGetValue("chat_id", out var c) && long.TryParse(c, CultureInfo.InvariantCulture, out var id) ? id : null;
        if (chatId is { } chat && Fault(method, chat) is { } fault) return fault;

        switch (method)
        {
            case "getMe":
                return Reply.Ok(BotUser(full: true));
            case "setWebhook":
                if (!f.TryGetValue("url", out var url) || !url.StartsWith("https://", StringComparison.Ordinal))
                    return Reply.BadRequest("bad webhook: An HTTPS URL must be provided for webhook");
                if (f.TryGetValue("secret_token", out var secret) && !SecretPattern().IsMatch(secret))
                    return Reply.BadRequest("secret token contains unallowed characters");
                _webhookUrl = url;
                return Reply.Ok(true);
            case "deleteWebhook":
                _webhookUrl = null;
                if (f.GetValueOrDefault("drop_pending_updates") == "true") _updates.Clear();
                return Reply.Ok(true);
            case "setMyCommands":
                return SetMyCommands(f);
            case "answerCallbackQuery":
                if (string.IsNullOrEmpty(f.GetValueOrDefault("callback_query_id"))) return Reply.BadRequest("query is too old and response timeout expired or query ID is invalid");
                if (f.GetValueOrDefault("text") is { Length: > 200 }) return Reply.BadRequest("MESSAGE_TOO_LONG");
                return Reply.Ok(true);
        }

        if (chatId is not { } target) return Reply.BadRequest("chat_id is empty");
        switch (method)
        {
            case "getChat":
                var full = Chat(target);
                full["accent_color_id"] = 0;
                full["max_reaction_count"] = 11;
                return Reply.Ok(full);
            case "getChatMember":
                if (!long.TryParse(f.GetValueOrDefault("user_id"), CultureInfo.InvariantCulture, out var userId)) return Reply.BadRequest("invalid user_id specified");
                return Reply.Ok(new JsonObject
                {
                    ["status"] = userId == BotId ? "administrator" : "member",
                    ["user"] = userId == BotId ? BotUser(full: false) : new JsonObject { ["id"] = userId, ["is_bot"] = false, ["first_name"] = "Learner" },
                });
            case "editMessageText":
            case "editMessageReplyMarkup":
                return Edit(method, target, f);
            case "stopPoll":
                if (!_messages.TryGetValue((target, LongField(f, "message_id")), out var pollMessage) || pollMessage["poll"] is not JsonObject poll)
                    return Reply.BadRequest("message with poll to stop not found");
                poll["is_closed"] = true;
                return Reply.Ok(poll.DeepClone());
        }

        if (!SendMethods.Contains(method)) return Reply.Error(404, "Not Found");
        if (EnforceRateLimits && _limits.Check(target) is { } retryAfter) return Reply.TooMany(retryAfter);
        var reply = method switch
        {
            "sendMessage" => SendMessage(target, f),
            "sendPoll" => SendPoll(target, f),
            _ => SendFile(method, target, f, files),
        };
        if (reply.Status == 200) _limits.Count(target);
        return reply;
    }

    private Reply? Fault(string method, long chat)
    {
        if (_hanging.Contains(chat)) return Reply.NoAnswer;
        if (_failNext.TryGetValue(chat, out var failures) && failures > 0)
        {
            _failNext[chat] = failures - 1;
            return Reply.Error(500, "Internal Server Error");
        }
        if (_blocked.TryGetValue(chat, out var why)) return Reply.Error(403, why);
        if (_migrated.TryGetValue(chat, out var newId))
            return Reply.Error(400, "Bad Request: group chat was upgraded to a supergroup chat", new JsonObject { ["migrate_to_chat_id"] = newId });
        if (_rejected.TryGetValue(chat, out var rejection)) return Reply.Error(400, rejection);
        if (_throttleNext.Remove(chat, out var retryAfter) && SendMethods.Contains(method)) return Reply.TooMany(retryAfter);
        if (_botThrottledUntil > _time.GetUtcNow() && SendMethods.Contains(method))
            return Reply.TooMany(Math.Max(1, (int)Math.Ceiling((_botThrottledUntil - _time.GetUtcNow()).TotalSeconds)));
        return null;
    }

    private Reply SendMessage(long chat, Dictionary<string, string> f)
    {
        if (ParseText(f.GetValueOrDefault("text"), f.GetValueOrDefault("parse_mode"), out var text) is { } error) return error;
        if (text.Trim().Length == 0) return Reply.BadRequest("message text is empty");
        if (text.Length > 4096) return Reply.BadRequest("message is too long");
        if (CheckMarkup(f) is { } markupError) return markupError;
        var message = NewMessage(chat, f);
        message["text"] = text;
        return Reply.Ok(message.DeepClone());
    }

    private Reply SendPoll(long chat, Dictionary<string, string> f)
    {
        var question = f.GetValueOrDefault("question") ?? "";
        if (question.Length is 0 or > 300) return Reply.BadRequest("poll question length must be 1-300");
        if (!f.TryGetValue("options", out var optionsJson)) return Reply.BadRequest("poll options must be non-empty");
        var options = JsonNode.Parse(optionsJson)!.AsArray()
            .Select(o => o is JsonObject obj ? obj["text"]?.GetValue<string>() ?? "" : o!.GetValue<string>())
            .ToList();
        if (options.Count < 2) return Reply.BadRequest("poll must have at least 2 option");
        if (options.Count > 12) return Reply.BadRequest("poll can't have more than 12 options");
        if (options.Any(o => o.Length is 0 or > 100)) return Reply.BadRequest("poll options length must not exceed 100");
        var type = f.GetValueOrDefault("type") ?? "regular";
        // Bot API 9.6: a quiz names its correct options in correct_option_ids, strictly increasing
        // (the single correct_option_id it replaced is not read); several are chosen together.
        var correct = f.TryGetValue("correct_option_ids", out var correctJson) && JsonNode.Parse(correctJson) is JsonArray ids
            ? ids.Select(n => n is JsonValue v && v.TryGetValue<int>(out var i) ? i : -1).ToList()
            : [];
        var multiple = f.GetValueOrDefault("allows_multiple_answers") == "true";
        if (type == "quiz")
        {
            if (correct.Count == 0 || correct.Any(c => c < 0 || c >= options.Count) || correct.Zip(correct.Skip(1)).Any(p => p.First >= p.Second))
                return Reply.BadRequest("wrong correct option IDs specified");
            if (correct.Count > 1 && !multiple) return Reply.BadRequest("a quiz with one answer must have exactly one correct option");
        }
        else if (correct.Count > 0) return Reply.BadRequest("correct option IDs can be specified only for quizzes");
        if (f.GetValueOrDefault("explanation") is { Length: > 200 }) return Reply.BadRequest("explanation is too long");
        if (CheckMarkup(f) is { } markupError) return markupError;

        var message = NewMessage(chat, f);
        message["poll"] = new JsonObject
        {
            ["id"] = (_nextPollId++).ToString(CultureInfo.InvariantCulture),
            ["question"] = question,
            ["options"] = new JsonArray([.. options.Select(o => (JsonNode)new JsonObject { ["text"] = o, ["voter_count"] = 0 })]),
            ["total_voter_count"] = 0,
            ["is_closed"] = false,
            // Telegram's default is an anonymous poll, whose answers never reach the bot.
            ["is_anonymous"] = f.GetValueOrDefault("is_anonymous") != "false",
            ["type"] = type,
            ["allows_multiple_answers"] = multiple,
            // Votes can be changed in a regular poll unless the sender says otherwise; in a quiz only when it says so.
            ["allows_revoting"] = f.TryGetValue("allows_revoting", out var revoting) ? revoting == "true" : type != "quiz",
        };
        if (type == "quiz") message["poll"]!["correct_option_ids"] = new JsonArray([.. correct.Select(c => (JsonNode)c)]);
        return Reply.Ok(message.DeepClone());
    }

    private Reply SendFile(string method, long chat, Dictionary<string, string> f, Dictionary<string, RecordedFile> files)
    {
        var field = method == "sendPhoto" ? "photo" : "document";
        var upload = files.GetValueOrDefault(field);
        var reference = f.GetValueOrDefault(field);
        if (upload is null && string.IsNullOrEmpty(reference)) return Reply.BadRequest($"there is no {field} in the request");
        var caption = "";
        if (f.ContainsKey("caption") && ParseText(f["caption"], f.GetValueOrDefault("parse_mode"), out caption) is { } error) return error;
        if (caption.Length > 1024) return Reply.BadRequest("message caption is too long");
        if (CheckMarkup(f) is { } markupError) return markupError;
        var message = NewMessage(chat, f);
        var fileId = "AgACAgIAAxkBAAI" + _lastMessageId[chat].ToString(CultureInfo.InvariantCulture);
        message[field] = field == "photo"
            ? new JsonArray(new JsonObject { ["file_id"] = fileId, ["file_unique_id"] = "AQAD" + fileId[^4..], ["width"] = 90, ["height"] = 90 })
            : new JsonObject { ["file_id"] = fileId, ["file_unique_id"] = "AgAD" + fileId[^4..], ["file_name"] = upload?.FileName ?? "file" };
        if (caption.Length > 0) message["caption"] = caption;
        return Reply.Ok(message.DeepClone());
    }

    // An edit replaces the inline keyboard with the one it carries: one left out is removed. An edit
    // that would change nothing (same text, same keyboard) is refused, as Telegram refuses it.
    private Reply Edit(string method, long chat, Dictionary<string, string> f)
    {
        if (!_messages.TryGetValue((chat, LongField(f, "message_id")), out var message)) return Reply.BadRequest("message to edit not found");
        if (CheckMarkup(f) is { } markupError) return markupError;
        var keyboard = f.TryGetValue("reply_markup", out var markup) && JsonNode.Parse(markup) is JsonObject m && m["inline_keyboard"] is JsonArray { Count: > 0 }
            ? m : null;
        var sameKeyboard = JsonNode.DeepEquals(keyboard, message["reply_markup"]);
        var text = message["text"]?.GetValue<string>();
        if (method == "editMessageText" && ParseText(f.GetValueOrDefault("text"), f.GetValueOrDefault("parse_mode"), out text) is { } error) return error;
        if (sameKeyboard && text == message["text"]?.GetValue<string>())
            return Reply.BadRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message");
        if (text is not null) message["text"] = text;
        if (keyboard is null) message.Remove("reply_markup");
        else message["reply_markup"] = keyboard.DeepClone();
        message["edit_date"] = _time.GetUtcNow().ToUnixTimeSeconds();
        return Reply.Ok(message.DeepClone());
    }

    private static Reply SetMyCommands(Dictionary<string, string> f)
    {
        if (!f.TryGetValue("commands", out var json)) return Reply.BadRequest("commands must be non-empty");
        foreach (var command in JsonNode.Parse(json)!.AsArray())
        {
            var name = command?["command"]?.GetValue<string>() ?? "";
            var description = command?["description"]?.GetValue<string>() ?? "";
            if (!CommandPattern().IsMatch(name)) return Reply.BadRequest("BOT_COMMAND_INVALID");
            if (description.Length is 0 or > 256) return Reply.BadRequest("BOT_COMMAND_DESCRIPTION_INVALID");
        }
        if (f.TryGetValue("scope", out var scopeJson))
        {
            var scope = JsonNode.Parse(scopeJson);
            var type = scope?["type"]?.GetValue<string>();
            if (type is not ("default" or "all_private_chats" or "all_group_chats" or "all_chat_administrators" or "chat_administrators" or "chat" or "chat_member"))
                return Reply.BadRequest("can't parse BotCommandScope");
            // The scopes of one chat (its members, its administrators, one member) name it; without it Telegram refuses.
            if (type is "chat" or "chat_administrators" or "chat_member" && scope?["chat_id"] is null) return Reply.BadRequest("chat_id is empty");
            if (type is "chat_member" && scope?["user_id"] is null) return Reply.BadRequest("user_id is empty");
        }
        return Reply.Ok(true);
    }

    private async Task<Reply> GetUpdatesAsync(Dictionary<string, string> f, CancellationToken aborted)
    {
        var offset = f.TryGetValue("offset", out var o) && long.TryParse(o, CultureInfo.InvariantCulture, out var off) ? off : (long?)null;
        var limit = Math.Clamp(int.TryParse(f.GetValueOrDefault("limit"), CultureInfo.InvariantCulture, out var l) ? l : 100, 1, 100);
        var timeout = TimeSpan.FromSeconds(Math.Clamp(int.TryParse(f.GetValueOrDefault("timeout"), CultureInfo.InvariantCulture, out var t) ? t : 0, 0, 50));
        if (timeout > MaxLongPoll) timeout = MaxLongPoll;
        var allowed = f.TryGetValue("allowed_updates", out var a) ? JsonNode.Parse(a)!.AsArray().Select(n => n!.GetValue<string>()).ToHashSet() : null;

        lock (_gate)
        {
            if (_webhookUrl is not null) return Reply.Error(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
            if (_polling) return Reply.Error(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running");
            _polling = true;
        }
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted, _stopping.Token);
            deadline.CancelAfter(timeout);
            while (true)
            {
                Task arrived;
                lock (_gate)
                {
                    // An offset confirms every update before it: they are gone for good.
                    if (offset is { } confirmed) _updates.RemoveAll(u => u.Id < confirmed);
                    if (allowed is { Count: > 0 }) _updates.RemoveAll(u => !allowed.Contains(UpdateType(u.Update)));
                    var batch = _updates.Where(u => offset is null || u.Id >= offset).Take(limit).ToList();
                    if (batch.Count > 0 || deadline.IsCancellationRequested)
                        return Reply.Ok(new JsonArray([.. batch.Select(u => (JsonNode)u.Update.DeepClone())]));
                    arrived = _updateArrived.Task;
                }
                try { await arrived.WaitAsync(deadline.Token); }
                catch (OperationCanceledException) { /* the long poll ran out: answer with what there is */ }
            }
        }
        finally
        {
            lock (_gate) _polling = false;
        }
    }

    private static string UpdateType(JsonObject update) =>
        update.Select(p => p.Key).FirstOrDefault(k => k != "update_id") ?? "";

    private JsonObject NewMessage(long chat, Dictionary<string, string> f)
    {
        var id = _lastMessageId[chat] = _lastMessageId.GetValueOrDefault(chat) + 1;
        var message = new JsonObject
        {
            ["message_id"] = id,
            ["from"] = BotUser(full: false),
            ["chat"] = Chat(chat),
            ["date"] = _time.GetUtcNow().ToUnixTimeSeconds(),
        };
        if (f.TryGetValue("message_thread_id", out var thread))
        {
            message["message_thread_id"] = long.Parse(thread, CultureInfo.InvariantCulture);
            message["is_topic_message"] = true;
        }
        if (f.TryGetValue("reply_markup", out var markup) && JsonNode.Parse(markup) is JsonObject m && m.ContainsKey("inline_keyboard"))
            message["reply_markup"] = m;
        _messages[(chat, id)] = message;
        return message;
    }

    private static JsonObject Chat(long id) => id > 0
        ? new JsonObject { ["id"] = id, ["first_name"] = "Learner", ["type"] = "private" }
        : new JsonObject { ["id"] = id, ["title"] = $"Group {id}", ["type"] = id < -1_000_000_000_000 ? "supergroup" : "group" };

    private static JsonObject BotUser(bool full)
    {
        var user = new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = "Academy Test Bot", ["username"] = BotUsername };
        if (full)
        {
            user["can_join_groups"] = true;
            user["can_read_all_group_messages"] = false;
            user["supports_inline_queries"] = false;
        }
        return user;
    }

    private static long LongField(Dictionary<string, string> f, string name) =>
        long.TryParse(f.GetValueOrDefault(name), CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static Reply? CheckMarkup(Dictionary<string, string> f)
    {
        if (!f.TryGetValue("reply_markup", out var json)) return null;
        if (JsonNode.Parse(json)?["inline_keyboard"] is not JsonArray rows) return null;
        foreach (var button in rows.SelectMany(r => r!.AsArray()))
        {
            var data = button?["callback_data"]?.GetValue<string>();
            if (data is null || Encoding.UTF8.GetByteCount(data) is 0 or > 64) return Reply.BadRequest("BUTTON_DATA_INVALID");
            if (string.IsNullOrEmpty(button?["text"]?.GetValue<string>())) return Reply.BadRequest("text buttons are unallowed in the inline keyboard");
        }
        return null;
    }

    private static readonly HashSet<string> HtmlTags =
        ["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler", "span", "blockquote", "tg-emoji"];

    /// <summary>Telegram's HTML parse mode, strictly: known tags, balanced, and '&lt;' '&gt;' '&amp;' only as entities.</summary>
    private static Reply? ParseText(string? source, string? parseMode, out string text)
    {
        text = source ?? "";
        if (!string.Equals(parseMode, "HTML", StringComparison.OrdinalIgnoreCase)) return null;
        var plain = new StringBuilder();
        var open = new Stack<string>();
        var bytes = 0;
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (c == '<')
            {
                var close = text.IndexOf('>', i);
                if (close < 0) return Reply.BadRequest($"can't parse entities: Unclosed start tag at byte offset {bytes}");
                var tag = text[(i + 1)..close];
                var name = tag.TrimStart('/').Split(' ')[0];
                if (!HtmlTags.Contains(name)) return Reply.BadRequest($"can't parse entities: Unsupported start tag \"{name}\" at byte offset {bytes}");
                if (tag.StartsWith('/'))
                {
                    if (!open.TryPop(out var top) || top != name)
                        return Reply.BadRequest($"can't parse entities: Unmatched end tag at byte offset {bytes}, expected \"</{top}>\", found \"</{name}>\"");
                }
                else open.Push(name);
                bytes += Encoding.UTF8.GetByteCount(text[i..(close + 1)]);
                i = close + 1;
                continue;
            }
            if (c == '>') return Reply.BadRequest($"can't parse entities: Character '>' is reserved at byte offset {bytes}");
            if (c == '&')
            {
                var entity = EntityPattern().Match(text, i);
                if (!entity.Success || entity.Index != i)
                    return Reply.BadRequest($"can't parse entities: Character '&' is reserved at byte offset {bytes}");
                plain.Append(WebUtility.HtmlDecode(entity.Value));
                bytes += entity.Length;
                i += entity.Length;
                continue;
            }
            plain.Append(c);
            bytes += Encoding.UTF8.GetByteCount(c.ToString());
            i++;
        }
        if (open.TryPeek(out var unclosed)) return Reply.BadRequest($"can't parse entities: Can't find end tag corresponding to start tag \"{unclosed}\"");
        text = plain.ToString();
        return null;
    }

    [GeneratedRegex("&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")]
    private static partial Regex EntityPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex SecretPattern();

    [GeneratedRegex("^[a-z0-9_]{1,32}$")]
    private static partial Regex CommandPattern();

    /// <summary>
    /// Telegram's limits for sends: about 30 messages a second overall, one a second per chat
    /// (a burst of 3 tolerated), 20 a minute into one group.
    /// </summary>
    private sealed class RateLimits(TimeProvider time)
    {
        private const int Overall = 30, PerGroupPerMinute = 20;

        /// <summary>Sends a chat may bunch before the one-a-second rule bites (Telegram tolerates short bursts; 1 = strict).</summary>
        public int Burst { get; set; } = 3;
        private readonly Queue<DateTimeOffset> _recent = new();
        private readonly Dictionary<long, (double Tokens, DateTimeOffset At)> _chats = [];
        private readonly Dictionary<long, Queue<DateTimeOffset>> _groups = [];

        /// <summary>Seconds to wait, or null when the send may go.</summary>
        public int? Check(long chat)
        {
            var now = time.GetUtcNow();
            Trim(_recent, now - TimeSpan.FromSeconds(1));
            if (_recent.Count >= Overall) return 1;
            var tokens = Tokens(chat, now);
            if (tokens < 1) return (int)Math.Ceiling(1 - tokens);
            if (chat < 0 && _groups.TryGetValue(chat, out var minute))
            {
                Trim(minute, now - TimeSpan.FromMinutes(1));
                if (minute.Count >= PerGroupPerMinute) return Math.Max(1, (int)Math.Ceiling((minute.Peek() + TimeSpan.FromMinutes(1) - now).TotalSeconds));
            }
            return null;
        }

        public void Count(long chat)
        {
            var now = time.GetUtcNow();
            _recent.Enqueue(now);
            _chats[chat] = (Tokens(chat, now) - 1, now);
            if (chat < 0)
            {
                if (!_groups.TryGetValue(chat, out var minute)) _groups[chat] = minute = new Queue<DateTimeOffset>();
                minute.Enqueue(now);
            }
        }

        private double Tokens(long chat, DateTimeOffset now) =>
            _chats.TryGetValue(chat, out var bucket) ? Math.Min(Burst, bucket.Tokens + (now - bucket.At).TotalSeconds) : Burst;

        private static void Trim(Queue<DateTimeOffset> times, DateTimeOffset before)
        {
            while (times.TryPeek(out var t) && t <= before) times.Dequeue();
        }
    }
}
