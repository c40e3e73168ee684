using Academy.Learning.Model;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Channels;

/// <summary>What a channel's directory says about a person: their organisation e-mail and sign-in name.</summary>
public sealed record AccountProfile(string? Email, string? UserPrincipalName);

/// <summary>
/// A channel whose people are known by an organisation account (Teams: e-mail and UPN from the
/// conversation roster) and which cannot share a verified phone number: registration matches the
/// account to the roster, and falls back to a typed phone number.
/// </summary>
public interface IChannelAccounts
{
    string Channel { get; }

    /// <summary>The person's profile, or null when the platform does not say (or did not answer in time).</summary>
    Task<AccountProfile?> LookUpAsync(ChatAddress chat, string userId, CancellationToken ct);
}
