using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Academy.Tests.Support.PlaygroundSteps;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.Tests.Chat;

/// <summary>
/// Every registered command × every kind of person × every chat the command may be used in, through
/// the playground: allowed means no refusal; not allowed means the polite refusal, in the person's
/// own language, and one audit_log row. Commands registered later are walked too: the list comes
/// from the host's container.
/// </summary>
public sealed class RoleMatrixTests : IAsyncLifetime
{
    private const string Group = "group-HN-01"; // HN-01 speaks Vietnamese
    private readonly AcademyApp _app = new(time: new ShiftedTime(DateTimeOffset.Parse("2026-12-01T02:00:00Z")));

    /// <summary>A person; <paramref name="RoleIn"/> gives their role in private (true) or in HN-01's chat (false), null for a stranger.</summary>
    private sealed record Person(string Label, PlaygroundUser User, string Language, Func<bool, Role?> RoleIn);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Every_command_is_allowed_or_politely_refused_and_audited_for_every_role_and_chat()
    {
        var people = await PeopleAsync();
        var commands = _app.Services.GetServices<TurnHandler>().OfType<CommandHandler>().ToList();
        Assert.Contains(commands, c => c.Command == "today");
        Assert.Contains(commands, c => c.Command == "summary");
        Assert.Contains(commands, c => c.Command == "push");
        // The walk checks that each command's declared role is enforced; this checks the declarations
        // of the commands whose rule is known (null: open to people not registered yet).
        var known = new Dictionary<string, Role?>
        {
            ["start"] = null, ["help"] = null, ["me"] = Role.Learner, ["bind"] = Role.Liaison, ["push"] = Role.Admin,
            ["today"] = Role.Liaison, ["summary"] = Role.Liaison,
        };
        foreach (var c in commands.Where(c => known.ContainsKey(c.Command!)))
            Assert.True(known[c.Command!] is { } r ? c.RequiresRegistration && c.RequiredRole == r : !c.RequiresRegistration, $"/{c.Command} declares the wrong role");
        var refusals = AllRefusals();
        var failures = new List<string>();
        var cases = 0;

        foreach (var command in commands)
            foreach (var person in people)
                foreach (var isPrivate in new[] { true, false })
                {
                    if (command.Scope == ChatScope.Private && !isPrivate || command.Scope == ChatScope.Group && isPrivate) continue;
                    cases++;
                    var chat = isPrivate ? person.User.PrivateChat : Group;
                    var role = person.RoleIn(isPrivate);
                    var allowed = role is null ? !command.RequiresRegistration : role >= command.RequiredRole;
                    var actor = "playground:" + person.User.PersonaId;
                    var auditsBefore = await AuditsAsync(actor);
                    var last = await LastIdAsync(_app, chat);

                    await person.User.SayAsync(chat, "/" + command.Command);
                    await SettledAsync(_app);

                    var replies = (await BotMessagesAsync(_app, chat, last)).Select(PlaygroundUser.Text).ToList();
                    var audits = await AuditsAsync(actor) - auditsBefore;
                    var where = $"/{command.Command} by {person.Label} in {(isPrivate ? "private" : Group)}";
                    if (allowed)
                    {
                        if (audits != 0 || replies.Any(refusals.Contains)) failures.Add($"{where}: allowed, but refused ({string.Join(" | ", replies)})");
                    }
                    else
                    {
                        var text = Catalog.Default.For(person.Language);
                        var expected = role is null ? text[isPrivate ? "turn.not_registered_private" : "turn.not_registered"]
                            : text.Get("turn.refused", ("role", command.RequiredRole.ToString().ToLowerInvariant()));
                        if (!replies.Contains(expected)) failures.Add($"{where}: expected \"{expected}\", got {string.Join(" | ", replies)}");
                        if (audits != 1) failures.Add($"{where}: {audits} audit rows, expected 1");
                        else if (await _app.ScalarAsync<string>("SELECT detail FROM audit_log WHERE actor = @actor ORDER BY id DESC LIMIT 1", new { actor }) != "/" + command.Command)
                            failures.Add($"{where}: the audit row does not name the command");
                    }
                }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(cases >= 30, $"only {cases} cases walked");
    }

    [Fact]
    public async Task A_liaison_cannot_reach_another_group_by_naming_it_or_by_a_forged_button()
    {
        var people = await PeopleAsync();
        var other = people.Single(p => p.Label == "liaison of HCM-01");
        var learner = people.Single(p => p.Label == "learner");
        var hn01 = await _app.ScalarAsync<long>("SELECT id FROM study_groups WHERE code = 'HN-01'");
        var zh = Catalog.Default.For("zh-Hans");

        var last = await LastIdAsync(_app, other.User.PrivateChat);
        await other.User.SayAsync(other.User.PrivateChat, "/today hn-01");
        await other.User.SayAsync(other.User.PrivateChat, "/summary HN-01 1");
        await other.User.PressAsync(other.User.PrivateChat, NudgeButtonHandler.Data(hn01, 1));
        await SettledAsync(_app);
        var replies = (await BotMessagesAsync(_app, other.User.PrivateChat, last)).Select(PlaygroundUser.Text).ToList();
        Assert.Equal(2, replies.Count(r => r == zh.Get("liaison.not_your_group", ("code", "hn-01")) || r == zh.Get("liaison.not_your_group", ("code", "HN-01"))));
        Assert.Contains(zh.Get("turn.refused", ("role", "liaison")), replies);
        Assert.Equal(3, await AuditsAsync("playground:" + other.User.PersonaId));

        // A learner pressing the button in the group's chat: a toast in their own language (English), not the group's.
        last = await LastIdAsync(_app, Group);
        await learner.User.PressAsync(Group, NudgeButtonHandler.Data(hn01, 1));
        await SettledAsync(_app);
        var en = Catalog.Default.For("en");
        var toast = Assert.Single(await BotMessagesAsync(_app, Group, last));
        Assert.True(toast.GetProperty("notice").GetBoolean());
        Assert.Equal(en.Get("turn.refused", ("role", "liaison")), PlaygroundUser.Text(toast));
        Assert.Equal(1, await AuditsAsync("playground:" + learner.User.PersonaId));
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM nudges"));
        Assert.Equal(0, await _app.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE idem_key LIKE '%/nudge/%'"));
    }

    private async Task<List<Person>> PeopleAsync()
    {
        var admin = await PersonaAsync(_app, "+84903100200");
        var liaison = await PersonaAsync(_app, "+84912345678");
        var other = await PersonaAsync(_app, "+84908765432");
        var learner = await PersonaAsync(_app, "+84913000111");
        await RegisterAsync(_app, admin, "en");
        await RegisterAsync(_app, liaison, "en");
        await RegisterAsync(_app, other, "zh-Hans");
        await RegisterAsync(_app, learner, "en");
        // Someone not on the roster who picked Chinese at /start.
        var stranger = new PlaygroundUser(_app, "guest");
        await stranger.SayAsync(stranger.PrivateChat, "/start");
        await SettledAsync(_app);
        await stranger.PressAsync(stranger.PrivateChat, "lang:zh-Hans");
        await SettledAsync(_app);
        return
        [
            new("admin", admin, "en", _ => Role.Admin),
            new("liaison of HN-01", liaison, "en", _ => Role.Liaison),
            new("liaison of HCM-01", other, "zh-Hans", isPrivate => isPrivate ? Role.Liaison : Role.Learner),
            new("learner", learner, "en", _ => Role.Learner),
            new("stranger", stranger, "zh-Hans", _ => null),
        ];
    }

    private Task<long> AuditsAsync(string actor) =>
        _app.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'refused' AND actor = @actor", new { actor });

    private static HashSet<string> AllRefusals()
    {
        var set = new HashSet<string>();
        foreach (var language in Languages.All)
        {
            var text = Catalog.Default.For(language);
            set.Add(text["turn.not_registered"]);
            set.Add(text["turn.not_registered_private"]);
            foreach (var role in Enum.GetValues<Role>())
                set.Add(text.Get("turn.refused", ("role", role.ToString().ToLowerInvariant())));
        }
        return set;
    }
}
