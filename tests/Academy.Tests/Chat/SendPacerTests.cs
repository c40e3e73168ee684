using Academy.BotHost.Channels;
using Academy.BotHost.Dispatch;

namespace Academy.Tests.Chat;

/// <summary>The dispatcher's pacing rules, on a fixed clock.</summary>
public class SendPacerTests
{
    private static readonly ChannelCapabilities Telegram = new(30, TimeSpan.FromSeconds(1), 20, 4096, true, 64);
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-01T00:00:00Z");

    [Fact]
    public void Overall_slots_follow_the_channel_rate()
    {
        var pacer = new SendPacer(Telegram);
        var slots = Enumerable.Range(0, 300).Select(i => pacer.Reserve($"{1000 + i}", T0)).ToList();
        var rate = 299 / (slots[^1] - slots[0]).TotalSeconds;
        Assert.InRange(rate, 29.9, 30.01);
    }

    [Fact]
    public void A_late_timer_does_not_push_every_later_slot_back()
    {
        var pacer = new SendPacer(Telegram);
        var first = pacer.Reserve("1", T0);
        // The loop comes back 20 ms late for the second slot (due at 33 ms): the third stays due at 67 ms.
        var second = pacer.Reserve("2", T0 + TimeSpan.FromMilliseconds(53));
        var third = pacer.Reserve("3", T0 + TimeSpan.FromMilliseconds(53));
        Assert.Equal(T0, first);
        Assert.True(third - T0 <= TimeSpan.FromMilliseconds(67), $"third slot at {(third - T0).TotalMilliseconds} ms");
        Assert.True(second <= third);
    }

    [Fact]
    public void A_send_holds_its_place_in_the_window_until_a_second_after_its_answer()
    {
        var pacer = new SendPacer(Telegram);
        // Thirty launches in a burst (late timers firing together) fill the window …
        var launches = new List<SendPacer.Launch>();
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(TimeSpan.Zero, pacer.WindowWait(T0));
            launches.Add(pacer.Launched(T0));
        }
        // … while none is answered the platform may count them all as late as now: the 31st waits, however late it is …
        Assert.True(pacer.WindowWait(T0 + TimeSpan.FromSeconds(5)) > TimeSpan.Zero);
        // … and once they are answered, until a second after the first answer.
        for (int i = 0; i < 30; i++) pacer.Completed(launches[i], $"{i}", T0 + TimeSpan.FromMilliseconds(40 + i));
        var wait = pacer.WindowWait(T0 + TimeSpan.FromMilliseconds(500));
        Assert.Equal(TimeSpan.FromMilliseconds(540), wait);
        Assert.Equal(TimeSpan.Zero, pacer.WindowWait(T0 + TimeSpan.FromMilliseconds(1040)));
        // The chat of an answered send waits a full second from the answer, not from the launch.
        Assert.Equal(T0 + TimeSpan.FromMilliseconds(1040), pacer.ChatReadyAt("0"));
    }

    [Fact]
    public void A_rate_share_divides_the_overall_rate()
    {
        var pacer = new SendPacer(Telegram, share: 0.5);
        var slots = Enumerable.Range(0, 100).Select(i => pacer.Reserve($"{1000 + i}", T0)).ToList();
        Assert.InRange(99 / (slots[^1] - slots[0]).TotalSeconds, 14.9, 15.01);
        for (int i = 0; i < 15; i++) pacer.Completed(pacer.Launched(T0), $"{i}", T0);
        Assert.True(pacer.WindowWait(T0) > TimeSpan.Zero, "the sixteenth send within a second waits");
    }

    [Fact]
    public void One_chat_gets_at_most_one_message_per_second()
    {
        var pacer = new SendPacer(Telegram);
        var at = pacer.Reserve("42", T0);
        Assert.Equal(at + TimeSpan.FromSeconds(1), pacer.ChatReadyAt("42"));
        Assert.True(pacer.ChatReadyAt("43") <= T0); // other chats are not held back
    }

    [Fact]
    public void A_group_gets_at_most_twenty_messages_a_minute()
    {
        var pacer = new SendPacer(Telegram);
        var now = T0;
        for (int i = 0; i < 20; i++)
        {
            now = pacer.ChatReadyAt("-100777") > now ? pacer.ChatReadyAt("-100777") : now;
            pacer.Reserve("-100777", now);
        }
        var next = pacer.ChatReadyAt("-100777");
        Assert.True(next >= T0 + TimeSpan.FromMinutes(1), $"the 21st message may go at {next - T0}, within the first minute");
        // A private chat (positive id) has no per-minute window, only the per-second spacing.
        var p = new SendPacer(Telegram);
        var t = T0;
        for (int i = 0; i < 20; i++) { t = p.ChatReadyAt("777") > t ? p.ChatReadyAt("777") : t; p.Reserve("777", t); }
        Assert.True(p.ChatReadyAt("777") < T0 + TimeSpan.FromSeconds(21));
    }

    [Fact]
    public void A_429_pauses_only_that_chat()
    {
        var pacer = new SendPacer(Telegram);
        pacer.PauseChat("-1001", T0 + TimeSpan.FromSeconds(30));
        Assert.Equal(T0 + TimeSpan.FromSeconds(30), pacer.ChatReadyAt("-1001"));
        Assert.True(pacer.ChatReadyAt("-1002") <= T0);
        pacer.PauseChat("-1001", T0 + TimeSpan.FromSeconds(5)); // a shorter pause does not shorten the longer one
        Assert.Equal(T0 + TimeSpan.FromSeconds(30), pacer.ChatReadyAt("-1001"));
    }

    [Fact]
    public void A_second_chat_told_to_wait_while_the_first_still_waits_pauses_every_chat()
    {
        var pacer = new SendPacer(Telegram);
        // One chat's 429, and a later one for the same chat: that chat's limit, the others go on.
        pacer.RateLimited("-1001", T0, T0 + TimeSpan.FromSeconds(30));
        pacer.RateLimited("-1001", T0 + TimeSpan.FromSeconds(1), T0 + TimeSpan.FromSeconds(31));
        Assert.True(pacer.ChatReadyAt("-1002") <= T0);
        // A 429 for a chat whose earlier 429 has run out is again that chat's alone.
        pacer.RateLimited("42", T0 + TimeSpan.FromSeconds(40), T0 + TimeSpan.FromSeconds(41));
        Assert.True(pacer.ChatReadyAt("-1002") <= T0 + TimeSpan.FromSeconds(40));
        // Another chat told to wait while the first still waits: the bot's limit, every chat waits that long.
        pacer.RateLimited("-1001", T0 + TimeSpan.FromSeconds(50), T0 + TimeSpan.FromSeconds(52));
        pacer.RateLimited("7", T0 + TimeSpan.FromSeconds(50.5), T0 + TimeSpan.FromSeconds(58));
        Assert.Equal(T0 + TimeSpan.FromSeconds(58), pacer.PausedUntil);
        Assert.Equal(T0 + TimeSpan.FromSeconds(58), pacer.ChatReadyAt("-1002"));
        Assert.Equal(T0 + TimeSpan.FromSeconds(58), pacer.ChatReadyAt("-1001"));
    }
}
