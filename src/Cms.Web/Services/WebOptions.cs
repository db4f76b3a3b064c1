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
}
