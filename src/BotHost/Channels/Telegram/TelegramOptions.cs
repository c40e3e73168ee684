namespace Academy.BotHost.Channels.Telegram;

public enum TelegramMode { Polling, Webhook }

/// <summary>
/// The "Telegram" configuration section. The token is a credential: it belongs in user secrets or
/// the environment (Telegram__BotToken), never in appsettings.json, and nothing here logs it.
/// </summary>
public sealed class TelegramOptions
{
    public const string Section = "Telegram";

    public string BotToken { get; set; } = "";
    public string ApiBaseUrl { get; set; } = "https://api.telegram.org";
    public TelegramMode Mode { get; set; } = TelegramMode.Polling;
    /// <summary>The public https URL Telegram posts updates to (Webhook mode).</summary>
    public string? WebhookUrl { get; set; }
    /// <summary>Echoed by Telegram in X-Telegram-Bot-Api-Secret-Token: 1–256 of A-Z a-z 0-9 _ -.</summary>
    public string? SecretToken { get; set; }
    /// <summary>How long one call may take before its outcome is unknown; long polls get their own timeout on top.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20);
    /// <summary>Long-poll wait per getUpdates call (Telegram allows up to 50 s).</summary>
    public int PollTimeoutSeconds { get; set; } = 50;

    /// <summary>Problems that would make the channel fail later, phrased for the operator (no secrets).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = ValidateApi().ToList();
        if (Mode == TelegramMode.Webhook)
        {
            if (!Uri.TryCreate(WebhookUrl, UriKind.Absolute, out var hook) || hook.Scheme != "https")
                errors.Add("Telegram:WebhookUrl must be an absolute https URL in Webhook mode.");
            if (SecretToken is null || !IsValidSecretToken(SecretToken))
                errors.Add("Telegram:SecretToken must be 1–256 characters of A-Z a-z 0-9 _ - in Webhook mode.");
        }
        return errors;
    }

    /// <summary>What the API client itself needs, whatever the mode.</summary>
    internal IEnumerable<string> ValidateApi()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(BotToken))
            errors.Add("Telegram:BotToken is required (set it in user secrets or the Telegram__BotToken environment variable).");
        else if (BotToken.Any(c => char.IsWhiteSpace(c) || c is '/' or '?' or '#'))
            errors.Add("Telegram:BotToken is malformed (expected 123456:ABC-…).");
        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var api) || api.Scheme is not ("https" or "http"))
            errors.Add("Telegram:ApiBaseUrl must be an absolute http(s) URL.");
        if (RequestTimeout <= TimeSpan.Zero)
            errors.Add("Telegram:RequestTimeout must be positive.");
        return errors;
    }

    public static bool IsValidSecretToken(string secret) =>
        secret.Length is >= 1 and <= 256 && secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
