namespace Cms.Web.Services;

/// <summary>
/// The settings the web UI refuses to start with outside Development (as the API's, decision 0032): the operators' passwords
/// and tokens cross the hop to the API, so it is https unless it never leaves the machine (a loopback address).
/// </summary>
public static class UiStartupChecks
{
    public static IReadOnlyList<string> Problems(WebOptions options, IHostEnvironment environment)
    {
        var problems = new List<string>();
        if (!Uri.TryCreate(options.ApiUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttp && api.Scheme != Uri.UriSchemeHttps))
            problems.Add($"Web:ApiUrl '{options.ApiUrl}' is not an absolute http(s) address.");
        else if (!environment.IsDevelopment() && api.Scheme == Uri.UriSchemeHttp && !api.IsLoopback)
            problems.Add("Web:ApiUrl is an http:// address on another host: outside Development the operators' passwords and tokens " +
                "must reach the API over https:// (or over loopback, on the same machine).");
        if (!string.IsNullOrWhiteSpace(options.Citizen.ForwardingHeader) && options.KnownProxies.Count == 0)
            problems.Add("Web:Citizen:ForwardingHeader is set while Web:KnownProxies is empty: name the proxies that may pass the citizen's certificate.");
        if (!string.IsNullOrWhiteSpace(options.Citizen.ForwardingHeader) && string.IsNullOrWhiteSpace(options.Citizen.ApiCertificateHeader))
            problems.Add("Web:Citizen:ForwardingHeader is set but Web:Citizen:ApiCertificateHeader is not: the certificate would not reach the API.");
        return problems;
    }
}
