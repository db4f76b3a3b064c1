namespace Cms.Domain.Requests;

/// <summary>
/// One recipient, however it was typed (issue 24, decision 0034): the form an e-mail address or a mobile number is compared
/// in when the second halves of someone's codes are about to go to it. Two spellings that reach the same mailbox or phone
/// give the same normalised form; two that may reach different ones never do.
/// <para>
/// <b>E-mail.</b> The domain is lowercased (and a trailing dot dropped); the local part is compared case-insensitively
/// (lowercased: no provider in use delivers <c>Mario</c> and <c>mario</c> to different people). Beyond that, only what the
/// provider is known to ignore is taken away — the table <see cref="Providers"/>:
/// </para>
/// <list type="table">
/// <item><term>gmail.com, googlemail.com</term><description>dots and <c>+tag</c> ignored; googlemail.com is gmail.com</description></item>
/// <item><term>outlook.*, hotmail.*, live.*, msn.com (Outlook.com)</term><description><c>+tag</c> ignored (plus addressing); dots are significant</description></item>
/// <item><term>proton.me, protonmail.com, protonmail.ch, pm.me</term><description><c>+tag</c> ignored</description></item>
/// <item><term>fastmail.com, fastmail.fm</term><description><c>+tag</c> ignored</description></item>
/// </list>
/// <para>Any other domain (libero.it, a PEC box, a company's server, and providers whose handling is not documented, e.g.
/// Yahoo's "-" disposable addresses or iCloud): nothing but the case — a <c>+</c> or a dot may be part
/// of a different mailbox there.</para>
/// <para>
/// <b>Mobile.</b> E.164: spaces, dashes, dots, slashes and brackets go; <c>0039</c> and <c>39</c> before an Italian mobile
/// become <c>+39</c>; a national number starting with 3 gets <c>+39</c>. A number that is not an Italian mobile keeps its
/// digits (and a leading <c>+</c>, <c>00</c> read as <c>+</c>).
/// </para>
/// </summary>
public static class RecipientAddresses
{
    [Flags]
    public enum Ignores
    {
        None = 0,
        PlusTag = 1,
        Dots = 2,
    }

    /// <summary>What each known provider ignores in the local part, and the domain it is an alias of.</summary>
    public static readonly IReadOnlyDictionary<string, (string Domain, Ignores Ignores)> Providers = BuildProviders();

    private static Dictionary<string, (string, Ignores)> BuildProviders()
    {
        var table = new Dictionary<string, (string, Ignores)>(StringComparer.Ordinal)
        {
            ["gmail.com"] = ("gmail.com", Ignores.PlusTag | Ignores.Dots),
            ["googlemail.com"] = ("gmail.com", Ignores.PlusTag | Ignores.Dots),
            ["msn.com"] = ("msn.com", Ignores.PlusTag),
            ["proton.me"] = ("proton.me", Ignores.PlusTag),
            ["protonmail.com"] = ("protonmail.com", Ignores.PlusTag),
            ["protonmail.ch"] = ("protonmail.ch", Ignores.PlusTag),
            ["pm.me"] = ("pm.me", Ignores.PlusTag),
            ["fastmail.com"] = ("fastmail.com", Ignores.PlusTag),
            ["fastmail.fm"] = ("fastmail.fm", Ignores.PlusTag),
        };
        // Outlook.com's consumer domains, international and Italian.
        foreach (var name in new[] { "outlook", "hotmail", "live" })
            foreach (var tld in new[] { "com", "it" })
                table[$"{name}.{tld}"] = ($"{name}.{tld}", Ignores.PlusTag);
        return table;
    }

    /// <summary>The normalised form of the address of a delivery.</summary>
    public static string Normalise(DeliveryAddress delivery) => Normalise(delivery.Channel, delivery.Recipient);

    public static string Normalise(DeliveryChannel channel, string address) =>
        channel == DeliveryChannel.Email ? NormaliseEmail(address) : NormaliseMobile(address);

    public static string NormaliseEmail(string address)
    {
        var trimmed = address.Trim();
        var at = trimmed.LastIndexOf('@');
        if (at <= 0 || at == trimmed.Length - 1) return trimmed.ToLowerInvariant();
        var local = trimmed[..at].ToLowerInvariant();
        var domain = trimmed[(at + 1)..].ToLowerInvariant().TrimEnd('.');
        if (Providers.TryGetValue(domain, out var provider))
        {
            domain = provider.Domain;
            if (provider.Ignores.HasFlag(Ignores.PlusTag))
            {
                var plus = local.IndexOf('+');
                // "+tag" alone (nothing before it) is kept: it is not a tag of any mailbox.
                if (plus > 0) local = local[..plus];
            }
            if (provider.Ignores.HasFlag(Ignores.Dots))
            {
                var undotted = local.Replace(".", "", StringComparison.Ordinal);
                if (undotted.Length > 0) local = undotted;
            }
        }
        return local + "@" + domain;
    }

    public static string NormaliseMobile(string number)
    {
        var kept = new System.Text.StringBuilder(number.Length);
        foreach (var c in number.Trim())
            if (char.IsAsciiDigit(c) || (c == '+' && kept.Length == 0)) kept.Append(c);
        var digits = kept.ToString();
        if (digits.StartsWith("00", StringComparison.Ordinal)) digits = "+" + digits[2..];
        if (digits.StartsWith('+')) return digits;
        // A national Italian mobile (3xx…, 9-10 digits), or one written with the country code without its "+".
        if (digits.StartsWith('3') && digits.Length is 9 or 10) return "+39" + digits;
        if (digits.StartsWith("393", StringComparison.Ordinal) && digits.Length is 11 or 12) return "+" + digits;
        return digits;
    }

    /// <summary>What may be shown of an address: a***@example.it, +39333****567.</summary>
    public static string Mask(string recipient)
    {
        var at = recipient.IndexOf('@');
        if (at > 0) return recipient[0] + "***" + recipient[at..];
        return recipient.Length > 9 ? recipient[..6] + new string('*', recipient.Length - 9) + recipient[^3..] : "***";
    }
}
