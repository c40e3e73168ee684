using Academy.Learning.Model;
using Academy.Learning.Storage;
using Academy.Learning.Content;

namespace Academy.Learning.People;

/// <summary>
/// Finds people by phone or by their account on a channel, links channel accounts to roster
/// learners, and answers what role and language a person has.
/// </summary>
public sealed class LearnerDirectory(TimeProvider time)
{
    public Task<Learner?> FindByPhoneAsync(DbSession s, string phone)
    {
        ArgumentNullException.ThrowIfNull(s);
        return PhoneNumber.TryNormalize(phone, out var e164) ? PeopleStore.FindByPhoneAsync(s, e164) : Task.FromResult<Learner?>(null);
    }

    /// <summary>The learner whose roster e-mail is <paramref name="email"/>, ignoring case; null when none or several share it.</summary>
    public async Task<Learner?> FindByEmailAsync(DbSession s, string? email)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@', StringComparison.Ordinal)) return null;
        var found = await PeopleStore.FindByEmailAsync(s, email.Trim());
        return found.Count == 1 ? found[0] : null;
    }

    public async Task<Learner?> FindByIdentityAsync(DbSession s, string channel, string externalId) =>
        (await FindByIdentitiesAsync(s, channel, [externalId])).GetValueOrDefault(externalId);

    /// <summary>The learners behind accounts on a channel, by account id (those linked).</summary>
    public Task<IReadOnlyDictionary<string, Learner>> FindByIdentitiesAsync(DbSession s, string channel, IReadOnlyCollection<string> externalIds) =>
        PeopleStore.FindByIdentitiesAsync(s, channel, externalIds);

    /// <summary>
    /// Binds a channel account to a learner. An account already bound to someone else moves to this
    /// learner (a shared phone handed on, a corrected roster): the latest proof of identity wins.
    /// </summary>
    public Task LinkIdentityAsync(DbSession s, string channel, string externalId, long learnerId) =>
        PeopleStore.LinkIdentityAsync(s, channel, externalId, learnerId, time.GetUtcNow());

    /// <summary>
    /// Marks a chat the platform refuses for good: a group chat goes inactive; a person's private
    /// chat is noted as unreachable (they blocked the bot or never started it) until they link again.
    /// </summary>
    public Task MarkUnreachableAsync(DbSession s, ChatAddress chat) => PeopleStore.MarkUnreachableAsync(s, chat, time.GetUtcNow());

    /// <summary>
    /// Records that the bot was added to <paramref name="chat"/>. True only for the first report of an
    /// arrival: a platform that reports it twice (Telegram: my_chat_member and the new_chat_members
    /// service message), or an update delivered again, gets false, so the chat is greeted once.
    /// </summary>
    public Task<bool> RecordArrivalAsync(DbSession s, ChatAddress chat) => PeopleStore.RecordArrivalAsync(s, chat, time.GetUtcNow());

    /// <summary>The bot left <paramref name="chat"/> (removed, or blocked in private): its next arrival is a new one.</summary>
    public static Task RecordDepartureAsync(DbSession s, ChatAddress chat) => PeopleStore.RecordDepartureAsync(s, chat);

    /// <summary>Whether the person can be written to privately on a channel (linked, and not refused).</summary>
    public static Task<bool> IsReachableAsync(DbSession s, string channel, string externalId) => PeopleStore.IsReachableAsync(s, channel, externalId);

    /// <summary>The learner's enrollments, newest cohort first.</summary>
    public async Task<IReadOnlyList<Enrollment>> EnrollmentsAsync(DbSession s, long learnerId) =>
        (await EnrollmentsOfAsync(s, [learnerId]))[learnerId].ToList();

    /// <summary>Each learner's enrollments, newest cohort first.</summary>
    public Task<ILookup<long, Enrollment>> EnrollmentsOfAsync(DbSession s, IReadOnlyCollection<long> learnerIds) =>
        PeopleStore.EnrollmentsOfAsync(s, learnerIds);

    /// <summary>The strongest role a person holds anywhere: admin rights are global.</summary>
    public async Task<Role> HighestRoleAsync(DbSession s, long learnerId) => Roles.Highest(await EnrollmentsAsync(s, learnerId));

    /// <summary>
    /// The language to speak to a learner: their own choice, else their group's, else their cohort's,
    /// else English.
    /// </summary>
    public async Task<string> LanguageOfAsync(DbSession s, long learnerId) =>
        Languages.Normalize(await PeopleStore.LanguageOfAsync(s, learnerId)) ?? Languages.English;

    /// <summary>
    /// <see cref="LanguageOfAsync"/> for many learners in one read: their own choice, else the group's or
    /// cohort's of their newest enrollment, else English.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, string>> LanguagesOfAsync(DbSession s, IReadOnlyCollection<long> learnerIds)
    {
        var result = new Dictionary<long, string>();
        foreach (var (learnerId, language) in await PeopleStore.LanguagesOfAsync(s, learnerIds))
            result.TryAdd(learnerId, Languages.Normalize(language) ?? Languages.English);
        return result;
    }

    /// <summary>
    /// Binds a chat on a channel to a study group (a group may have one chat per channel). Binding
    /// again re-activates the chat; binding a chat to another group moves it.
    /// </summary>
    public Task BindGroupChatAsync(DbSession s, long groupId, ChatAddress chat) => PeopleStore.BindGroupChatAsync(s, groupId, chat, time.GetUtcNow());

    /// <summary>The study group a chat is bound to, or null.</summary>
    public static async Task<long?> GroupOfChatAsync(DbSession s, string channel, string chatId) =>
        (await GroupsOfChatsAsync(s, channel, [chatId])).TryGetValue(chatId, out var g) ? g : null;

    /// <summary>The study groups chats on a channel are bound to, by chat id (those bound).</summary>
    public static Task<IReadOnlyDictionary<string, long>> GroupsOfChatsAsync(DbSession s, string channel, IReadOnlyCollection<string> chatIds) =>
        PeopleStore.GroupsOfChatsAsync(s, channel, chatIds);

    /// <summary>Study groups' cohorts and the language their chats speak, by group id.</summary>
    public static async Task<IReadOnlyDictionary<long, (long CohortId, string Language)>> GroupsAsync(DbSession s, IReadOnlyCollection<long> groupIds) =>
        (await CohortStore.StudyGroupsAsync(s, groupIds)).ToDictionary(g => g.Key, g => (g.Value.CohortId, Languages.Normalize(g.Value.Language) ?? Languages.English));

    /// <summary>The active chats of a study group, one per channel.</summary>
    public static Task<IReadOnlyList<ChatAddress>> ChatsOfGroupAsync(DbSession s, long groupId) => PeopleStore.ChatsOfGroupAsync(s, groupId);

    /// <summary>
    /// A chat got a new id (a Telegram group upgraded to a supergroup): its group binding and the
    /// messages still waiting to be sent move with it, so the group is not lost.
    /// </summary>
    public Task MoveChatAsync(DbSession s, ChatAddress chat, string newChatId) => PeopleStore.MoveChatAsync(s, chat, newChatId);
}
