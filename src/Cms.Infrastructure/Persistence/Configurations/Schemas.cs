namespace Cms.Infrastructure.Persistence.Configurations;

/// <summary>One PostgreSQL schema per module (docs/architecture.md, Modules).</summary>
internal static class Schemas
{
    public const string Administration = "administration";
    public const string Identification = "identification";
    public const string Audit = "audit";
    public const string Activation = "activation";
    public const string Reprint = "reprint";
    public const string Delivery = "delivery";
    public const string Platform = "platform";
    public const string Outbound = "outbound";
    public const string Revocation = "revocation";
    public const string Readers = "readers";
    public const string Consents = "consents";
    public const string Interop = "interop";
    public const string Citizen = "citizen";
    public const string Signature = "signature";
}
