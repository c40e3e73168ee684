using Academy.Learning.Localization;
using Academy.Learning.Model;
using Academy.Learning.Storage;

namespace Academy.Learning.People;

/// <summary>Why a proof of identity registers nobody; <see cref="Registration.MessageKey"/> names what the person is told.</summary>
public enum RegistrationRefusal
{
    /// <summary>A contact card of someone else: only one's own number proves who one is.</summary>
    NotOwnContact,
    /// <summary>The number is on no roster.</summary>
    NotOnRoster,
    /// <summary>A number typed before choosing a language at /start.</summary>
    StartFirst,
    /// <summary>A typed number without its country code, or not a number.</summary>
    PhoneFormat,
    /// <summary>The roster entry has an e-mail: signing in with that account is the proof, not a typed number.</summary>
    UseEmail,
    /// <summary>The learner is linked to another account on this channel already.</summary>
    PhoneTaken,
}

/// <summary>The roster learner a proof of identity names, or why it names none.</summary>
public sealed record RegistrationMatch(Learner? Learner, RegistrationRefusal? Refusal)
{
    public static RegistrationMatch Of(Learner learner) => new(learner, null);

    public static RegistrationMatch Refused(RegistrationRefusal refusal) => new(null, refusal);
}

/// <summary>
/// A registration done: the language to speak from now on, the welcome in it, and the cohort whose
/// pre-test is to be offered right away (a learner's newest cohort), if any.
/// </summary>
public sealed record Registered(Learner Learner, string Language, string Welcome, long? OfferExamsOfCohort);

/// <summary>
/// Registration's rules, whatever the channel: a language chosen at /start; a person proved by a
/// shared contact, an organisation e-mail or a typed number; the channel account linked to the roster
/// learner, the language picked kept, and the welcome saying where they are enrolled.
/// </summary>
public sealed class Registration(LearnerDirectory directory, Catalog catalog, TimeProvider time)
{
    /// <summary>The conversation state of a person who chose a language and is to prove who they are.</summary>
    public const string AwaitingContact = "awaiting_contact";

    /// <summary>What a person is told for <paramref name="refusal"/> (a catalog key).</summary>
    public static string MessageKey(RegistrationRefusal refusal) => refusal switch
    {
        RegistrationRefusal.NotOwnContact => "contact.not_own",
        RegistrationRefusal.NotOnRoster => "contact.not_on_roster",
        RegistrationRefusal.StartFirst => "phone.start_first",
        RegistrationRefusal.PhoneFormat => "phone.format",
        RegistrationRefusal.UseEmail => "phone.use_email",
        RegistrationRefusal.PhoneTaken => "phone.taken",
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };

    /// <summary>
    /// Remembers the language a person chose (one of those offered; anything else is refused and
    /// nothing is saved: null) and that their number is awaited; a registered person's own language
    /// changes with it.
    /// </summary>
    public async Task<string?> ChooseLanguageAsync(DbSession s, string channel, string userId, Learner? learner, string? chosen)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (Languages.Normalize(chosen) is not { } language) return null;
        await ConversationStore.SetStateAndLanguageAsync(s, channel, userId, AwaitingContact, language, time.GetUtcNow());
        if (learner is not null) await PeopleStore.SetLanguageAsync(s, learner.Id, language);
        return language;
    }

    /// <summary>A shared contact names its owner's roster entry, when it is the sender's own.</summary>
    public async Task<RegistrationMatch> MatchContactAsync(DbSession s, string senderId, string? contactUserId, string? contactPhone)
    {
        ArgumentNullException.ThrowIfNull(s);
        // Only one's own number proves who one is: a forwarded contact card proves nothing.
        if (contactUserId != senderId) return RegistrationMatch.Refused(RegistrationRefusal.NotOwnContact);
        var learner = contactPhone is null ? null : await directory.FindByPhoneAsync(s, contactPhone);
        return learner is null ? RegistrationMatch.Refused(RegistrationRefusal.NotOnRoster) : RegistrationMatch.Of(learner);
    }

    /// <summary>The roster learner whose e-mail is the organisation account's e-mail, else its principal name; null when none (or several).</summary>
    public async Task<Learner?> MatchOrganisationAccountAsync(DbSession s, string? email, string? principalName) =>
        await directory.FindByEmailAsync(s, email) ?? await directory.FindByEmailAsync(s, principalName);

    /// <summary>
    /// A phone number typed in private where no contact can be shared. It proves less than a shared
    /// contact, so it names only a learner whose roster entry has no e-mail (where there is one, the
    /// e-mail is the proof) and who is not linked to another account on this channel yet, and only
    /// after a language was chosen at /start.
    /// </summary>
    public async Task<RegistrationMatch> MatchTypedPhoneAsync(DbSession s, string channel, string userId, string? text)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (await ConversationStore.StateAsync(s, channel, userId) != AwaitingContact) return RegistrationMatch.Refused(RegistrationRefusal.StartFirst);
        if (!PhoneNumber.TryNormalize(text, out var e164) || !e164.StartsWith('+')) return RegistrationMatch.Refused(RegistrationRefusal.PhoneFormat);
        var learner = await directory.FindByPhoneAsync(s, e164);
        if (learner is null) return RegistrationMatch.Refused(RegistrationRefusal.NotOnRoster);
        if (!string.IsNullOrWhiteSpace(learner.Email)) return RegistrationMatch.Refused(RegistrationRefusal.UseEmail);
        if (await PeopleStore.IsLinkedElsewhereAsync(s, channel, learner.Id, userId)) return RegistrationMatch.Refused(RegistrationRefusal.PhoneTaken);
        return RegistrationMatch.Of(learner);
    }

    /// <summary>
    /// Links the account to the learner (audited, with <paramref name="how"/> they proved it), keeps the
    /// language picked at /start, and composes the welcome in the language to speak from now on.
    /// </summary>
    public async Task<Registered> CompleteAsync(DbSession s, string channel, string userId, Learner learner, string how)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(learner);
        var now = time.GetUtcNow();
        await directory.LinkIdentityAsync(s, channel, userId, learner.Id);
        var chosen = await ConversationStore.ChosenLanguageAsync(s, channel, userId);
        if (chosen is not null) await PeopleStore.SetLanguageAsync(s, learner.Id, chosen);
        await ConversationStore.ClearAsync(s, channel, userId);
        await AuditStore.RecordAsync(s, now, $"{channel}:{userId}", "linked", $"learner {learner.Id} by {how}");

        var text = catalog.For(chosen ?? await directory.LanguageOfAsync(s, learner.Id));
        var place = await PeopleStore.NewestPlaceAsync(s, learner.Id);
        var lang = text.Language;
        // Said as it is: an admin's rights span every group, so an admin is named by role alone, never "group —".
        var welcome = place is null
            ? text.Get("contact.welcome_not_enrolled", ("name", learner.Name))
            : text.Get("contact.welcome", ("name", learner.Name), ("cohort", StoredText.In(place.Cohort, lang)),
                ("role", place.Role), ("grouped", place.GroupCode is null || place.Role == "admin" ? "no" : "yes"),
                ("group", place.GroupName is null ? "" : StoredText.In(place.GroupName, lang)), ("code", place.GroupCode ?? ""));
        // A pre-test open from enrolment is offered to a learner right away.
        return new Registered(learner, lang, welcome, place?.Role == "learner" ? place.CohortId : null);
    }
}
