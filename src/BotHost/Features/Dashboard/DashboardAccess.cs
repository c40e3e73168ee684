using System.Security.Cryptography;
using System.Text;
using Academy.Learning.Storage;
using Academy.Learning.Content;

namespace Academy.BotHost.Features.Dashboard;

/// <summary>A signed-in browser: whose it is and the language it asked for.</summary>
public sealed record DashboardSession(string TokenHash, long LearnerId, DateTimeOffset ExpiresAt, string? Language);

/// <summary>
/// One-time sign-in links and the sessions they open. Tokens are 32 random bytes, handed out once
/// and stored only as SHA-256 hashes; a link opens one session, once, before it expires.
/// </summary>
public sealed class DashboardAccess(AcademyDatabase database, DashboardOptions options, TimeProvider time)
{
    /// <summary>Issues a sign-in link token for <paramref name="learnerId"/> inside the caller's transaction.</summary>
    public async Task<string> IssueLinkAsync(DbSession s, long learnerId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var token = NewToken();
        var now = time.GetUtcNow();
        await s.ExecuteAsync(
            "INSERT INTO dashboard_links (token_hash, learner_id, created_at, expires_at) VALUES (@hash, @learnerId, @now, @expires)",
            new { hash = Hash(token), learnerId, now = now.ToUnixTimeMilliseconds(), expires = (now + options.LinkLifetime).ToUnixTimeMilliseconds() });
        return token;
    }

    /// <summary>Whether a link token is still good (unused, unexpired), without using it up.</summary>
    public async Task<bool> IsLinkValidAsync(string? token, CancellationToken ct = default)
    {
        if (!LooksLikeToken(token)) return false;
        await using var s = await database.BeginReadAsync(ct);
        return await s.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM dashboard_links WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now",
            new { hash = Hash(token!), now = time.GetUtcNow().ToUnixTimeMilliseconds() }) > 0;
    }

    /// <summary>
    /// Uses a link up and opens a session: returns the session's token (for the cookie) and its expiry,
    /// or null when the link is unknown, expired or already used. Two browsers racing on one link: one wins.
    /// </summary>
    public async Task<(string Token, DateTimeOffset ExpiresAt)?> RedeemAsync(string? linkToken, CancellationToken ct = default)
    {
        if (!LooksLikeToken(linkToken)) return null;
        var now = time.GetUtcNow();
        await using var s = await database.BeginAsync(ct);
        var learnerId = await s.QuerySingleOrDefaultAsync<long?>(
            """
            UPDATE dashboard_links SET used_at = @now
            WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now
            RETURNING learner_id
            """, new { hash = Hash(linkToken!), now = now.ToUnixTimeMilliseconds() });
        if (learnerId is null) return null;
        var token = NewToken();
        var expires = now + options.SessionLifetime;
        await s.ExecuteAsync(
            "INSERT INTO dashboard_sessions (token_hash, learner_id, created_at, expires_at) VALUES (@hash, @learnerId, @now, @expires)",
            new { hash = Hash(token), learnerId, now = now.ToUnixTimeMilliseconds(), expires = expires.ToUnixTimeMilliseconds() });
        // Old rows are only clutter: sweep them while we are writing anyway.
        var day = TimeSpan.FromDays(1);
        await s.ExecuteAsync("DELETE FROM dashboard_links WHERE expires_at < @before", new { before = (now - day).ToUnixTimeMilliseconds() });
        await s.ExecuteAsync("DELETE FROM dashboard_sessions WHERE expires_at < @before", new { before = (now - day).ToUnixTimeMilliseconds() });
        await s.CommitAsync(ct);
        return (token, expires);
    }

    /// <summary>The live session a cookie names, or null.</summary>
    public async Task<DashboardSession?> FindSessionAsync(string? token, CancellationToken ct = default)
    {
        if (!LooksLikeToken(token)) return null;
        await using var s = await database.BeginReadAsync(ct);
        var row = await s.QuerySingleOrDefaultAsync<SessionRow>(
            """
            SELECT token_hash AS TokenHash, learner_id AS LearnerId, expires_at AS ExpiresAt, language AS Language
            FROM dashboard_sessions WHERE token_hash = @hash AND ended_at IS NULL AND expires_at > @now
            """, new { hash = Hash(token!), now = time.GetUtcNow().ToUnixTimeMilliseconds() });
        return row is null ? null : new DashboardSession(row.TokenHash, row.LearnerId, DateTimeOffset.FromUnixTimeMilliseconds(row.ExpiresAt), row.Language);
    }

    public async Task SetLanguageAsync(DashboardSession session, string language, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var s = await database.BeginAsync(ct);
        await s.ExecuteAsync("UPDATE dashboard_sessions SET language = @language WHERE token_hash = @hash", new { language, hash = session.TokenHash });
        await s.CommitAsync(ct);
    }

    public async Task EndAsync(DashboardSession session, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var s = await database.BeginAsync(ct);
        await s.ExecuteAsync("UPDATE dashboard_sessions SET ended_at = @now WHERE token_hash = @hash",
            new { now = time.GetUtcNow().ToUnixTimeMilliseconds(), hash = session.TokenHash });
        await s.CommitAsync(ct);
    }

    private static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    // 32 bytes in base64url: 43 characters. Anything else is not worth a query.
    private static bool LooksLikeToken(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed class SessionRow
    {
        public string TokenHash { get; init; } = "";
        public long LearnerId { get; init; }
        public long ExpiresAt { get; init; }
        public string? Language { get; init; }
    }
}
