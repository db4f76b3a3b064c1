namespace Cms.Domain.Citizen;

/// <summary>
/// A citizen activated their renewed card themselves [SPEC §3.12, C], signed in with the card it replaces. The protocol
/// number is printed on the summary the citizen keeps.
/// </summary>
public sealed class Renewal
{
    private Renewal() { }

    public Renewal(Guid id, string protocol, string codiceFiscale, string previousCardNumber, string cardNumber, DateTimeOffset activatedAt)
    {
        Id = id;
        Protocol = protocol;
        CodiceFiscale = codiceFiscale;
        PreviousCardNumber = previousCardNumber;
        CardNumber = cardNumber;
        ActivatedAt = activatedAt;
    }

    public Guid Id { get; private set; }
    public string Protocol { get; private set; } = null!;
    public string CodiceFiscale { get; private set; } = null!;
    public string PreviousCardNumber { get; private set; } = null!;
    public string CardNumber { get; private set; } = null!;
    public DateTimeOffset ActivatedAt { get; private set; }
}
