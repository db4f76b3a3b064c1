namespace Cms.Application.Delivery;

/// <summary>How a recipient is shown back to an operator or a citizen (delivery status, recipient proofs).</summary>
public static class RecipientMask
{
    /// <summary>m****@example.it, +39333****567: enough to recognise it, not to harvest it.</summary>
    public static string Mask(string recipient)
    {
        var at = recipient.IndexOf('@');
        if (at > 0) return recipient[0] + new string('*', Math.Max(at - 1, 1)) + recipient[at..];
        return recipient.Length > 9 ? recipient[..6] + new string('*', recipient.Length - 9) + recipient[^3..] : recipient;
    }
}
