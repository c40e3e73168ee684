using Academy.BotHost.Channels;

namespace Academy.BotHost.Dispatch;

/// <summary>
/// The send rate of one channel, kept in memory by the dispatcher: an overall slot every
/// 1/<c>MessagesPerSecond</c>, a minimum spacing per chat, a per-minute window per group chat, and
/// a chat-specific pause after a 429 (other chats carry on).
/// </summary>
public sealed class SendPacer(ChannelCapabilities capabilities)
{
    // A whisker under the platform ceiling: the platform's own window and ours never align exactly.
    private readonly TimeSpan _slot = TimeSpan.FromSeconds(1.0 / (capabilities.MessagesPerSecond * 0.985));
    private readonly Dictionary<string, DateTimeOffset> _chatNext = [];
    private readonly Dictionary<string, Queue<DateTimeOffset>> _groupWindow = [];
    private readonly Queue<DateTimeOffset> _launches = new();
    private readonly Dictionary<string, List<DateTimeOffset>> _chatSends = [];
    private readonly TimeSpan _longestWindow = capabilities.ChatWindows.Count == 0 ? TimeSpan.Zero : capabilities.ChatWindows.Max(w => w.Per);
    private readonly int _perSecond = Math.Max(1, (int)Math.Floor(capabilities.MessagesPerSecond));
    private DateTimeOffset _nextSlot = DateTimeOffset.MinValue;
    private DateTimeOffset _lastSendsTrim = DateTimeOffset.MinValue;

    // The platform counts arrivals in any one-second window; our launches can bunch when a timer
    // fires late. A little more than a second per full window absorbs that.
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(1020);

    /// <summary>The earliest time a message may go to <paramref name="chatId"/>, as far as the chat and group limits go.</summary>
    public DateTimeOffset ChatReadyAt(string chatId)
    {
        var ready = _chatNext.GetValueOrDefault(chatId, DateTimeOffset.MinValue);
        if (IsGroup(chatId) && _groupWindow.TryGetValue(chatId, out var window) && window.Count >= capabilities.GroupMessagesPerMinute)
        {
            var windowFree = window.Peek() + TimeSpan.FromMinutes(1);
            if (windowFree > ready) ready = windowFree;
        }
        if (_chatSends.TryGetValue(chatId, out var sends))
            foreach (var limit in capabilities.ChatWindows)
            {
                // The window is full when the last Count sends all fall inside it: wait for the oldest of them to leave.
                if (sends.Count < limit.Count) continue;
                var free = sends[^limit.Count] + limit.Per;
                if (free > ready) ready = free;
            }
        return ready;
    }

    /// <summary>Reserves the next overall slot (not before <paramref name="now"/>) for a send to <paramref name="chatId"/>.</summary>
    public DateTimeOffset Reserve(string chatId, DateTimeOffset now)
    {
        var at = _nextSlot > now ? _nextSlot : now;
        _nextSlot = at + _slot;
        _chatNext[chatId] = at + capabilities.PerChatInterval;
        if (capabilities.ChatWindows.Count > 0)
        {
            if (!_chatSends.TryGetValue(chatId, out var sends)) _chatSends[chatId] = sends = [];
            sends.RemoveAll(t => t + _longestWindow <= at);
            // The platform counts when the request arrives: a little margin on our side.
            sends.Add(at + TimeSpan.FromMilliseconds(250));
        }
        if (IsGroup(chatId))
        {
            if (!_groupWindow.TryGetValue(chatId, out var window)) _groupWindow[chatId] = window = new Queue<DateTimeOffset>();
            while (window.Count > 0 && window.Peek() + TimeSpan.FromMinutes(1) <= at) window.Dequeue();
            // Leave a margin of a second: the platform counts by its own clock, when the request arrives.
            window.Enqueue(at + TimeSpan.FromSeconds(1));
        }
        return at;
    }

    /// <summary>How long to wait, at <paramref name="now"/>, before the next launch keeps the one-second window under the limit.</summary>
    public TimeSpan WindowWait(DateTimeOffset now)
    {
        while (_launches.Count > 0 && _launches.Peek() + Window <= now) _launches.Dequeue();
        return _launches.Count < _perSecond ? TimeSpan.Zero : _launches.Peek() + Window - now;
    }

    /// <summary>Records a launch at its actual time.</summary>
    public void Launched(DateTimeOffset now) => _launches.Enqueue(now);

    /// <summary>The platform asked this chat to wait (429 retry_after): only this chat pauses.</summary>
    public void PauseChat(string chatId, DateTimeOffset until)
    {
        if (_chatNext.GetValueOrDefault(chatId, DateTimeOffset.MinValue) < until) _chatNext[chatId] = until;
    }

    /// <summary>Forgets chats idle for a while, so memory does not grow with every chat ever served.</summary>
    public void Trim(DateTimeOffset now)
    {
        foreach (var chat in _chatNext.Where(kv => kv.Value < now - TimeSpan.FromMinutes(2)).Select(kv => kv.Key).ToList())
        {
            _chatNext.Remove(chat);
            _groupWindow.Remove(chat);
        }
        // Hour-long windows outlive the two idle minutes above: a chat is forgotten once its windows are empty.
        if (now - _lastSendsTrim < TimeSpan.FromSeconds(10)) return;
        _lastSendsTrim = now;
        foreach (var (chat, sends) in _chatSends.ToList())
        {
            sends.RemoveAll(t => t + _longestWindow <= now);
            if (sends.Count == 0) _chatSends.Remove(chat);
        }
    }

    // Telegram (and the Bot API clones) give groups negative chat ids; private chats are positive.
    private bool IsGroup(string chatId) => capabilities.GroupMessagesPerMinute < int.MaxValue && chatId.StartsWith('-');
}
