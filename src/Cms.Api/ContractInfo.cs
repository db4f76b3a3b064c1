using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Cms.Api;

/// <summary>What the contract says about itself: title, semantic version, contact, terms, servers (AgID ModI rules).</summary>
public static class ContractInfo
{
    /// <summary>The contract's semantic version: the major is the path's v1; see docs/contract.md.</summary>
    public const string Version = "1.3.0";

    public static OpenApiInfo Info() => new()
    {
        Title = "Cms – Card Management System TS-CNS",
        Version = Version,
        Summary = "Gestione delle tessere TS-CNS: identificazione, codici personali, consensi FSE, revoche, lettori.",
        Description =
            "API del sistema di gestione delle tessere sanitarie - carte nazionali dei servizi (TS-CNS) di una Regione: " +
            "identificazione della carta, attivazione e rilascio dei codici personali in due metà, consensi al Fascicolo " +
            "Sanitario Elettronico, ristampa dei codici, revoca con verifica del CIP, consegna dei lettori, storico, " +
            "moduli, avvisi e amministrazione. Gli errori sono `application/problem+json` (RFC 9457) con un `type` stabile " +
            "per ogni regola (elenco in docs/problems.md); le scritture accettano l'intestazione `Idempotency-Key`.",
        // A placeholder in the reserved .example domain: each region publishing its instance names its own contact.
        Contact = new OpenApiContact { Name = "Cms – Card Management System TS-CNS", Email = "cms@regione.example" },
        Extensions = new Dictionary<string, IOpenApiExtension>
        {
            ["x-summary"] = new JsonNodeExtension(JsonValue.Create("Gestione delle tessere TS-CNS per gli sportelli e i front-end regionali")!),
            ["x-api-id"] = new JsonNodeExtension(JsonValue.Create("cms-ts-cns")!),
        },
    };

    /// <summary>Where a region serves it; each region runs its own instance (the local run command: http://127.0.0.1:5080).</summary>
    public static readonly IReadOnlyList<OpenApiServer> Servers =
    [
        new() { Url = "https://cms.regione.example", Description = "Istanza di una Regione (esempio: ogni Regione pubblica il proprio indirizzo)" },
    ];
}
