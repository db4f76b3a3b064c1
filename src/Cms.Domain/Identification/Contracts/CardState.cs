namespace Cms.Domain.Identification.Contracts;

/// <summary>The lifecycle of a card (the registry's published vocabulary: every module that shows or checks a card speaks it). EXPIRED is never stored: it is derived from the expiry date.</summary>
public enum CardState
{
    NotActive,
    Active,
    Suspended,
    Revoked,
    Expired,
}
