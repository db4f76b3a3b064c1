namespace Cms.Domain.Requests;

/// <summary>The lifecycle every counter operation shares: create → PENDING → confirm / cancel / expire.</summary>
public enum RequestStatus
{
    Pending,
    Completed,
    Cancelled,
    Expired,
}

/// <summary>Who is at the counter: the holder, a delegate (parental authority / tutor / curator), or a delegate for health reasons.</summary>
public enum RequestMode
{
    Direct,
    Delegated,
    HealthDelegation,
}

public enum DelegationKind
{
    Parental,
    Tutor,
    Curator,
}

/// <summary>Identity documents accepted at the counter [S 6.1.2].</summary>
public enum DocumentType
{
    CartaIdentita,
    Passaporto,
    PatenteGuida,
    PatenteNautica,
    LibrettoPensione,
    PatentinoImpiantiTermici,
    PortoArmi,
    AltroDocumentoStatale,
}

public enum DeliveryChannel
{
    Email,
    Sms,
}

/// <summary>The delegate at the counter.</summary>
/// <param name="CardNumber">
/// The delegate's own TS-CNS their data were read from ("Recupera dati delegato" [M 2.4.1], decision 0046); null when the
/// operator typed them.
/// </param>
public sealed record DelegatePerson(string CodiceFiscale, string Surname, string GivenName, string? CardNumber = null)
{
    public DelegateSource Source => CardNumber is null ? DelegateSource.Typed : DelegateSource.Card;
}

/// <summary>Where the delegate's data came from: typed by the operator, or read from the delegate's own card [M 2.4.1].</summary>
public enum DelegateSource
{
    Typed,
    Card,
}

public sealed record IdentityDocument(DocumentType Type, string Number, string IssuedBy, DateOnly IssueDate, DateOnly ExpiryDate)
{
    public bool IsValidOn(DateOnly date) => IssueDate <= date && ExpiryDate >= date;
}

/// <summary>Where the second halves of the codes go: an e-mail address or an Italian mobile number (E.164).</summary>
public sealed record DeliveryAddress(DeliveryChannel Channel, string? Email, string? Mobile)
{
    public string Recipient => Channel == DeliveryChannel.Email ? Email! : Mobile!;
}

public static class DocumentTypes
{
    public static string Label(DocumentType type) => type switch
    {
        DocumentType.CartaIdentita => "Carta d'identità",
        DocumentType.Passaporto => "Passaporto",
        DocumentType.PatenteGuida => "Patente di guida",
        DocumentType.PatenteNautica => "Patente nautica",
        DocumentType.LibrettoPensione => "Libretto di pensione",
        DocumentType.PatentinoImpiantiTermici => "Patentino di abilitazione alla conduzione di impianti termici",
        DocumentType.PortoArmi => "Porto d'armi",
        _ => "Altra tessera di riconoscimento rilasciata dallo Stato, con fotografia e timbro",
    };
}
