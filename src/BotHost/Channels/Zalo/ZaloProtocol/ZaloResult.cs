namespace Academy.BotHost.Channels.Zalo.ZaloProtocol;

/// <summary>
/// Why a Zalo webhook or answer could not be read. An endpoint maps the signature failures to 401 and the
/// shape failures to 400, never to a 500.
/// </summary>
public enum ZaloFailure
{
    /// <summary>No <c>X-ZEvent-Signature</c> (OA) or <c>X-Bot-Api-Secret-Token</c> (bot) header, or an empty one.</summary>
    MissingSignature,

    /// <summary>The signature or secret does not match: not from Zalo, tampered with, or signed with another key.</summary>
    BadSignature,

    /// <summary>Correctly signed, but its timestamp is further from now than the configured tolerance (a replay).</summary>
    StaleTimestamp,

    /// <summary>The body is not UTF-8 JSON, or not a JSON object.</summary>
    Malformed,

    /// <summary>A field the event cannot do without (event_name, timestamp, sender id, msg_id…) is absent or empty.</summary>
    MissingField,

    /// <summary>The body is larger than any real event.</summary>
    TooLarge,

    /// <summary>
    /// An unsigned POST of an empty JSON object: reported as the way the OA console checks a new webhook URL.
    /// Nothing to record; whether to answer 200 is the channel's (configured) choice.
    /// </summary>
    VerificationProbe,

    /// <summary>Zalo answered, and the answer is a refusal (an OAuth error); its code and name come with it.</summary>
    Refused,
}

/// <summary>A refused webhook or answer: what failed and which field, never a secret or a signature.</summary>
public sealed record ZaloError(ZaloFailure Failure, string Detail)
{
    public override string ToString() => $"{Failure}: {Detail}";
}

/// <summary>The outcome of reading something Zalo sent: a value, or the reason it was refused.</summary>
public readonly record struct ZaloResult<T>
{
    private readonly T? _value;

    private ZaloResult(T? value, ZaloError? error)
    {
        _value = value;
        Error = error;
    }

    public ZaloError? Error { get; }

    public bool IsOk => Error is null;

    /// <summary>The value; reading it from a refusal is a programming error.</summary>
    public T Value => IsOk ? _value! : throw new InvalidOperationException($"No value: {Error}");

    public static ZaloResult<T> Ok(T value) => new(value, null);

    public static ZaloResult<T> Fail(ZaloFailure failure, string detail) => new(default, new ZaloError(failure, detail));

    public static implicit operator ZaloResult<T>(ZaloError error) => new(default, error);
}
