using System.Globalization;
using Academy.Learning.Messaging;
using Academy.Learning.Model;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Daily;
using Academy.Learning.Exams;
using Academy.Learning.People;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Liaison;

/// <summary>
/// "Nudge the N missing" under <c>/today</c> (<c>nudge:GROUP:DAY</c>): each missing learner who can be
/// reached gets a private reminder once that day; the presser is told how many in a toast, and who was
/// reminded and who cannot be reached (never started the bot, or blocked it) in their private chat:
/// those names are the liaison's to act on, not the group's to read.
/// </summary>
public sealed class NudgeButtonHandler(LiaisonGroups liaisonGroups, Nudges nudges, Refusals refusals) : ButtonHandler(Prefix)
{
    public const string Prefix = "nudge";

    public static string Data(long groupId, int day) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}:{groupId}:{day}");

    public override Role RequiredRole => Role.Liaison;

    public override async Task HandleAsync(TurnContext turn)
    {
        if (Fields(turn).Length != 2 || LongField(turn, 0) is not { } groupId || LongField(turn, 1) is not { } day || day < 1 || day > 1000 ||
            !(await LearnerDirectory.GroupsAsync(turn.Session, [groupId])).ContainsKey(groupId))
        {
            await refusals.RefuseButtonAsync(turn, Access.Unknown);
            return;
        }
        // A liaison is a liaison everywhere in private: the button names a group, so check it is theirs.
        if (!await liaisonGroups.RunsAsync(turn, groupId))
        {
            await refusals.RefuseRoleAsync(turn, Role.Liaison, turn.Event.ButtonData!);
            return;
        }
        var group = await LiaisonGroups.GroupAsync(turn.Session, groupId);
        var outcome = await nudges.NudgeMissingAsync(turn.Session, group.Cohort, groupId, (int)day, turn.Learner!.Id, turn.Event.Channel);
        var text = await refusals.PersonalTextAsync(turn);
        if (!outcome.WindowOpen)
        {
            await turn.AnswerButtonAsync(text.Get("nudge.closed", ("day", day)));
            return;
        }
        if (outcome.Missing == 0)
        {
            await turn.AnswerButtonAsync(text["nudge.none_missing"]);
            return;
        }
        var toast = text.Get("nudge.toast", ("count", outcome.Nudged.Count), ("unreachable", outcome.Unreachable.Count));

        // The names, privately: who to ask to start the bot.
        var to = turn.Event.Chat!;
        if (!turn.Event.IsPrivate)
        {
            if (!await LearnerDirectory.IsReachableAsync(turn.Session, turn.Event.Channel, turn.Event.From!.Id))
            {
                await turn.AnswerButtonAsync(toast + " " + text["nudge.names_need_private_chat"]);
                return;
            }
            to = new ChatAddress(turn.Event.Channel, turn.Event.From.Id);
        }
        await turn.AnswerButtonAsync(toast);
        var lines = new List<string>();
        if (outcome.Nudged.Count > 0)
            lines.Add(TodayHandler.Labelled(text, text.Get("nudge.done", ("count", outcome.Nudged.Count)), outcome.Nudged));
        if (outcome.AlreadyNudged.Count > 0)
            lines.Add(TodayHandler.Labelled(text, text.Get("nudge.already", ("count", outcome.AlreadyNudged.Count)), outcome.AlreadyNudged));
        if (outcome.Unreachable.Count > 0)
            // Every one of them, not capped: each is someone the liaison has to reach another way.
            lines.Add(TodayHandler.Labelled(text, text.Get("nudge.unreachable", ("count", outcome.Unreachable.Count)),
                outcome.Unreachable.Select(u => $"{u.Name} ({text[u.Reason == Unreachable.Blocked ? "nudge.blocked" : "nudge.never_started"]})").ToList(), capped: false) +
                "\n" + text["nudge.unreachable_hint"]);
        await turn.SendAsync(new OutgoingMessage { To = to, Text = string.Join('\n', lines) });
    }
}
