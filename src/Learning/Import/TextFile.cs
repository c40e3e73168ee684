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
        int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        try
        {
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException)
        {
            errors.Add(LineOfFirstInvalidByte(bytes, start), "", "import.error.not_utf8");
            return null;
        }
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
