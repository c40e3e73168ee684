using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Registration;

/// <summary>
/// The last step of registration, however the person proved who they are (a shared contact, an
/// organisation e-mail, a typed number): the channel account is linked to the roster learner, the
/// language picked at /start kept, and the welcome says where they are enrolled.
/// </summary>
public sealed class Registration(LearnerDirectory directory, Catalog catalog, TimeProvider time, Academy.Learning.Exams.ExamService exams, Features.Exams.ExamFlow examFlow)
{
    public async Task CompleteAsync(TurnContext turn, Learner learner, string how)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(learner);
        var e = turn.Event;
        var user = e.From!.Id;
        await directory.LinkIdentityAsync(turn.Session, e.Channel, user, learner.Id);
        var chosen = await LearnerDirectory.ChosenLanguageAsync(turn.Session, e.Channel, user);
        if (chosen is not null)
            await turn.Session.ExecuteAsync("UPDATE learners SET language = @chosen WHERE id = @Id", new { chosen, learner.Id });
        await turn.Session.ExecuteAsync("DELETE FROM conversation_state WHERE channel = @Channel AND user_id = @user", new { e.Channel, user });
        await turn.Session.ExecuteAsync("INSERT INTO audit_log (at, actor, action, detail) VALUES (@at, @actor, 'linked', @detail)",
            new { at = time.GetUtcNow().ToUnixTimeMilliseconds(), actor = $"{e.Channel}:{user}", detail = $"learner {learner.Id} by {how}" });

        turn.Text = catalog.For(chosen ?? await directory.LanguageOfAsync(turn.Session, learner.Id));
        var place = await turn.Session.QuerySingleOrDefaultAsync<PlaceRow>(
            """
            SELECT c.name AS Cohort, c.id AS CohortId, g.code AS GroupCode, g.name AS GroupName, e.role AS Role FROM enrollments e
            JOIN cohorts c ON c.id = e.cohort_id LEFT JOIN study_groups g ON g.id = e.group_id
            WHERE e.learner_id = @Id ORDER BY c.start_date DESC LIMIT 1
            """, new { learner.Id });
        var lang = turn.Text.Language;
        // Said as it is: an admin's rights span every group, so an admin is named by role alone, never "group —".
        // The number is given: the keyboard that asked for it goes (where the channel shows one).
        await turn.SendAsync(new Learning.Messaging.OutgoingMessage
        {
            To = e.Chat ?? throw new InvalidOperationException("Registration happens in a chat."),
            Text = place is null
                ? turn.Text.Get("contact.welcome_not_enrolled", ("name", learner.Name))
                : turn.Text.Get("contact.welcome", ("name", learner.Name), ("cohort", StoredText.In(place.Cohort, lang)),
                    ("role", place.Role), ("grouped", place.GroupCode is null || place.Role == "admin" ? "no" : "yes"),
                    ("group", place.GroupName is null ? "" : StoredText.In(place.GroupName, lang)), ("code", place.GroupCode ?? "")),
            EndsContactRequest = true,
        });
        // A pre-test open from enrolment is offered right away, with its Start button.
        if (place?.Role == "learner" && place.CohortId is { } cohortId && e.Chat is { } chat)
            await examFlow.InviteAsync(turn.Session, exams, cohortId, learner.Id, chat, turn.Text.Language);
    }

    private sealed class PlaceRow
    {
        public string Cohort { get; init; } = "";
        public long? CohortId { get; init; }
        public string? GroupCode { get; init; }
        public string? GroupName { get; init; }
        public string Role { get; init; } = "learner";
    }
}
