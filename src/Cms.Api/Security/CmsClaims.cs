namespace Cms.Api.Security;

public static class CmsClaims
{
    public const string OperatorId = "sub";
    /// <summary>The server-side session the token belongs to.</summary>
    public const string SessionId = "sid";
    public const string CodiceFiscale = "cf";
    public const string Counter = "counter";
    public const string CounterType = "counter_type";
    public const string Region = "region";
    public const string Role = "role";
    public const string Name = "name";
    public const string Method = "amr";
    /// <summary>The presented client certificate's serial and issuer (certificate scheme only; decision 0032).</summary>
    public const string CertificateSerial = "cert_serial";
    public const string CertificateIssuer = "cert_issuer";
}

public static class Policies
{
    public const string Operator = "Operator";
    public const string SecurityAdministrator = "SecurityAdministrator";
    public const string Auditor = "Auditor";
    public const string Issuer = "Issuer";
    /// <summary>Reading a card's or a holder's history: counter operators and auditors.</summary>
    public const string HistoryReader = "HistoryReader";
    public const string ClientCertificate = "ClientCertificate";
    /// <summary>Call-centre operators (role CallCentre, no counter needed): identification by codice fiscale + CIP, suspension, reactivation.</summary>
    public const string CallCentre = "CallCentre";
    /// <summary>The blank forms: every operator role but the call centre's, which has no access to codes or forms (decision 0041).</summary>
    public const string FormsReader = "FormsReader";
    /// <summary>
    /// Counter operators who may work in interoperability: the counter types of the region's policy <c>Cms:Interop:CounterTypes</c>
    /// (every type but pharmacies by default; pharmacies never) [T 2.11, S 8, decision 0038].
    /// </summary>
    public const string InteropCounter = "InteropCounter";
    /// <summary>Another region's Cms, on the inbound interop endpoints (signed requests).</summary>
    public const string PeerRegion = "PeerRegion";
}
