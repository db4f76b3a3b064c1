using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Cms.Api;

/// <summary>
/// Marks an endpoint that another region's Cms calls under the AgID ModI patterns (issue 28): ID_AUTH_REST_02 (or the PDND
/// voucher), INTEGRITY_REST_01 and AUDIT_REST_02. The contract declares their security schemes and headers for it
/// (<see cref="ModiContractFilter"/>).
/// </summary>
public sealed record ModiSecured;

/// <summary>
/// The ModI side of the contract (issue 28): the three security schemes of the patterns, the <c>Digest</c> request header and
/// the signed answers' <c>Agid-JWT-Signature</c> and <c>Digest</c> response headers of every operation marked
/// <see cref="ModiSecured"/> (the inbound interoperability operations), which the operators' <c>bearer</c> does not open.
/// The names are fixed with the core's (docs/interop.md).
/// </summary>
public static class ModiContract
{
    public const string IdAuthScheme = "modiIdAuth";
    public const string SignatureScheme = "agidJwtSignature";
    public const string TrackingEvidenceScheme = "agidJwtTrackingEvidence";
    public const string SignatureHeader = "Agid-JWT-Signature";
    public const string TrackingEvidenceHeader = "Agid-JWT-TrackingEvidence";
    public const string DigestHeader = "Digest";

    /// <summary><c>SHA-256=</c> and the base64 of a SHA-256 (32 bytes: 43 characters and one <c>=</c> of padding).</summary>
    public const string DigestPattern = "^SHA-256=[A-Za-z0-9+/]{43}=$";

    /// <summary>The security schemes of the patterns, declared once in the document (Program.cs).</summary>
    public static IEnumerable<(string Name, OpenApiSecurityScheme Scheme)> Schemes()
    {
        yield return (IdAuthScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description =
                "ModI ID_AUTH_REST_02 (chiamate tra le Regioni collegate): `Authorization: Bearer` con un JWS firmato dal CMS " +
                "della Regione chiamante (RS256 o ES256, certificato nell'intestazione JOSE `x5c`), con i claim `iss` e `sub` (il " +
                "codice della Regione chiamante, ad es. \"090\"), `aud` (l'URL chiamato senza query), `iat`, `nbf`, `exp`, `jti` " +
                "(usabile una sola volta) e `digest` ({\"alg\":\"SHA256\",\"value\": SHA-256 esadecimale del token AUDIT_REST_02}). Dove le Regioni usano la PDND, il token è invece il voucher rilasciato dal server di " +
                "autorizzazione della PDND.",
        });
        yield return (SignatureScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = SignatureHeader,
            Description =
                "ModI INTEGRITY_REST_01: JWS firmato dalla Regione chiamante con gli stessi claim del token ID_AUTH_REST_02 " +
                "(`iss`, `sub`, `aud`, `iat`, `nbf`, `exp`, `jti`) e `signed_headers`, che lega l'intestazione `Digest` " +
                "(SHA-256 del corpo) e il `Content-Type` della richiesta: " +
                "`[{\"digest\":\"SHA-256=…\"},{\"content-type\":\"application/json; charset=utf-8\"}]`, e `audit_digest` (lo " +
                "stesso SHA-256 del token AUDIT_REST_02, che lega corpo, firma e attestazione). La Regione che risponde firma la " +
                "propria risposta allo stesso modo, con anche `status` (lo stato HTTP) e `request_jti` (il `jti` di questa " +
                "intestazione, solo se la chiamata è stata autenticata). Profilo completo: docs/interop.md.",
        });
        yield return (TrackingEvidenceScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = TrackingEvidenceHeader,
            Description =
                "ModI AUDIT_REST_02: JWS firmato dalla Regione chiamante che attesta chi ha chiesto l'operazione, con i claim " +
                "`iss`, `aud`, `iat`, `nbf`, `exp`, `jti`, `userID` (il codice fiscale dell'operatore), `userLocation` (il codice " +
                "dello sportello) e `LoA` (il livello di garanzia dell'autenticazione dell'operatore).",
        });
    }
}

/// <summary>
/// Gives every operation marked <see cref="ModiSecured"/> the ModI security requirement (the three schemes together, one
/// requirement object; not the operators' <c>bearer</c>), its required <c>Digest</c> request header and, on every answer it
/// declares (success and problems), the <c>Agid-JWT-Signature</c> and <c>Digest</c> response headers. Registered after the
/// filters that add the 401/403/4xx/503 problems, so that those carry the headers too.
/// </summary>
public sealed class ModiContractFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<ModiSecured>().Any()) return;
        operation.Security =
        [
            new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(ModiContract.IdAuthScheme, context.Document)] = [],
                [new OpenApiSecuritySchemeReference(ModiContract.SignatureScheme, context.Document)] = [],
                [new OpenApiSecuritySchemeReference(ModiContract.TrackingEvidenceScheme, context.Document)] = [],
            },
        ];
        operation.Parameters ??= [];
        if (!operation.Parameters.Any(p => p.In == ParameterLocation.Header && p.Name == ModiContract.DigestHeader))
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = ModiContract.DigestHeader,
                In = ParameterLocation.Header,
                Required = true,
                Description =
                    "Impronta del corpo della richiesta (RFC 3230): `SHA-256=` seguito dal base64 dello SHA-256 dei byte del corpo. " +
                    "È firmata in `Agid-JWT-Signature` (`signed_headers`, ModI INTEGRITY_REST_01).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = ModiContract.DigestPattern },
                Example = System.Text.Json.Nodes.JsonValue.Create("SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="),
            });
        foreach (var (code, answer) in operation.Responses ?? [])
        {
            if (answer is not OpenApiResponse response) continue;
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers[ModiContract.SignatureHeader] = new OpenApiHeader
            {
                Required = true,
                Description =
                    "ModI INTEGRITY_REST_01 sulla risposta: la Regione che risponde firma la propria risposta come la Regione chiamante " +
                    "firma la richiesta, con un JWS (`x5c` nell'intestazione JOSE) i cui `signed_headers` legano `Digest` e " +
                    "`Content-Type` di questa risposta.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            };
            response.Headers[ModiContract.DigestHeader] = new OpenApiHeader
            {
                Required = true,
                Description = "Impronta del corpo della risposta: `SHA-256=` seguito dal base64 dello SHA-256 dei byte del corpo, firmata in `Agid-JWT-Signature`.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = ModiContract.DigestPattern },
            };
            // Once an answer declares headers, the ModI ruleset asks 429 and 503 to declare Retry-After, which both carry
            // (the rate limiter, CmsExceptionHandler).
            if (code is "429" or "503")
                response.Headers["Retry-After"] = new OpenApiHeader
                {
                    Required = true,
                    Description = "Dopo quanti secondi riprovare (RFC 9110).",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                };
            if (code == "401")
                response.Description =
                    "Chiamata non autenticata secondo i pattern ModI: token ID_AUTH_REST_02 (o voucher PDND), `Agid-JWT-Signature`, " +
                    "`Digest` o `Agid-JWT-TrackingEvidence` assenti, scaduti, non validi o già usati (`jti`), firmati da una Regione " +
                    "non collegata o non corrispondenti al corpo. Il `type` del problema nomina la regola: i nomi delle regole sono " +
                    "in docs/problems.md, sezione Interoperability between regions.";
        }
    }
}
