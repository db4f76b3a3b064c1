using Cms.Domain.Common;
using Cms.Domain.Identification.Contracts;
namespace Cms.Domain.Identification;

/// <summary>A TS-CNS card of the registry, fed by the issuer.</summary>
public sealed class Card
{
    private Card() { }

    public Card(string cardNumber, string holderCodiceFiscale, DateOnly expiryDate, string issuerRegion, EncryptedCodes codes)
    {
        CardNumber = cardNumber;
        HolderCodiceFiscale = holderCodiceFiscale;
        ExpiryDate = expiryDate;
        IssuerRegion = issuerRegion;
        Codes = codes;
        State = CardState.NotActive;
    }

    public string CardNumber { get; private set; } = null!;
    public string HolderCodiceFiscale { get; private set; } = null!;
    public Holder Holder { get; private set; } = null!;
    public DateOnly ExpiryDate { get; private set; }
    public string IssuerRegion { get; private set; } = null!;
    /// <summary>The stored state; see <see cref="StateOn"/> for the state that counts.</summary>
    public CardState State { get; private set; }
    public DateTimeOffset? ActivatedAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    /// <summary>
    /// The card's PIN, PUK and CIP, sealed; null only for a card moved in from a region's previous CMS without its codes
    /// (decision 0039): such a card cannot have its codes released or its CIP checked (<see cref="EnsureCodesHeld"/>).
    /// </summary>
    public EncryptedCodes? Codes { get; private set; }
    public DateTimeOffset LoadedAt { get; private set; }
    /// <summary>How the card was activated, as the previous CMS recorded it: set only on a migrated card (decision 0039).</summary>
    public ActivationMode? ActivationMode { get; private set; }
    /// <summary>
    /// When the migration import last set the card's state (decision 0039); null for a card the migration never touched, and cleared
    /// as soon as Cms itself changes the state: from then on a re-run of the migration no longer moves it.
    /// </summary>
    public DateTimeOffset? MigratedAt { get; private set; }
    /// <summary>
    /// The serial and issuer of the card's authentication certificate, when the issuer's feed carried them
    /// (<see cref="CertificateNames"/>): the certificate a citizen renews with must then be this one (decision 0032).
    /// </summary>
    public string? CertificateSerial { get; private set; }
    public string? CertificateIssuer { get; private set; }

    /// <summary>NOT_ACTIVE → ACTIVE; anything else is refused with the state found.</summary>
    public void Activate(DateTimeOffset now)
    {
        EnsureActivatable(StateOn(DateOnly.FromDateTime(now.UtcDateTime)));
        State = CardState.Active;
        ActivatedAt = now;
        MigratedAt = null;
    }

    /// <summary>ACTIVE, NOT_ACTIVE or SUSPENDED → REVOKED, for good.</summary>
    public void Revoke(DateTimeOffset now)
    {
        EnsureRevocable(StateOn(DateOnly.FromDateTime(now.UtcDateTime)));
        State = CardState.Revoked;
        RevokedAt = now;
        MigratedAt = null;
    }

    public static void EnsureRevocable(CardState state) => CardRules.EnsureRevocable(state);

    /// <summary>ACTIVE → SUSPENDED [S 9.5].</summary>
    public void Suspend(DateTimeOffset now)
    {
        EnsureState(StateOn(DateOnly.FromDateTime(now.UtcDateTime)), CardState.Active, "card-not-suspendable", "Si sospende solo una tessera attiva.");
        State = CardState.Suspended;
        MigratedAt = null;
    }

    /// <summary>SUSPENDED → ACTIVE [S 9.6].</summary>
    public void Reactivate(DateTimeOffset now)
    {
        EnsureState(StateOn(DateOnly.FromDateTime(now.UtcDateTime)), CardState.Suspended, "card-not-reactivatable", "Si riattiva solo una tessera sospesa.");
        State = CardState.Active;
        MigratedAt = null;
    }

    public static void EnsureState(CardState state, CardState wanted, string rule, string message) => CardRules.EnsureState(state, wanted, rule, message);

    public static void EnsureReprintable(CardState state) => CardRules.EnsureReprintable(state);

    /// <summary>The card's sealed codes; a migrated card whose codes Cms never received is refused (409) with <c>card-codes-not-held</c>.</summary>
    public EncryptedCodes HeldCodes() => Codes ?? throw new Common.DomainRuleException("card-codes-not-held",
            "La tessera proviene dal sistema precedente della regione senza i suoi codici PIN, PUK e CIP: Cms non può rilasciarli né verificare il CIP. " +
            "L'ente emettitore può caricarli ripetendo l'importazione di migrazione con i codici.", Common.RuleKind.Conflict)
        .With("cardNumber", CardNumber);

    public static void EnsureActivatable(CardState state) => CardRules.EnsureActivatable(state);

    /// <summary>The state that counts for operations: a card past its expiry date is EXPIRED unless revoked.</summary>
    public CardState StateOn(DateOnly today) =>
        State != CardState.Revoked && today > ExpiryDate ? CardState.Expired : State;

    /// <summary>The operations allowed now, from state, expiry, minor flag and region policy.</summary>
    public IReadOnlyList<CardOperation> AllowedOperations(DateOnly today, bool holderIsMinor, RegionPolicy policy)
    {
        var ops = new List<CardOperation>();
        switch (StateOn(today))
        {
            case CardState.NotActive:
                ops.Add(CardOperation.Activation); // a minor only through delegation (parental authority / tutor)
                ops.Add(CardOperation.FseConsents);
                ops.Add(CardOperation.Revocation);
                break;
            case CardState.Active:
                ops.Add(CardOperation.FseConsents);
                ops.Add(CardOperation.Reprint);
                ops.Add(CardOperation.Revocation);
                ops.Add(CardOperation.ReaderDelivery);
                if (!holderIsMinor) ops.Add(CardOperation.SignatureCertificate); // not for minors [S 7]
                if (policy.SuspensionEnabled) ops.Add(CardOperation.Suspension);
                break;
            case CardState.Suspended:
                if (policy.SuspensionEnabled) ops.Add(CardOperation.Reactivation);
                ops.Add(CardOperation.Revocation);
                break;
        }
        ops.Add(CardOperation.History);
        // Minors keep the other operations; the modes they allow are checked by each operation.
        return ops;
    }
}

/// <summary>
/// How a card got activated: at a counter by the holder (DIRECT), by a delegate (DELEGATED: parental authority, tutor, curator), by a
/// delegate for health reasons (HEALTH_DELEGATION), or by the citizen online with the certificate of the previous card
/// (CITIZEN_RENEWAL). The same names as the counter's request modes; stored on a card only when the migration import brings it.
/// </summary>
public enum ActivationMode
{
    Direct,
    Delegated,
    HealthDelegation,
    CitizenRenewal,
}

/// <summary>What a region enables beyond the national rules.</summary>
public sealed record RegionPolicy(bool SuspensionEnabled)
{
    public static readonly RegionPolicy Default = new(SuspensionEnabled: false);
}
