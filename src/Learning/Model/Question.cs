using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Model;

/// <summary>The answer format of a question.</summary>
public enum QuestionType
{
    /// <summary>One correct option among several.</summary>
    Single,
    /// <summary>One or more correct options; all of them and nothing else must be chosen.</summary>
    Multiple,
    /// <summary>A statement judged true (option 0) or false (option 1).</summary>
    TrueFalse,
    /// <summary>A typed answer matched against accepted answers after normalisation.</summary>
    Fill,
}

/// <summary>How hard the author rates a question.</summary>
public enum Difficulty { Easy, Medium, Hard }

/// <summary>What a learner answered: chosen option indices, or typed text for fill-in-the-blank.</summary>
public sealed record Response(IReadOnlyList<int> Options, string? Text)
{
    public static Response Choose(params int[] options) => new(options, null);
    public static Response Typed(string text) => new([], text);

    /// <summary>A compact, stable form for storage: "0,2" for options or "=text" for typed text.</summary>
    public string Encode() => Text is not null ? "=" + Text : string.Join(',', Options.Order());

    public static Response Decode(string encoded) =>
        encoded.StartsWith('=')
            ? Typed(encoded[1..])
            : Choose(encoded.Length == 0 ? [] : encoded.Split(',').Select(int.Parse).ToArray());
}

/// <summary>The verdict on a response.</summary>
public sealed record Grade(bool Correct, decimal Score);

/// <summary>
/// A question of the bank. For <see cref="QuestionType.TrueFalse"/> the options are implicit
/// (0 = true, 1 = false) and <see cref="Options"/> is empty.
/// </summary>
/// <param name="Id">Stable key within the course; re-imports update the question with the same id.</param>
/// <param name="Correct">Indices of the correct options (empty for fill-in-the-blank).</param>
/// <param name="Accepted">Accepted answers for fill-in-the-blank.</param>
public sealed record Question(
    string Id,
    string Topic,
    QuestionType Type,
    Difficulty Difficulty,
    LocalizedText Text,
    IReadOnlyList<LocalizedText> Options,
    IReadOnlyList<int> Correct,
    IReadOnlyList<string> Accepted,
    LocalizedText? Explanation)
{
    /// <summary>Number of options a learner chooses from (2 for true/false, 0 for fill-in-the-blank).</summary>
    public int OptionCount => Type switch
    {
        QuestionType.TrueFalse => 2,
        QuestionType.Fill => 0,
        _ => Options.Count,
    };

    /// <summary>
    /// Whether a response has a shape this question can take: typed text for fill-in-the-blank; else
    /// options that exist, one for a single answer or true/false, at least one for several answers.
    /// </summary>
    public bool Accepts(Response response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (Type == QuestionType.Fill) return response.Text is not null;
        if (response.Text is not null || response.Options.Count == 0 || response.Options.Any(o => o < 0 || o >= OptionCount)) return false;
        return Type == QuestionType.Multiple || response.Options.Distinct().Count() == 1;
    }

    /// <summary>Grades a response: all-or-nothing, with normalised matching for typed answers.</summary>
    public Grade Grade(Response response)
    {
        ArgumentNullException.ThrowIfNull(response);
        bool correct = Type switch
        {
            QuestionType.Fill => response.Text is { } typed &&
                                 Accepted.Any(a => AnswerNormalizer.Equivalent(a, typed)),
            _ => response.Text is null &&
                 response.Options.Distinct().Order().SequenceEqual(Correct.Order()),
        };
        return new Grade(correct, correct ? 1m : 0m);
    }

    /// <summary>
    /// Grades a response under an exam's rule for multiple answers: with <see cref="MultipleScoring.PerOption"/>
    /// each correct tick earns 1/correct and each wrong tick takes as much away, floored at 0.
    /// </summary>
    public Grade Grade(Response response, MultipleScoring scoring)
    {
        var all = Grade(response);
        if (all.Correct || Type != QuestionType.Multiple || scoring != MultipleScoring.PerOption || response.Text is not null || Correct.Count == 0)
            return all;
        var ticked = response.Options.Distinct().ToList();
        var right = ticked.Count(Correct.Contains);
        var wrong = ticked.Count - right;
        return new Grade(false, Math.Max(0m, (decimal)(right - wrong) / Correct.Count));
    }
}
