namespace Cms.Domain.Administration;

public static class Role
{
    public const string Operator = "Operator";
    public const string SecurityAdministrator = "SecurityAdministrator";
    public const string Auditor = "Auditor";
    public const string Issuer = "Issuer";
    public const string Citizen = "Citizen";
    public const string PeerRegion = "PeerRegion";

    public static readonly IReadOnlyList<string> All =
        [Operator, SecurityAdministrator, Auditor, Issuer, Citizen, PeerRegion];
}
