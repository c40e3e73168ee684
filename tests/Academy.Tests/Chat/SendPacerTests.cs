using Academy.BotHost.Channels;
using Academy.BotHost.Dispatch;

namespace Academy.Tests.Chat;

/// <summary>The dispatcher's pacing rules, on a fixed clock.</summary>
public class SendPacerTests
{
    private static readonly ChannelCapabilities Telegram = new(30, TimeSpan.FromSeconds(1), 20, 4096, true, 64);
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-01T00:00:00Z");

    [Fact]
    public void Overall_slots_stay_just_under_the_channel_rate()
    {
        var pacer = new SendPacer(Telegram);
        var slots = Enumerable.Range(0, 300).Select(i => pacer.Reserve($"{1000 + i}", T0)).ToList();
        var span = slots[^1] - slots[0];
        var rate = 299 / span.TotalSeconds;
        Assert.InRange(rate, 29.0, 30.0);
    }

    [Fact]
    public void Launches_that_bunch_up_never_exceed_the_limit_within_a_second()
    {
        var pacer = new SendPacer(Telegram);
        // Thirty launches in a burst (late timers firing together) fill the window …
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(TimeSpan.Zero, pacer.WindowWait(T0));
            pacer.Launched(T0);
        }
        // … and the thirty-first waits until the first has left it.
        var wait = pacer.WindowWait(T0 + TimeSpan.FromMilliseconds(500));
        Assert.InRange(wait, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(530));
        Assert.Equal(TimeSpan.Zero, pacer.WindowWait(T0 + TimeSpan.FromMilliseconds(1030)));
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
}
