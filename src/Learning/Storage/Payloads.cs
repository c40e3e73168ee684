using Academy.Learning.Model;
using Academy.Learning.Content;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Learning.Storage;

/// <summary>The JSON in <c>lessons.payload</c>.</summary>
internal sealed record LessonPayload(LocalizedText Title, LocalizedText Body, LocalizedText? Discussion, IReadOnlyList<MediaLink> Media);

/// <summary>The JSON in <c>questions.payload</c>.</summary>
internal sealed record QuestionPayload(
    LocalizedText Text, IReadOnlyList<LocalizedText> Options, IReadOnlyList<int> Correct, IReadOnlyList<string> Accepted, LocalizedText? Explanation);
