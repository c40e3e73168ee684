using Academy.BotHost.Channels;
using Academy.BotHost.Pipeline;
using Academy.Learning.Localization;
using Academy.Learning.Record;
using Academy.Learning.Storage;

namespace Academy.BotHost.Handlers;

/// <summary>A shared phone number: matched to the roster, and the channel account linked to that learner.</summary>
public sealed class ContactHandler(LearnerDirectory directory, Catalog catalog) : Pipeline.EventHandler(ChatEventKind.ContactShared)
{
    public override bool RequiresRegistration => false;

    public override ChatScope Scope => ChatScope.Private;

    public override async Task HandleAsync(TurnContext turn)
    {
        var e = turn.Event;
        // Only one's own number proves who one is: a forwarded contact card proves nothing.
        if (e.ContactUserId != e.From!.Id)
        {
            await turn.ReplyAsync(turn.Text["contact.not_own"]);
            return;
        }
        var learner = e.ContactPhone is null ? null : await directory.FindByPhoneAsync(turn.Session, e.ContactPhone);
        if (learner is null)
        {
            await turn.ReplyAsync(turn.Text["contact.not_on_roster"]);
            return;
        }
        await directory.LinkIdentityAsync(turn.Session, e.Channel, e.From.Id, learner.Id);
        var chosen = await LearnerDirectory.ChosenLanguageAsync(turn.Session, e.Channel, e.From.Id);
        if (chosen is not null)
            await turn.Session.ExecuteAsync("UPDATE learners SET language = @chosen WHERE id = @Id", new { chosen, learner.Id });
        await turn.Session.ExecuteAsync("DELETE FROM conversation_state WHERE channel = @Channel AND user_id = @id", new { e.Channel, id = e.From.Id });

        turn.Text = catalog.For(chosen ?? await directory.LanguageOfAsync(turn.Session, learner.Id));
        var place = await turn.Session.QuerySingleOrDefaultAsync<PlaceRow>(
            """
            SELECT c.name AS Cohort, g.code AS GroupCode, e.role AS Role FROM enrollments e
            JOIN cohorts c ON c.id = e.cohort_id LEFT JOIN study_groups g ON g.id = e.group_id
            WHERE e.learner_id = @Id ORDER BY c.start_date DESC LIMIT 1
            """, new { learner.Id });
        var cohortName = place is null ? "" : StoredText.In(place.Cohort, turn.Text.Language);
        await turn.ReplyAsync(turn.Text.Get("contact.welcome", ("name", learner.Name), ("cohort", cohortName),
            ("group", place?.GroupCode ?? "—"), ("role", turn.Text["role." + (place?.Role ?? "learner")])));
    }

    private sealed class PlaceRow
    {
        public string Cohort { get; init; } = "";
        public string? GroupCode { get; init; }
        public string Role { get; init; } = "learner";
    }
}
