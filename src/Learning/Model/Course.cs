using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Model;

/// <summary>A course as described by a content pack: topics, lessons by day and a question bank.</summary>
/// <param name="Code">Stable key of the course; re-importing a pack with the same code updates it.</param>
/// <param name="Surveys">Evaluation surveys; <paramref name="Credit"/> and <paramref name="Completion"/> null mean the defaults.</param>
public sealed record Course(
    string Code,
    LocalizedText Title,
    LocalizedText? Description,
    IReadOnlyList<Topic> Topics,
    IReadOnlyList<Lesson> Lessons,
    IReadOnlyList<Question> Questions,
    IReadOnlyList<ExamDefinition>? Exams = null,

    IReadOnlyList<SurveyDefinition>? Surveys = null,
    CreditRules? Credit = null,
    CompletionRule? Completion = null);

/// <summary>A subject area that lessons cover and questions belong to.</summary>
public sealed record Topic(string Code, LocalizedText Title);

/// <summary>The kind of a media link attached to a lesson.</summary>
public enum MediaKind { Link, Image, Video, Audio, Document }

/// <summary>An image, video, audio, document or web link attached to a lesson.</summary>
public sealed record MediaLink(string Url, MediaKind Kind, LocalizedText? Caption);

/// <summary>
/// The lesson delivered on programme day <see cref="Day"/>. Required lessons count toward completion;
/// electives earn credit minutes only.
/// </summary>
/// <param name="Body">Markdown.</param>
/// <param name="Topics">Topic codes; the day's quiz draws questions from them.</param>
/// <param name="Discussion">The discussion topic posted with the lesson, if any.</param>
public sealed record Lesson(
    int Day,
    LocalizedText Title,
    bool Required,
    int CreditMinutes,
    IReadOnlyList<string> Topics,
    LocalizedText Body,
    LocalizedText? Discussion,
    IReadOnlyList<MediaLink> Media);
