namespace Academy.BotHost.Channels.WeChatFamily;

/// <summary>Why a callback could not be opened. An endpoint maps these to 401 / 400, never to a 500.</summary>
public enum WxFailure
{
    /// <summary>A required query parameter or envelope field is absent or empty.</summary>
    MissingParameter,

    /// <summary>The signature does not match: not from the platform, or tampered with.</summary>
    BadSignature,

    /// <summary>The ciphertext is not Base64, or not a whole number of AES blocks.</summary>
    BadCiphertext,

    /// <summary>The last byte is not a PKCS#7 pad of 1..32, or the pad bytes disagree.</summary>
    BadPadding,

    /// <summary>The declared message length runs past the decrypted text.</summary>
    BadLength,

    /// <summary>The decrypted trailer is not the configured CorpID / AppID (or the robot's empty id).</summary>
    WrongReceiveId,

    /// <summary>The body or the decrypted message is not the XML / JSON / UTF-8 it should be.</summary>
    Malformed,

    /// <summary>The body is larger than any real callback.</summary>
    TooLarge,
}

/// <summary>A refused callback: what failed and which field, without any secret or ciphertext.</summary>
public sealed record WxError(WxFailure Failure, string Detail)
{
    public override string ToString() => $"{Failure}: {Detail}";
}

/// <summary>The outcome of opening a callback: a value, or the reason it was refused.</summary>
public readonly record struct WxResult<T>
{
    private readonly T? _value;

    private WxResult(T? value, WxError? error)
    {
        _value = value;
        Error = error;
    }

    public WxError? Error { get; }

    public bool IsOk => Error is null;

    /// <summary>The value; reading it from a refusal is a programming error.</summary>
    public T Value => IsOk ? _value! : throw new InvalidOperationException($"No value: {Error}");

    public static WxResult<T> Ok(T value) => new(value, null);

    public static WxResult<T> Fail(WxFailure failure, string detail) => new(default, new WxError(failure, detail));

    public static WxResult<T> Fail(WxError error) => new(default, error);

    public static implicit operator WxResult<T>(WxError error) => Fail(error);
}
