using Academy.BotHost.Channels;
using Academy.Learning.Localization;
using Academy.Learning.Messaging;
using Academy.Learning.Storage;
using Academy.Learning.Content;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Features.Certificates;

/// <summary>
/// Turns a certificate into files: its SVG, then the PDF and the PNG preview through rsvg-convert.
/// Where rsvg-convert is missing or fails, the SVG goes out instead (readable, never lost).
/// </summary>
public sealed class CertificateRenderer(AcademyDatabase database, SvgRasterizer rasterizer, CertificateLinks links, Catalog catalog,
    ILogger<CertificateRenderer> logger)
{
    /// <summary>The preview is a third of A4's 96-dpi size larger: sharp on a phone, about 150 KB.</summary>
    private const double PreviewZoom = 1.5;

    public byte[] Svg(Certificate certificate) =>
        CertificateArtwork.Svg(certificate, catalog.For(certificate.Language), links.VerifyUrl(certificate.Code));

    /// <summary>The file in <paramref name="format"/> (pdf or png), or null when it can only be had as SVG.</summary>
    public async Task<byte[]?> RenderAsync(Certificate certificate, string format, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var svg = Svg(certificate);
        try
        {
            return format == "pdf" ? await rasterizer.ToPdfAsync(svg, ct) : await rasterizer.ToPngAsync(svg, ct);
        }
        catch (InvalidOperationException ex)
        {
            logger.LogWarning(ex, "Could not render certificate {Id} as {Format}", certificate.Id, format);
            return null;
        }
    }

    /// <summary>
    /// A queued message whose attachment names a certificate (<see cref="Academy.Learning.Credit.Certificates.AttachmentUrl"/>)
    /// gets the rendered file; any other message is returned as it is. An unknown code (a certificate
    /// deleted by hand) leaves the text and drops the attachment.
    /// </summary>
    public async Task<OutgoingMessage> ResolveAsync(OutgoingMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Attachment is not { Content: null, Url: { } url } attachment ||
            !url.StartsWith(Academy.Learning.Credit.Certificates.Scheme + ":", StringComparison.Ordinal))
            return message;
        var reference = url[(Academy.Learning.Credit.Certificates.Scheme.Length + 1)..];
        var format = Path.GetExtension(reference).TrimStart('.');
        Certificate? certificate;
        await using (var s = await database.BeginReadAsync(ct))
            certificate = await Academy.Learning.Credit.Certificates.FindAsync(s, Path.GetFileNameWithoutExtension(reference));
        if (certificate is null)
            return message with { Attachment = null, Text = message.Text ?? "" };
        var bytes = await RenderAsync(certificate, format, ct);
        var pdfLink = links.PdfUrl(certificate.Code);
        return message with
        {
            Attachment = bytes is null
                ? attachment with { Kind = AttachmentKind.Document, FileName = Path.ChangeExtension(attachment.FileName, ".svg"), Url = pdfLink, Content = Svg(certificate) }
                : attachment with { Url = format == "pdf" ? pdfLink : null, Content = bytes },
        };
    }
}
