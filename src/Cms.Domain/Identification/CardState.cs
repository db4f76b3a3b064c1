namespace Cms.Domain.Identification;

/// <summary>The lifecycle of a card. EXPIRED is never stored: it is derived from the expiry date.</summary>
public enum CardState
{
    NotActive,
    Active,
    Suspended,
    Revoked,
    Expired,
}
