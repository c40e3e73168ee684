using System.Text;

namespace Academy.Learning.Import;

/// <summary>Reads an import file strictly as UTF-8, so mis-encoded names never reach the database.</summary>
internal static class TextFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string? Read(byte[] bytes, ErrorSink errors)
    {
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            errors.Add(1, "", "import.error.utf16");
            return null;
        }
        // Without a BOM, UTF-16 text is "valid" UTF-8 with a NUL beside every ASCII character.
        if (LooksLikeUtf16(bytes))
        {
            errors.Add(1, "", "import.error.utf16");
            return null;
        }
        int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        try
        {
            var text = StrictUtf8.GetString(bytes, start, bytes.Length - start);
            // NUL is valid UTF-8 but no text file holds one; it would cut names short in some tools.
            var nul = text.IndexOf('\0', StringComparison.Ordinal);
            if (nul < 0) return text;
            errors.Add(text.AsSpan(0, nul).Count('\n') + 1, "", "import.error.nul");
            return null;
        }
        catch (DecoderFallbackException)
        {
            errors.Add(LineOfFirstInvalidByte(bytes, start), "", "import.error.not_utf8");
            return null;
        }
    }

    private static bool LooksLikeUtf16(byte[] bytes)
    {
        var head = bytes.AsSpan(0, Math.Min(bytes.Length, 4096));
        return head.Length >= 4 && head.Count((byte)0) * 4 >= head.Length;
    }

    private static int LineOfFirstInvalidByte(byte[] bytes, int start)
    {
        // Decode line by line: the first line that fails is the one to report.
        int line = 1, lineStart = start;
        for (int i = start; i <= bytes.Length; i++)
        {
            if (i < bytes.Length && bytes[i] != (byte)'\n') continue;
            try { StrictUtf8.GetString(bytes, lineStart, i - lineStart); }
            catch (DecoderFallbackException) { return line; }
            line++;
            lineStart = i + 1;
        }
        return line;
    }
}
