using Academy.BotHost.Channels;

namespace Academy.BotHost.Dispatch;

/// <summary>
/// The send rate of one channel, kept in memory by the dispatcher: overall slots at the channel's
/// rate, a guard that no second can ever hold more arrivals than the platform allows, a minimum
/// spacing per chat, a per-minute window per group chat, and a chat-specific pause after a 429
/// (other chats carry on) — unless a second chat gets a 429 while the first still waits: the limit is
/// then the bot's, and every chat pauses. Thread-safe: sends complete on other threads than the loop that launches them.
/// </summary>
/// <param name="share">The part of the channel's overall rate this process may use (<c>Outbox:RateShare</c>), when several hosts send for one bot.</param>
public sealed class SendPacer(ChannelCapabilities capabilities, double share = 1.0)
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private readonly Lock _gate = new();
    private readonly TimeSpan _slot = TimeSpan.FromSeconds(1.0 / (capabilities.MessagesPerSecond * share));
    private readonly Dictionary<string, DateTimeOffset> _chatNext = [];
    private readonly Dictionary<string, Queue<DateTimeOffset>> _groupWindow = [];
    private readonly List<Launch> _launches = [];
    private readonly Dictionary<string, List<DateTimeOffset>> _chatSends = [];
    private readonly TimeSpan _longestWindow = capabilities.ChatWindows.Count == 0 ? TimeSpan.Zero : capabilities.ChatWindows.Max(w => w.Per);
    private readonly int _perSecond = Math.Max(1, (int)Math.Floor(capabilities.MessagesPerSecond * share + 1e-9));
    private readonly Dictionary<string, DateTimeOffset> _throttled = [];
    private DateTimeOffset _nextSlot = DateTimeOffset.MinValue;
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _lastSendsTrim = DateTimeOffset.MinValue;

    /// <summary>
    /// One send in the air or recently answered. The platform counts it when the request arrives,
    /// which we never see: only that it lies between <see cref="At"/> (launch) and <see cref="Done"/>
    /// (answer). Counting each send from its launch until a second after its answer is therefore
    /// safe whatever the latency, and costs only the round trip.
    /// </summary>
    public sealed class Launch(DateTimeOffset at)
    {
        public DateTimeOffset At { get; } = at;
        public DateTimeOffset? Done { get; internal set; }
    }

    /// <summary>The earliest time a message may go to <paramref name="chatId"/>, as far as the chat and group limits go.</summary>
    public DateTimeOffset ChatReadyAt(string chatId)
    {
        lock (_gate) return ChatReadyAtLocked(chatId);
    }

    private DateTimeOffset ChatReadyAtLocked(string chatId)
    {
        var ready = _chatNext.GetValueOrDefault(chatId, DateTimeOffset.MinValue);
        if (_pausedUntil > ready) ready = _pausedUntil;
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
        lock (_gate) return ReserveLocked(chatId, now);
    }

    private DateTimeOffset ReserveLocked(string chatId, DateTimeOffset now)
    {
        // Slots are due times, not intervals from the last launch: a timer that fires late does not
        // push every later slot back (within one slot of lateness; a longer gap is not made up in a burst).
        var at = _nextSlot > now - _slot ? _nextSlot : now;
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

    /// <summary>
    /// How long to wait, at <paramref name="now"/>, before a launch keeps every one-second window at
    /// the platform under the limit; <see cref="TimeSpan.Zero"/> when it may go now. While the window
    /// is full of sends still in the air, their answers decide: a short look again.
    /// </summary>
    public TimeSpan WindowWait(DateTimeOffset now)
    {
        lock (_gate)
        {
            _launches.RemoveAll(l => l.Done is { } done && done + Second <= now);
            if (_launches.Count < _perSecond) return TimeSpan.Zero;
            var free = _launches.Where(l => l.Done is not null).Select(l => l.Done!.Value + Second).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
            var wait = free == DateTimeOffset.MaxValue ? TimeSpan.FromMilliseconds(2) : free - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.FromTicks(1);
        }
    }

    /// <summary>Records a launch at its actual time; hand the result to <see cref="Completed"/> when the platform answers.</summary>
    public Launch Launched(DateTimeOffset now)
    {
        var launch = new Launch(now);
        lock (_gate) _launches.Add(launch);
        return launch;
    }

    /// <summary>
    /// The platform answered (or the send gave up) at <paramref name="now"/>: the send leaves the
    /// overall window a second later, and the chat's next message waits a full interval from here,
    /// since the platform may have counted this one as late as now.
    /// </summary>
    public void Completed(Launch launch, string chatId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(launch);
        lock (_gate)
        {
            if (launch.Done is not null) return;
            launch.Done = now;
            var next = now + capabilities.PerChatInterval;
            if (_chatNext.GetValueOrDefault(chatId, DateTimeOffset.MinValue) < next) _chatNext[chatId] = next;
        }
    }

    /// <summary>The platform asked this chat to wait (429 retry_after, or a back-off): only this chat pauses.</summary>
    public void PauseChat(string chatId, DateTimeOffset until)
    {
        lock (_gate)
            if (_chatNext.GetValueOrDefault(chatId, DateTimeOffset.MinValue) < until) _chatNext[chatId] = until;
    }

    /// <summary>
    /// The platform answered a send to <paramref name="chatId"/> with 429, to wait until <paramref name="until"/>.
    /// A 429 does not say whose limit it is. One chat's (its per-chat or group window) pauses that chat
    /// alone; but when another chat is still waiting out its own 429, the limit is the bot's (its overall
    /// rate, or a flood wait the platform counts down for every chat): every chat pauses until this one's
    /// wait is over, instead of each drawing a 429 of its own — which the platform punishes with longer waits.
    /// </summary>
    public void RateLimited(string chatId, DateTimeOffset now, DateTimeOffset until)
    {
        lock (_gate)
        {
            if (_chatNext.GetValueOrDefault(chatId, DateTimeOffset.MinValue) < until) _chatNext[chatId] = until;
            foreach (var done in _throttled.Where(t => t.Value <= now).Select(t => t.Key).ToList()) _throttled.Remove(done);
            if (_throttled.Keys.Any(other => other != chatId) && until > _pausedUntil) _pausedUntil = until;
            _throttled[chatId] = until;
        }
    }

    /// <summary>Until when every chat waits (a 429 for the whole bot); the past when none does.</summary>
    public DateTimeOffset PausedUntil
    {
        get { lock (_gate) return _pausedUntil; }
    }

    /// <summary>Forgets chats idle for a while, so memory does not grow with every chat ever served.</summary>
    public void Trim(DateTimeOffset now)
    {
        lock (_gate) TrimLocked(now);
    }

    private void TrimLocked(DateTimeOffset now)
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
