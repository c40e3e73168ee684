using System.Buffers.Binary;
using System.Diagnostics;

namespace Academy.Tests.Assessment;

/// <summary>
/// Reads back what a certificate file really holds: a PNG's size and the QR codes it shows (zbarimg,
/// zbar-tools), a PDF's text (pdftotext, poppler-utils).
/// </summary>
public static class CertificateFiles
{
    public static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.True(png.Length > 24 && png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "not a PNG");
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    /// <summary>The payload of every QR code zbarimg finds in the picture (none found fails).</summary>
    public static async Task<IReadOnlyList<string>> QrCodesAsync(byte[] png)
    {
        PngSize(png);
        var file = Path.Combine(Path.GetTempPath(), $"academy-qr-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(file, png);
        try
        {
            var start = new ProcessStartInfo("zbarimg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            // --raw: the payloads alone, one a line; -q: no statistics.
            foreach (var a in new[] { "--raw", "-q", file }) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"zbarimg found no QR code (exit {process.ExitCode}): {await errors}");
            return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static async Task<string> PdfTextAsync(byte[] pdf)
    {
        Assert.True(pdf.AsSpan(0, 5).SequenceEqual("%PDF-"u8), "not a PDF");
        var start = new ProcessStartInfo("pdftotext") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-enc", "UTF-8", "-", "-" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(pdf);
        process.StandardInput.Close();
        var text = await output;
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return text;
    }
}
