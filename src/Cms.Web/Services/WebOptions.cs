namespace Cms.Web.Services;

public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>Where the Cms API answers (the UI's only source of data).</summary>
    public string ApiUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Where the keys that protect the sign-in cookie are kept (shared by every instance); empty = the user profile.</summary>
    public string KeysFolder { get; set; } = "";
}
