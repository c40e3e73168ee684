namespace Academy.BotHost.Features.Certificates;

/// <summary>Configuration section <c>Certificates</c>.</summary>
public sealed class CertificateOptions
{
    public const string Section = "Certificates";

    /// <summary>
    /// The public address the QR code and the verification link point to (e.g. https://academy.example.org).
    /// Empty: the dashboard's address (<c>Dashboard:PublicUrl</c>, else the host's own).
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    public IReadOnlyList<string> Validate() =>
        !string.IsNullOrWhiteSpace(PublicBaseUrl) &&
        (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            ? ["Certificates:PublicBaseUrl must be an absolute http(s) URL."]
            : [];
}

/// <summary>Where certificates are verified: <c>Certificates:PublicBaseUrl</c>, else the dashboard's address.</summary>
public sealed class CertificateLinks(CertificateOptions options, Dashboard.DashboardLinks dashboard)
{
    public string BaseUrl => string.IsNullOrWhiteSpace(options.PublicBaseUrl) ? dashboard.BaseUrl : options.PublicBaseUrl.TrimEnd('/');

    public string VerifyUrl(string code) => $"{BaseUrl}/verify/{Uri.EscapeDataString(code)}";

    public string PdfUrl(string code) => $"{VerifyUrl(code)}/certificate.pdf";
}
