using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Model;

/// <summary>Minutes credited for one kind of activity, and the most of them one day may earn.</summary>
/// <param name="Minutes">Per occurrence of an activity that brings no minutes of its own (an answer, a check-in, a survey, an exam without credit_minutes); an exam's own figure wins. Null: 0.</param>
/// <param name="DailyCap">Most minutes of this kind credited per learner and cohort-local day; null for no cap.</param>
public sealed record CreditRule(int? Minutes, int? DailyCap);

/// <summary>
/// The credit rules of a course, by ledger kind (<c>lesson</c>, <c>answer</c>, <c>checkin</c>,
/// <c>exam</c>, <c>survey</c>). A kind not listed keeps the minutes it is awarded, uncapped.
/// </summary>
public sealed record CreditRules(IReadOnlyDictionary<string, CreditRule> Kinds)
{
    /// <summary>Kinds the pack may configure.</summary>
    public static readonly IReadOnlyList<string> KnownKinds = ["lesson", "answer", "checkin", "exam", "survey"];

    /// <summary>Answers and check-ins earn points only, lessons their own minutes: what a pack without <c>credit:</c> gets.</summary>
    public static CreditRules Default { get; } = new(new Dictionary<string, CreditRule>());

    public CreditRule For(string kind) => Kinds.TryGetValue(kind, out var rule) ? rule : new CreditRule(null, null);
}

/// <summary>
/// What a learner must do to complete the course (and receive a certificate). Every condition
/// must hold; a field the pack leaves out takes its default.
/// </summary>
/// <param name="RequiredLessons">How many required lessons must be read; null means all of them.</param>
/// <param name="PostTests">Codes of the exams that must be passed; null means every exam of kind post the course has (none: its final exams).</param>
/// <param name="Surveys">Codes of the surveys that must be submitted; null means every survey the course has.</param>
/// <param name="MinimumMinutes">Credit minutes the ledger must hold, 0 for no minimum.</param>
public sealed record CompletionRule(int? RequiredLessons, IReadOnlyList<string>? PostTests, IReadOnlyList<string>? Surveys, int MinimumMinutes)
{
    /// <summary>Without <c>completion:</c>: all required lessons read, the course's post-tests passed, its surveys submitted.</summary>
    public static CompletionRule Default { get; } = new(null, null, null, 0);
}
