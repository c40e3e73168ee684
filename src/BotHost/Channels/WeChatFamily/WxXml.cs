using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Academy.BotHost.Channels.WeChatFamily;

/// <summary>
/// Reads the platforms' XML (callback envelopes and the messages inside) without ever resolving a DTD
/// or an external entity, and refuses anything larger than a real callback.
/// </summary>
public static class WxXml
{
    /// <summary>No callback comes near this many characters; the same bound as the webhook body reader.</summary>
    public const int MaxChars = 1024 * 1024;

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxChars,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
    };

    /// <summary>The root element of <paramref name="xml"/>, or why it is not acceptable XML.</summary>
    public static WxResult<XElement> Parse(string? xml)
    {
        if (string.IsNullOrWhiteSpace(xml)) return WxResult<XElement>.Fail(WxFailure.Malformed, "the XML body is empty");
        if (xml.Length > MaxChars) return WxResult<XElement>.Fail(WxFailure.TooLarge, $"the XML body is over {MaxChars} characters");
        return Load(XmlReader.Create(new StringReader(xml), Settings));
    }

    /// <summary>The root element of UTF-8 <paramref name="body"/>, or why it is not acceptable XML.</summary>
    public static WxResult<XElement> Parse(ReadOnlySpan<byte> body)
    {
        if (body.Length > MaxChars * 4) return WxResult<XElement>.Fail(WxFailure.TooLarge, "the XML body is too large");
        string text;
        try
        {
            text = Strict.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return WxResult<XElement>.Fail(WxFailure.Malformed, "the XML body is not UTF-8");
        }
        return Parse(text);
    }

    /// <summary>
    /// The text of each child element of the root, by name (first occurrence wins); an element with
    /// children of its own (e.g. <c>SelectedItems</c>) is left out — read it from <see cref="Parse(string?)"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Fields(XElement root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var child in root.Elements())
            if (!child.HasElements) fields.TryAdd(child.Name.LocalName, child.Value);
        return fields;
    }

    /// <summary>A flat <c>&lt;xml&gt;</c> document with each value in CDATA (numbers bare), as the platforms write them.</summary>
    public static string Build(IEnumerable<KeyValuePair<string, string>> fields, IReadOnlySet<string>? bare = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var xml = new StringBuilder("<xml>");
        foreach (var (name, value) in fields)
        {
            xml.Append('<').Append(name).Append('>');
            if (bare?.Contains(name) == true) xml.Append(System.Security.SecurityElement.Escape(value));
            else xml.Append(Cdata(value));
            xml.Append("</").Append(name).Append('>');
        }
        return xml.Append("</xml>").ToString();
    }

    /// <summary>A CDATA section holding <paramref name="value"/>, split where it contains the closing sequence.</summary>
    public static string Cdata(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "<![CDATA[" + value.Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal) + "]]>";
    }

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static WxResult<XElement> Load(XmlReader reader)
    {
        try
        {
            using (reader)
            {
                var document = XDocument.Load(reader, LoadOptions.None);
                return document.Root is { } root
                    ? WxResult<XElement>.Ok(root)
                    : WxResult<XElement>.Fail(WxFailure.Malformed, "the XML has no root element");
            }
        }
        catch (XmlException ex) when (ex.Message.Contains("MaxCharactersInDocument", StringComparison.Ordinal))
        {
            return WxResult<XElement>.Fail(WxFailure.TooLarge, $"the XML body is over {MaxChars} characters");
        }
        catch (XmlException ex)
        {
            // The reader's message names the line and position, never a secret.
            return WxResult<XElement>.Fail(WxFailure.Malformed, "the body is not well-formed XML: " + ex.Message);
        }
    }
}
