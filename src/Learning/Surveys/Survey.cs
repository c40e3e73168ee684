using Academy.Learning.Exams;
using Academy.Learning.Model;

namespace Academy.Learning.Surveys;

/// <summary>How a survey item is answered: by choosing one option, or by writing.</summary>
public enum SurveyItemKind { Choice, Text }

/// <summary>When a survey opens for a learner.</summary>
public enum SurveyOpening
{
    /// <summary>From the cohort's first programme day.</summary>
    Start,
    /// <summary>From the cohort's last programme day (the default: an evaluation follows the lessons).</summary>
    LastDay,
    /// <summary>Once the learner has passed the exam named by <see cref="SurveyDefinition.OpensAfterExam"/>.</summary>
    AfterExam,
}

/// <summary>
/// One question of a survey. Text lengths count text elements (what a reader sees as one
/// character), so 100 means 100 Chinese characters or 100 Vietnamese letters with their accents.
/// </summary>
public sealed record SurveyItem(string Code, SurveyItemKind Kind, LocalizedText Text, IReadOnlyList<LocalizedText> Options,
    int MinLength, int MaxLength);

/// <summary>
/// An evaluation survey of a course. An anonymous survey's answers are stored without any link to
/// the learner; only the fact that the learner submitted it is kept (completion needs it).
/// </summary>
public sealed record SurveyDefinition(string Code, LocalizedText Title, bool Anonymous, SurveyOpening Opens,
    string? OpensAfterExam, IReadOnlyList<SurveyItem> Items);
