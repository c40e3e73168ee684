namespace Academy.Tests.Support;

/// <summary>Waits for what a running host does in the background (inbox processor, dispatcher).</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> (and <paramref name="dump"/>'s state) after <paramref name="seconds"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what = "the condition", int seconds = 20, Func<Task<string>>? dump = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}" + (dump is null ? "" : ": " + await dump()));
            await Task.Delay(50);
        }
    }
}
