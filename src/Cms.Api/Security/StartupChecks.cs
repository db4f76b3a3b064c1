using Cms.Infrastructure.Startup;

namespace Cms.Api.Security;

/// <summary>The settings the API refuses to start with, each problem naming its setting (decision 0032).</summary>
public static class StartupChecks
{
    public static IReadOnlyList<string> Problems(IConfiguration configuration, IHostEnvironment environment)
    {
        var certificates = configuration.GetSection(ClientCertificateOptions.Section).Get<ClientCertificateOptions>() ?? new();
        return [.. TransportSettings.Problems(configuration, TransportSettings.TlsRequired(environment)), .. certificates.Problems()];
    }
}
