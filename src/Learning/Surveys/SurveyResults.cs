using Academy.Learning.Exports;
using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Credit;
using Academy.Learning.Exams;

namespace Academy.Learning.Surveys;

/// <summary>The answers to one item: per option counts for a choice item, or the count and the latest texts.</summary>
public sealed record ItemResult(SurveyItem Item, int Answered, IReadOnlyList<int> OptionCounts, IReadOnlyList<string> Latest);

/// <summary>A survey's aggregated results in one cohort.</summary>
public sealed record SurveyResult(StoredSurvey Survey, int Responses, IReadOnlyList<ItemResult> Items);

/// <summary>What admins read of a survey: aggregates and the raw answers as a table (never who gave them, for an anonymous survey).</summary>
public static class SurveyResults
{
    public static async Task<SurveyResult> AggregateAsync(DbSession s, StoredSurvey survey, long cohortId, int latest = 3)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(survey);
        var p = new { surveyId = survey.Id, cohortId };
        var responses = await s.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM survey_responses WHERE survey_id = @surveyId AND cohort_id = @cohortId", p);
        var choices = (await s.QueryAsync<(string Item, long Choice, long Count)>(
            """
            SELECT a.item_code, a.choice, COUNT(*) FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
            WHERE r.survey_id = @surveyId AND r.cohort_id = @cohortId AND a.choice IS NOT NULL
            GROUP BY a.item_code, a.choice
            """, p)).ToList();
        var items = new List<ItemResult>();
        foreach (var item in survey.Definition.Items)
        {
            if (item.Kind == SurveyItemKind.Choice)
            {
                var counts = item.Options.Select((_, i) => (int)choices.Where(c => c.Item == item.Code && c.Choice == i).Sum(c => c.Count)).ToList();
                items.Add(new ItemResult(item, counts.Sum(), counts, []));
                continue;
            }
            var count = await s.ExecuteScalarAsync<long>(
                """
                SELECT COUNT(*) FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
                WHERE r.survey_id = @surveyId AND r.cohort_id = @cohortId AND a.item_code = @code AND a.text IS NOT NULL
                """, new { p.surveyId, cohortId, code = item.Code });
            var texts = await s.QueryAsync<string>(
                $"""
                SELECT a.text FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
                WHERE r.survey_id = @surveyId AND r.cohort_id = @cohortId AND a.item_code = @code AND a.text IS NOT NULL
                ORDER BY r.submitted_on DESC, r.submitted_at DESC, r.id LIMIT {latest}
                """, new { p.surveyId, cohortId, code = item.Code });
            items.Add(new ItemResult(item, (int)count, [], texts.ToList()));
        }
        return new SurveyResult(survey, (int)responses, items);
    }

    /// <summary>One row per response: date, the learner's name for a named survey, then each item's answer.</summary>
    public static async Task<Table> RawTableAsync(DbSession s, StoredSurvey survey, long cohortId, Localizer text)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(survey);
        ArgumentNullException.ThrowIfNull(text);
        var def = survey.Definition;
        var responses = (await s.QueryAsync<ResponseRow>(
            """
            SELECT r.id AS Id, r.submitted_on AS SubmittedOn, l.name AS Name
            FROM survey_responses r LEFT JOIN learners l ON l.id = r.learner_id
            WHERE r.survey_id = @surveyId AND r.cohort_id = @cohortId ORDER BY r.submitted_on, r.submitted_at, r.id
            """, new { surveyId = survey.Id, cohortId })).ToList();
        var answers = (await s.QueryAsync<AnswerRow>(
            """
            SELECT a.response_id AS ResponseId, a.item_code AS ItemCode, a.choice AS Choice, a.text AS Text
            FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
            WHERE r.survey_id = @surveyId AND r.cohort_id = @cohortId
            """, new { surveyId = survey.Id, cohortId })).ToLookup(a => a.ResponseId);
        var headers = new List<string> { text["survey.export.number"], text["survey.export.date"] };
        if (!def.Anonymous) headers.Add(text["survey.export.learner"]);
        headers.AddRange(def.Items.Select(i => i.Code));
        var rows = new List<IReadOnlyList<object?>>();
        foreach (var (r, n) in responses.Select((r, i) => (r, i + 1)))
        {
            var row = new List<object?> { n, DateOnly.ParseExact(r.SubmittedOn, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) };
            if (!def.Anonymous) row.Add(r.Name);
            var mine = answers[r.Id].ToDictionary(a => a.ItemCode);
            foreach (var item in def.Items)
                row.Add(!mine.TryGetValue(item.Code, out var a) ? null
                    : a.Choice is { } c && c < item.Options.Count ? item.Options[(int)c].In(text.Language)
                    : a.Text);
            rows.Add(row);
        }
        return new Table(def.Code, headers, rows);
    }

    private sealed class ResponseRow
    {
        public long Id { get; init; }
        public string SubmittedOn { get; init; } = "";
        public string? Name { get; init; }
    }

    private sealed class AnswerRow
    {
        public long ResponseId { get; init; }
        public string ItemCode { get; init; } = "";
        public long? Choice { get; init; }
        public string? Text { get; init; }
    }
}
