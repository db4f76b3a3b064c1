using Cms.Domain.Common;

namespace Cms.Domain.Administration;

public static class Role
{
    public const string Operator = "Operator";
    public const string SecurityAdministrator = "SecurityAdministrator";
    public const string Auditor = "Auditor";
    public const string Issuer = "Issuer";
    public const string Citizen = "Citizen";
    public const string PeerRegion = "PeerRegion";
    /// <summary>
    /// A call-centre operator [TM 8.2, S 6.2, S 9.5.2]: identifies a holder by codice fiscale + CIP on the telephone and suspends
    /// or reactivates the card where the region provides it; no counter, no codes, no forms (decision 0041).
    /// </summary>
    public const string CallCentre = "CallCentre";

    public static readonly IReadOnlyList<string> All =
        [Operator, SecurityAdministrator, Auditor, Issuer, Citizen, PeerRegion, CallCentre];
}
