using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Content;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Groups;

/// <summary>
/// /bind CODE [COHORT] in a group chat: makes this chat the study group's chat on this channel.
/// Only an admin or a liaison of that very group may do it.
/// </summary>
public sealed class BindHandler(LearnerDirectory directory, IEnumerable<Channels.IChatInspector> inspectors) : CommandHandler("bind")
{
    public override Role RequiredRole => Role.Liaison;

    public override ChatScope Scope => ChatScope.Group;

    public override async Task HandleAsync(TurnContext turn)
    {
        // A broadcast channel has no learners to answer there, and a post in it speaks for nobody: never
        // bound, and nothing is posted back to its subscribers.
        if (turn.Event.IsBroadcast) return;
        if (turn.Event.Args.Count == 0)
        {
            await turn.ReplyAsync(turn.Text["bind.usage"]);
            return;
        }
        var code = turn.Event.Args[0];
        var cohortCode = turn.Event.Args.Count > 1 ? turn.Event.Args[1] : null;
        // Group codes repeat across cohorts: without a cohort code, the newest cohort's group is meant.
        var groups = await CohortStore.FindGroupsByCodeAsync(turn.Session, code, cohortCode);
        if (groups.Count == 0)
        {
            await turn.ReplyAsync(turn.Text.Get("bind.unknown_group", ("code", code)));
            return;
        }
        var group = groups[0];
        if (!Roles.Runs(await directory.EnrollmentsAsync(turn.Session, turn.Learner!.Id), group.Id))
        {
            await turn.ReplyAsync(turn.Text.Get("bind.not_your_group", ("code", group.Code)));
            return;
        }
        await directory.BindGroupChatAsync(turn.Session, group.Id, turn.Event.Chat!);
        var reply = turn.Text.Get("bind.done",
            ("group", StoredText.In(group.Name, turn.Text.Language)), ("code", group.Code),
            ("cohort", StoredText.In(group.CohortName, turn.Text.Language)));
        await turn.ReplyAsync(reply + await AbilitiesNoteAsync(turn));
    }

    // What the platform says the bot may do here, and what is missing for the full programme.
    private async Task<string> AbilitiesNoteAsync(TurnContext turn)
    {
        var inspector = inspectors.FirstOrDefault(i => i.Channel == turn.Event.Channel);
        if (inspector is null) return "";
        var abilities = await inspector.InspectAsync(turn.Event.Chat!, CancellationToken.None);
        if (abilities is null) return "\n" + turn.Text["bind.check_unknown"];
        var notes = new List<string>();
        if (!abilities.CanSend) notes.Add(turn.Text["bind.missing_send"]);
        if (!abilities.IsAdministrator) notes.Add(turn.Text["bind.missing_admin"]);
        if (!abilities.SeesAllMessages) notes.Add(turn.Text["bind.privacy_mode"]);
        if (abilities.NoteKey is { } note) notes.Add(turn.Text[note]);
        return notes.Count == 0 ? "\n" + turn.Text["bind.all_set"] : "\n" + string.Join("\n", notes);
    }
}
