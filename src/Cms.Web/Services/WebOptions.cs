namespace Cms.Web.Services;

public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>Where the Cms API answers (the UI's only source of data).</summary>
    public string ApiUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Where the keys that protect the sign-in cookie are kept (shared by every instance); empty = the user profile.</summary>
    public string KeysFolder { get; set; } = "";

    /// <summary>
    /// Where the reader bridge answers on each desk (<c>cms-reader bridge</c>, on the desk's own loopback): the browser of
    /// the desk posts the reader page's form there.
    /// </summary>
    public string ReaderBridgeUrl { get; set; } = "http://127.0.0.1:5090";

    /// <summary>
    /// The reverse proxies in front of the UI (IP addresses): only their <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c> are
    /// believed. Empty by default: no forwarded header is honoured.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>
    /// The UI is served over https (itself or behind a TLS proxy): its cookies are always <c>Secure</c>. Without it they are
    /// <c>Secure</c> when the request is https (after the known proxy's forwarded headers).
    /// </summary>
    public bool Tls { get; set; }
}
