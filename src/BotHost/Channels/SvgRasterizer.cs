using System.ComponentModel;
using System.Diagnostics;
using Academy.Learning.Messaging;

namespace Academy.BotHost.Channels;

/// <summary>
/// Turns an SVG into a PNG with <c>rsvg-convert</c> (Debian librsvg2-bin), through stdin and stdout:
/// no temporary files. The one I/O seam for rasterising; when the tool is missing it says so once
/// in the log and answers null, and the caller sends the SVG as it is.
/// </summary>
public class SvgRasterizer(ILogger<SvgRasterizer> logger, string executable = "rsvg-convert", TimeSpan? timeout = null)
{
    /// <summary>Charts are drawn on a 720×480 viewBox; twice that stays sharp on a phone.</summary>
    public const double Zoom = 2;

    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(15);
    private int _missingLogged;

    /// <summary>Whether an attachment is an SVG picture this class can turn into a PNG.</summary>
    public static bool IsSvgImage(Attachment? attachment) =>
        attachment is { Kind: AttachmentKind.Image, Content: not null } &&
        attachment.FileName.EndsWith(".svg", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The PNG of <paramref name="svg"/>, or null when <c>rsvg-convert</c> is not installed (logged
    /// once). Throws <see cref="InvalidOperationException"/> when it runs but fails or times out.
    /// </summary>
    public virtual Task<byte[]?> ToPngAsync(byte[] svg, CancellationToken ct) => ConvertAsync(svg, "png", Zoom, ct);

    /// <summary>The PDF of <paramref name="svg"/> (fonts embedded, text selectable); null and errors as <see cref="ToPngAsync"/>.</summary>
    public virtual Task<byte[]?> ToPdfAsync(byte[] svg, CancellationToken ct) => ConvertAsync(svg, "pdf", 1, ct);

    /// <summary>rsvg-convert's output <paramref name="format"/> (png, pdf) at <paramref name="zoom"/>.</summary>
    protected async Task<byte[]?> ConvertAsync(byte[] svg, string format, double zoom, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(svg);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-f", format, "-z", zoom.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
        }
        catch (Win32Exception ex)
        {
            if (Interlocked.Exchange(ref _missingLogged, 1) == 0)
                logger.LogWarning(ex, "{Tool} is not installed (apt-get install librsvg2-bin): charts and certificates are sent as SVG documents instead", executable);
            return null;
        }

        using (process)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(_timeout);
            try
            {
                // Read both pipes while writing, so a large picture cannot fill a pipe and stall the tool.
                using var output = new MemoryStream();
                var stdout = process.StandardOutput.BaseStream.CopyToAsync(output, deadline.Token);
                var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
                await process.StandardInput.BaseStream.WriteAsync(svg, deadline.Token);
                process.StandardInput.Close();
                await stdout;
                var errors = await stderr;
                await process.WaitForExitAsync(deadline.Token);
                if (process.ExitCode != 0 || output.Length == 0)
                    throw new InvalidOperationException($"{executable} failed with exit code {process.ExitCode}: {errors.Trim()}");
                return output.ToArray();
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                Kill(process);
                throw new InvalidOperationException($"{executable} took longer than {_timeout}.");
            }
            catch
            {
                Kill(process);
                throw;
            }
        }
    }

    /// <summary>
    /// The attachment as a channel that shows pictures wants it: an SVG image becomes a PNG image,
    /// or, where rsvg-convert is missing or fails, an SVG document (still readable, never lost).
    /// </summary>
    public async Task<Attachment> ForPictureChannelAsync(Attachment attachment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        if (!IsSvgImage(attachment)) return attachment;
        byte[]? png;
        try
        {
            png = await ToPngAsync(attachment.Content!, ct);
        }
        catch (InvalidOperationException ex)
        {
            logger.LogWarning(ex, "Could not rasterise {File}; sending it as an SVG document", attachment.FileName);
            png = null;
        }
        return png is null
            ? attachment with { Kind = AttachmentKind.Document }
            : attachment with { FileName = Path.ChangeExtension(attachment.FileName, ".png"), Content = png };
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
