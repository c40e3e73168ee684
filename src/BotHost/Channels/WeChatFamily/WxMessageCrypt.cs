using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Academy.BotHost.Channels.WeChatFamily;

/// <summary>A decrypted callback: the plaintext message (XML or JSON) and the envelope's plain fields.</summary>
public sealed record WxOpened(string Message, string? ToUserName = null, string? AgentId = null);

/// <summary>
/// The WXBizMsgCrypt scheme shared by Official Account safe mode and every WeCom callback:
/// AES-256-CBC with key = Base64(EncodingAESKey + "="), IV = the key's first 16 bytes, PKCS#7 padding
/// to 32-byte blocks, plaintext <c>random(16) ‖ length(4, big-endian) ‖ message ‖ receiveid</c>.
/// The receive id is checked on every decryption: the CorpID for WeCom apps, the AppID for an
/// Official Account, the empty string for an internal smart robot.
/// Pure: no clock, no I/O; every refusal is a <see cref="WxError"/>, never an exception.
/// </summary>
public sealed class WxMessageCrypt
{
    /// <summary>The scheme pads to 32 bytes, not AES's 16.</summary>
    public const int PadBlock = 32;

    public const int RandomLength = 16;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _key;
    private readonly byte[] _iv;
    private readonly Action<Span<byte>> _fillRandom;

    /// <param name="token">The Token configured beside the callback URL.</param>
    /// <param name="encodingAesKey">The 43-character EncodingAESKey.</param>
    /// <param name="receiveId">CorpID, AppID, or "" for the smart robot.</param>
    /// <param name="fillRandom">Fills each message's 16-byte random prefix; a test pins it to reproduce a vector byte for byte.</param>
    public WxMessageCrypt(string token, string encodingAesKey, string receiveId, Action<Span<byte>>? fillRandom = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentNullException.ThrowIfNull(receiveId);
        Token = token;
        ReceiveId = receiveId;
        _key = DecodeKey(encodingAesKey);
        _iv = _key[..16];
        _fillRandom = fillRandom ?? RandomNumberGenerator.Fill;
    }

    public string Token { get; }

    public string ReceiveId { get; }

    /// <summary>The AES key of an EncodingAESKey; a configuration error (not a request error) when it is not one.</summary>
    public static byte[] DecodeKey(string encodingAesKey)
    {
        // The message names the setting, never its value.
        const string problem = "The EncodingAESKey must be the 43 Base64 characters the platform shows (a 32-byte AES key).";
        if (encodingAesKey is not { Length: 43 }) throw new ArgumentException(problem, nameof(encodingAesKey));
        var key = new byte[33];
        if (!Convert.TryFromBase64String(encodingAesKey + "=", key, out var written) || written != 32)
            throw new ArgumentException(problem, nameof(encodingAesKey));
        return key[..32];
    }

    /// <summary>Encrypts <paramref name="message"/> with a fresh random prefix; returns the Base64 ciphertext.</summary>
    public string Encrypt(string message)
    {
        Span<byte> random = stackalloc byte[RandomLength];
        _fillRandom(random);
        return Encrypt(message, random);
    }

    /// <summary>Encrypts <paramref name="message"/> with the given 16-byte prefix; returns the Base64 ciphertext.</summary>
    public string Encrypt(string message, ReadOnlySpan<byte> randomPrefix)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (randomPrefix.Length != RandomLength) throw new ArgumentException("The random prefix is 16 bytes.", nameof(randomPrefix));
        var body = Encoding.UTF8.GetBytes(message);
        var receiveId = Encoding.UTF8.GetBytes(ReceiveId);
        var length = RandomLength + 4 + body.Length + receiveId.Length;
        var pad = PadBlock - length % PadBlock; // 1..32: a whole block when already aligned
        var plain = new byte[length + pad];
        randomPrefix.CopyTo(plain);
        BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(RandomLength), (uint)body.Length);
        body.CopyTo(plain, RandomLength + 4);
        receiveId.CopyTo(plain, RandomLength + 4 + body.Length);
        plain.AsSpan(length).Fill((byte)pad);
        using var aes = Aes.Create();
        aes.Key = _key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, _iv, PaddingMode.None));
    }

    /// <summary>Decrypts a Base64 ciphertext and checks its receive id; returns the message.</summary>
    public WxResult<string> Decrypt(string? encrypt)
    {
        if (string.IsNullOrEmpty(encrypt)) return WxResult<string>.Fail(WxFailure.MissingParameter, "the ciphertext is empty");
        if (encrypt.Length > WxXml.MaxChars) return WxResult<string>.Fail(WxFailure.TooLarge, "the ciphertext is too long");
        var cipher = new byte[encrypt.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(encrypt, cipher, out var size))
            return WxResult<string>.Fail(WxFailure.BadCiphertext, "the ciphertext is not Base64");
        if (size == 0 || size % 16 != 0)
            return WxResult<string>.Fail(WxFailure.BadCiphertext, "the ciphertext is not a whole number of AES blocks");

        byte[] plain;
        using (var aes = Aes.Create())
        {
            aes.Key = _key;
            plain = aes.DecryptCbc(cipher.AsSpan(0, size), _iv, PaddingMode.None);
        }

        int pad = plain[^1];
        if (pad is < 1 or > PadBlock || pad > plain.Length)
            return WxResult<string>.Fail(WxFailure.BadPadding, $"the padding byte is {pad}, not 1..{PadBlock}");
        for (var i = plain.Length - pad; i < plain.Length; i++)
            if (plain[i] != pad) return WxResult<string>.Fail(WxFailure.BadPadding, "the padding bytes disagree");

        var content = plain.AsSpan(0, plain.Length - pad);
        if (content.Length < RandomLength + 4)
            return WxResult<string>.Fail(WxFailure.BadLength, "the decrypted text is shorter than its header");
        var messageLength = BinaryPrimitives.ReadUInt32BigEndian(content[RandomLength..]);
        if (messageLength > (uint)(content.Length - RandomLength - 4))
            return WxResult<string>.Fail(WxFailure.BadLength, "the declared message length runs past the decrypted text");

        string message, receiveId;
        try
        {
            message = Strict.GetString(content.Slice(RandomLength + 4, (int)messageLength));
            receiveId = Strict.GetString(content[(RandomLength + 4 + (int)messageLength)..]);
        }
        catch (DecoderFallbackException)
        {
            return WxResult<string>.Fail(WxFailure.Malformed, "the decrypted message is not UTF-8");
        }
        if (!string.Equals(receiveId, ReceiveId, StringComparison.Ordinal))
            return WxResult<string>.Fail(WxFailure.WrongReceiveId,
                ReceiveId.Length == 0 ? "the message is addressed to a receive id, but this robot expects none" : "the message is not addressed to the configured receive id (CorpID / AppID)");
        return WxResult<string>.Ok(message);
    }

    /// <summary>
    /// A WeCom (app or robot) GET URL verification: checks <c>msg_signature</c> over <c>echostr</c> and
    /// returns the decrypted plaintext, which is the whole answer body (no quotes, no newline).
    /// </summary>
    public WxResult<string> VerifyUrl(WxQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (Required(query, "msg_signature", "timestamp", "nonce", "echostr") is { } missing) return missing;
        if (!WxSignature.Matches(WxSignature.OverMessage(Token, query.Timestamp!, query.Nonce!, query.EchoStr!), query.MsgSignature))
            return WxResult<string>.Fail(WxFailure.BadSignature, "msg_signature does not match echostr");
        return Decrypt(query.EchoStr);
    }

    /// <summary>An encrypted XML callback (WeCom app, Official Account safe mode): signature checked, message decrypted.</summary>
    public WxResult<WxOpened> OpenXml(WxQuery query, ReadOnlySpan<byte> body) => Open(query, WxEnvelope.ParseXml(body));

    /// <summary>An encrypted JSON callback (smart robot): signature checked, message decrypted.</summary>
    public WxResult<WxOpened> OpenJson(WxQuery query, ReadOnlySpan<byte> body) => Open(query, WxEnvelope.ParseJson(body));

    /// <summary>Encrypts and signs a reply with the given timestamp and nonce.</summary>
    public WxSealed Seal(string message, string timestamp, string nonce)
    {
        ArgumentException.ThrowIfNullOrEmpty(timestamp);
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        var encrypt = Encrypt(message);
        return new WxSealed(encrypt, WxSignature.OverMessage(Token, timestamp, nonce, encrypt), timestamp, nonce);
    }

    /// <summary>An encrypted XML passive reply (WeCom app, Official Account safe mode).</summary>
    public string SealXml(string message, string timestamp, string nonce) => WxEnvelope.BuildXmlReply(Seal(message, timestamp, nonce));

    /// <summary>An encrypted JSON passive reply (smart robot); the nonce must be the callback's own.</summary>
    public string SealJson(string message, string timestamp, string nonce) => WxEnvelope.BuildJsonReply(Seal(message, timestamp, nonce));

    /// <summary>A sealed reply opened the way the platform does: its own signature checked, then decrypted.</summary>
    public WxResult<string> OpenSealed(WxSealed sealedReply)
    {
        ArgumentNullException.ThrowIfNull(sealedReply);
        if (!WxSignature.Matches(WxSignature.OverMessage(Token, sealedReply.Timestamp, sealedReply.Nonce, sealedReply.Encrypt), sealedReply.MsgSignature))
            return WxResult<string>.Fail(WxFailure.BadSignature, "MsgSignature does not match the reply");
        return Decrypt(sealedReply.Encrypt);
    }

    private WxResult<WxOpened> Open(WxQuery query, WxResult<WxCallbackEnvelope> envelope)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (Required(query, "msg_signature", "timestamp", "nonce") is { } missing) return missing;
        if (!envelope.IsOk) return envelope.Error!;
        var wrapped = envelope.Value;
        if (!WxSignature.Matches(WxSignature.OverMessage(Token, query.Timestamp!, query.Nonce!, wrapped.Encrypt), query.MsgSignature))
            return WxResult<WxOpened>.Fail(WxFailure.BadSignature, "msg_signature does not match the Encrypt field");
        var message = Decrypt(wrapped.Encrypt);
        return message.IsOk
            ? WxResult<WxOpened>.Ok(new WxOpened(message.Value, wrapped.ToUserName, wrapped.AgentId))
            : message.Error!;
    }

    private static WxError? Required(WxQuery query, params string[] names)
    {
        foreach (var name in names)
            if (string.IsNullOrEmpty(query[name])) return new WxError(WxFailure.MissingParameter, $"the query has no {name}");
        return null;
    }
}
