namespace Cms.Web.Services;

public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>Where the Cms API answers (the UI's only source of data).</summary>
    public string ApiUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Where the keys that protect the sign-in cookie are kept (shared by every instance); empty = the user profile.</summary>
    public string KeysFolder { get; set; } = "";

    /// <summary>
    /// A file holding the key (base64 of 32 random bytes) that encrypts the data-protection keys where they are kept (decision 0057).
    /// Required with <c>ConnectionStrings:CmsWebKeys</c>: the same file on every instance, never in the database.
    /// </summary>
    public string KeysEncryptionKeyFile { get; set; } = "";

    /// <summary>Generates <see cref="KeysEncryptionKeyFile"/> when it is missing (development).</summary>
    public bool KeysEncryptionGenerateIfMissing { get; set; }

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

    /// <summary>The citizens' area (<c>/cittadino</c>, decision 0047): how the holder's card certificate reaches this UI and the API.</summary>
    public CitizenOptions Citizen { get; set; } = new();
}

/// <summary>
/// Section <c>Web:Citizen</c>. The citizen signs in with the certificate of their current TS-CNS: the browser presents it over TLS
/// to this UI (<see cref="ClientCertificates"/>) or to the TLS proxy in front of it (<see cref="ForwardingHeader"/>), and this UI
/// passes it, on each call of the citizens' area only, to the API in <see cref="ApiCertificateHeader"/> — the API believes that
/// header only from the addresses in its <c>Authentication:ClientCertificate:TrustedProxies</c>, where this UI is listed. The
/// API checks the certificate (chain, revocation, CNS profile); this UI only carries it.
/// </summary>
public sealed class CitizenOptions
{
    /// <summary>
    /// The API's <c>Authentication:ClientCertificate:ForwardingHeader</c>. Empty: the citizens' area is off (its pages say so).
    /// </summary>
    public string? ApiCertificateHeader { get; set; }

    /// <summary>When this UI serves https itself: Kestrel asks the browser for a client certificate (and accepts any: the API judges it).</summary>
    public bool ClientCertificates { get; set; }

    /// <summary>
    /// When TLS ends at a proxy in front of this UI: the header in which the proxy passes the browser's certificate (base64 DER or
    /// URL-encoded PEM, as nginx's <c>$ssl_client_escaped_cert</c>). Believed only from <see cref="WebOptions.KnownProxies"/>.
    /// </summary>
    public string? ForwardingHeader { get; set; }

    /// <summary>
    /// How long a call to the API may take before the page gives up and says that the activation may have been done (to be
    /// checked with "Verifica esito", which replays the first answer for a few minutes: decision 0047).
    /// </summary>
    public int ApiTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// This instance serves the citizens' area only: every operator page (sign-in included) answers 404. A region runs the citizens'
    /// pages on their own instance (decision 0047): a counter's browser, where a holder's card may sit in the desk reader with its
    /// PIN cached, then cannot reach the self-activation (which shows the whole codes), and the operators' instance never asks a
    /// browser for a client certificate.
    /// </summary>
    public bool Only { get; set; }
}
