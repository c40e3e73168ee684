using System.Globalization;
using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Storage;

namespace Academy.Learning.Daily;

/// <summary>
/// A question with several right answers, answered by buttons: each press ticks or unticks one
/// option, kept as the learner's draft (<c>quiz_drafts</c>) until Submit sends what is ticked. A
/// card that ticks in place (Bot Framework) sends its ticks with the Submit press instead.
/// </summary>
public sealed class QuizTicks(TimeProvider time)
{
    /// <summary>
    /// Ticks <paramref name="option"/> of the question for the learner, or unticks it if it was ticked.
    /// The draft is written at once, so a Submit later in the same batch reads it as it would one update later.
    /// </summary>
    /// <returns>The options ticked after the press, in order; null when the question has no such option (a forged press).</returns>
    public async Task<IReadOnlyList<int>?> TickAsync(DbSession s, long deliveryId, long learnerId, Question question, long option)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (option < 0 || option >= question.OptionCount) return null;
        var ticked = Toggle(await TickedAsync(s, deliveryId, learnerId), (int)option);
        await DeliveryStore.SaveQuizDraftAsync(s, deliveryId, learnerId, Format(ticked), time.GetUtcNow().ToUnixTimeMilliseconds());
        return ticked;
    }

    /// <summary>
    /// The options a Submit press answers with: those it carries (<paramref name="carried"/>, "0,2"),
    /// else those the learner ticked so far. Null when the carried ticks are not option numbers (a forged press).
    /// </summary>
    public async Task<IReadOnlyList<int>?> SubmittedAsync(DbSession s, long deliveryId, long learnerId, string? carried) =>
        carried is null ? await TickedAsync(s, deliveryId, learnerId) : Parse(carried);

    /// <summary>The options the learner has ticked so far, in order.</summary>
    public static async Task<IReadOnlyList<int>> TickedAsync(DbSession s, long deliveryId, long learnerId) =>
        Parse(await DeliveryStore.QuizDraftAsync(s, deliveryId, learnerId)) ?? [];

    /// <summary>The ticks with <paramref name="option"/> flipped, in order.</summary>
    public static IReadOnlyList<int> Toggle(IReadOnlyCollection<int> ticked, int option)
    {
        ArgumentNullException.ThrowIfNull(ticked);
        var set = ticked.ToHashSet();
        if (!set.Remove(option)) set.Add(option);
        return set.Order().ToList();
    }

    /// <summary>"0,2" → [0, 2] (each option once, in order); empty for none; null when a part is not an option number.</summary>
    public static IReadOnlyList<int>? Parse(string? ticks)
    {
        if (string.IsNullOrEmpty(ticks)) return [];
        var set = new SortedSet<int>();
        foreach (var part in ticks.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var option)) return null;
            set.Add(option);
        }
        return set.ToList();
    }

    /// <summary>The ticks as the draft keeps them: "0,2".</summary>
    public static string Format(IEnumerable<int> ticked) => string.Join(',', ticked.Order());

    /// <summary>What a tick press answers: the options ticked so far, numbered from 1, or that nothing is ticked.</summary>
    public static string Acknowledgement(IReadOnlyCollection<int> ticked, Localizer text)
    {
        ArgumentNullException.ThrowIfNull(ticked);
        ArgumentNullException.ThrowIfNull(text);
        return ticked.Count == 0
            ? text["quiz.nothing_ticked"]
            : text.Get("quiz.ticked", ("options", string.Join(", ", ticked.Order().Select(i => (i + 1).ToString(CultureInfo.InvariantCulture)))));
    }
}
