namespace Cms.Domain.Identification.Contracts;

/// <summary>What a counter may do with a card, as listed in the identification answer.</summary>
public enum CardOperation
{
    Activation,
    FseConsents,
    Reprint,
    Revocation,
    ReaderDelivery,
    Suspension,
    Reactivation,
    History,
    /// <summary>The digital-signature certificate [S 7]: an active card of an adult holder.</summary>
    SignatureCertificate,
}
