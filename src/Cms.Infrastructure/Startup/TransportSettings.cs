using Cms.Application.Common.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Cms.Infrastructure.Startup;

/// <summary>
/// The start-up check of the outbound hops (decision 0032): outside Development and Testing, SMTP must require TLS
/// (<c>SslOnConnect</c>, or <c>StartTls</c> which fails when the server does not offer it) and every integration address
/// must be <c>https://</c>. Each problem names its setting; the API refuses to start while there is any.
/// </summary>
public static class TransportSettings
{
    /// <summary>The environments where plain transports stay allowed (a developer's machine, the tests).</summary>
    public static bool TlsRequired(IHostEnvironment environment) => !environment.IsDevelopment() && !environment.IsEnvironment("Testing");

    public static TransportSecurity Policy(IHostEnvironment environment) => new(TlsRequired(environment));

    /// <summary>The SMTP security modes MailKit knows; only the last two cannot be stripped by a network attacker.</summary>
    public static readonly string[] SmtpModes = ["None", "Auto", "StartTlsWhenAvailable", "StartTls", "SslOnConnect"];
    public static readonly string[] RequiredTlsSmtpModes = ["StartTls", "SslOnConnect"];

    /// <summary>The settings holding an outbound address (each checked when set).</summary>
    public static readonly string[] UrlSettings =
        ["Sms:GatewayUrl", "Integrations:CertificationAuthority:Url", "Integrations:Fse:Url", "Audit:CheckpointUrl"];

    /// <summary>The effective <c>Smtp:Security</c>: as configured, else StartTls where TLS is required and Auto elsewhere.</summary>
    public static string SmtpSecurity(string? configured, bool tlsRequired) =>
        string.IsNullOrWhiteSpace(configured) ? (tlsRequired ? "StartTls" : "Auto") : configured.Trim();

    public static IReadOnlyList<string> Problems(IConfiguration configuration, bool tlsRequired)
    {
        var problems = new List<string>();
        var policy = new TransportSecurity(tlsRequired);
        var security = SmtpSecurity(configuration["Smtp:Security"], tlsRequired);
        if (!SmtpModes.Contains(security, StringComparer.OrdinalIgnoreCase))
            problems.Add($"Smtp:Security '{security}' is not one of {string.Join(", ", SmtpModes)}.");
        else if (tlsRequired && !string.IsNullOrWhiteSpace(configuration["Smtp:Host"]) && !RequiredTlsSmtpModes.Contains(security, StringComparer.OrdinalIgnoreCase))
            problems.Add($"Smtp:Security '{security}' lets the mail of the second halves travel in clear: outside Development SMTP must require " +
                "TLS (Smtp:Security=SslOnConnect, or StartTls with a server that offers it).");
        foreach (var setting in UrlSettings)
        {
            var url = configuration[setting];
            if (string.IsNullOrWhiteSpace(url) || policy.Allows(url)) continue;
            problems.Add(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp
                ? $"{setting} is an http:// address: outside Development every outbound integration must be https://."
                : $"{setting} is not an absolute http(s) address.");
        }
        return problems;
    }
}
