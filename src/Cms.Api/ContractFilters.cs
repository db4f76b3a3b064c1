using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Cms.Api;

/// <summary>Describes every tag of the contract (the operator menu of the seeds).</summary>
public sealed class TagDescriptionsFilter : IDocumentFilter
{
    private static readonly Dictionary<string, string> Descriptions = new()
    {
        ["Autenticazione"] = "Accesso degli operatori: codice fiscale e password o carta (certificato client); token JWT.",
        ["Amministrazione"] = "Sportelli, operatori e Regioni collegate, a cura degli amministratori della sicurezza.",
        ["Avvisi"] = "Avvisi pubblicati dagli amministratori e mostrati agli operatori all'accesso.",
        ["Modulistica"] = "Moduli in bianco (PDF): dichiarazione sostitutiva, modello di delega, informativa privacy.",
        ["Tessere"] = "Identificazione della tessera (manuale, da lettore, per numero) e storico delle operazioni.",
        ["Attivazione"] = "Attivazione della tessera e rilascio dei codici personali in due metà (carta e e-mail/SMS).",
        ["Ristampa PIN/PUK"] = "Rilascio degli stessi codici di una tessera attiva, in due metà.",
        ["Consensi FSE"] = "Consensi al Fascicolo Sanitario Elettronico: ogni modifica è una nuova versione, inviata al sistema FSE regionale.",
        ["Revoca"] = "Revoca definitiva della tessera con verifica del CIP e modulo firmato; richiesta all'autorità di certificazione.",
        ["Sospensione e riattivazione"] = "Sospensione e riattivazione della tessera, dove la Regione le prevede.",
        ["Richiesta lettore"] = "Consegna dei lettori di smart card, uno per nucleo familiare salvo deroga motivata.",
        ["Ente emettitore"] = "Caricamento delle tessere e revoche su iniziativa dell'ente emettitore (ruolo Issuer).",
        ["Invii"] = "Stato dell'invio della seconda metà dei codici (e-mail o SMS).",
        ["Stato"] = "Stato del servizio (linee guida ModI) e controlli di salute.",
        ["Reportistica"] = "Report e statistiche dell'operatore sulle proprie operazioni.",
        ["Interoperabilità"] = "Operazioni su tessere di altre Regioni: richieste verso la Regione emittente e richieste ricevute dalle Regioni collegate (firmate).",
        ["Cittadino"] = "Attivazione della nuova tessera da parte del titolare, con il certificato della tessera in uso.",
        ["Call center"] = "Identificazione del titolare al telefono con codice fiscale e CIP, poi sospensione e riattivazione della tessera dove la Regione le prevede (ruolo CallCentre).",
        ["Revisione"] = "Per i revisori: registro delle operazioni, statistiche, integrità della catena, accessi di un interessato, segnali di abuso.",
    };

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var used = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []).SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(t => t.Name).Where(n => n is not null).Distinct().Order(StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(used.Select(n => new OpenApiTag
        {
            Name = n,
            Description = Descriptions.TryGetValue(n!, out var d) ? d : n,
        }));
    }
}

/// <summary>
/// Completes each operation: who may call it (from the endpoint's authorization policy) in its description, and the
/// 401/403 problem answers of protected operations.
/// </summary>
public sealed class OperationContractFilter : IOperationFilter
{
    private static readonly Dictionary<string, string> Policies = new()
    {
        [Security.Policies.Operator] = "operatori di sportello (ruolo Operator)",
        [Security.Policies.SecurityAdministrator] = "amministratori della sicurezza (ruolo SecurityAdministrator)",
        [Security.Policies.Auditor] = "revisori (ruolo Auditor)",
        [Security.Policies.Issuer] = "ente emettitore (ruolo Issuer)",
        [Security.Policies.HistoryReader] = "operatori di sportello e revisori (ruoli Operator, Auditor)",
        [Security.Policies.InteropCounter] = "operatori degli sportelli che la Regione abilita all'interoperabilità, mai le Farmacie (ruolo Operator)",
        [Security.Policies.PeerRegion] = "CMS delle Regioni collegate (richieste firmate, ruolo PeerRegion)",
        [Security.Policies.CallCentre] = "operatori del call center (ruolo CallCentre)",
        [Security.Policies.FormsReader] = "operatori di sportello, amministratori della sicurezza, revisori ed ente emettitore (ruoli Operator, SecurityAdministrator, Auditor, Issuer)",
        [Security.Policies.ClientCertificate] = "titolari con il certificato della propria TS-CNS (certificato client)",
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        string access;
        if (anonymous || authorize.Count == 0)
        {
            access = "Accesso: pubblico.";
            operation.Security = []; // overrides the document's bearer requirement: no token needed
        }
        else
        {
            var policies = authorize.Select(a => a.Policy).Where(p => p is not null).Select(p => Policies.GetValueOrDefault(p!, p!)).Distinct().ToList();
            access = "Accesso: " + (policies.Count == 0 ? "qualsiasi utente autenticato" : string.Join("; ", policies)) + ".";
            operation.Responses ??= new OpenApiResponses();
            foreach (var (code, text) in new[] { ("401", "Token assente, scaduto o non valido"), ("403", "Ruolo non autorizzato per questa operazione") })
            {
                if (operation.Responses.ContainsKey(code)) continue;
                operation.Responses[code] = new OpenApiResponse
                {
                    Description = text,
                    Content = new Dictionary<string, IOpenApiMediaType>
                    {
                        ["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ContractNames.For(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails)), context.Document) },
                    },
                };
            }
        }
        var description = string.IsNullOrWhiteSpace(operation.Description) ? operation.Summary : operation.Description;
        operation.Description = string.IsNullOrWhiteSpace(description) ? access : $"{description}\n\n{access}";
    }
}

/// <summary>
/// Keeps what clients never send out of the request schemas: the pipeline's markers (the audited operation type) and the
/// computed members of a command or query (no setter, e.g. which identification mode a query uses).
/// </summary>
public sealed class InternalPropertiesFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (!typeof(Mediator.IMessage).IsAssignableFrom(context.Type) || schema is not OpenApiSchema concrete || concrete.Properties is null) return;
        var computed = context.Type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => !p.CanWrite).Select(p => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(p.Name));
        foreach (var name in computed.Append("operationType"))
        {
            concrete.Properties.Remove(name);
            concrete.Required?.Remove(name);
        }
    }
}

/// <summary>
/// A member that is never null (a non-nullable value type: ids, enums, numbers, dates) is required in the schema, so that
/// generated clients type it as present; non-nullable references are marked by Swashbuckle itself.
/// </summary>
public sealed class RequiredValueMembersFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema concrete || concrete.Properties is null || context.Type.Namespace?.StartsWith("Cms.", StringComparison.Ordinal) != true)
            return;
        foreach (var property in context.Type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            var name = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (!concrete.Properties.ContainsKey(name)) continue;
            // A computed member (no setter) is not sent by clients: never required of them.
            if (property.CanWrite && property.PropertyType.IsValueType && Nullable.GetUnderlyingType(property.PropertyType) is null)
                (concrete.Required ??= new HashSet<string>()).Add(name);
        }
    }
}

/// <summary>Role names are the enum of SPEC §7 wherever a schema lists roles.</summary>
public sealed class RolesEnumFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema concrete || concrete.Properties is null) return;
        foreach (var (name, property) in concrete.Properties)
        {
            if (name != "roles" || property is not OpenApiSchema { Items: OpenApiSchema } array) continue;
            // One named schema (decision 0051), so that every client has one Role type rather than one enum per member.
            var role = ContractNames.For(typeof(Cms.Domain.Administration.Role));
            if (!context.SchemaRepository.Schemas.ContainsKey(role))
                context.SchemaRepository.AddDefinition(role, new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Enum = Cms.Domain.Administration.Role.All.Select(r => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(r)!).ToList(),
                });
            array.Items = new OpenApiSchemaReference(role);
        }
    }
}

/// <summary>
/// Gives every JSON request and success answer an example built from its schema, with realistic Italian values for the
/// members a counter knows (codice fiscale, card number, dates, e-mail), and every problem answer an example problem.
/// </summary>
public sealed class ExamplesFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.RequestBody?.Content is { } body && body.TryGetValue("application/json", out var request) && request is OpenApiMediaType req
            && req.Example is null && req.Schema is not null)
            req.Example = ContractExamples.For(req.Schema, context.Document, 0);
        foreach (var (code, response) in operation.Responses ?? [])
        {
            if (response.Content is null) continue;
            foreach (var (media, content) in response.Content)
            {
                if (content is not OpenApiMediaType m || m.Example is not null || m.Schema is null) continue;
                if (media == "application/problem+json") m.Example = ContractExamples.Problem(code, context.ApiDescription.RelativePath);
                else if (media == "application/json" && code.StartsWith('2')) m.Example = ContractExamples.For(m.Schema, context.Document, 0);
            }
        }
    }
}

public static class ContractExamples
{
    public static System.Text.Json.Nodes.JsonNode Problem(string code, string? path)
    {
        var (rule, title, detail) = code switch
        {
            "400" => ("validation", "Dati non validi", "Uno o più campi non sono validi: cardNumber."),
            "401" => ("unauthenticated", "Autenticazione non riuscita", "Autenticazione richiesta."),
            "403" => ("forbidden", "Operazione non consentita", "Operazione non consentita al ruolo dell'utente."),
            "404" => ("card-not-found", "Non trovato", "Tessera non presente in banca dati."),
            "409" => ("request-not-pending", "Conflitto con lo stato attuale", "La richiesta non è più modificabile (stato COMPLETED)."),
            "423" => ("cip-locked", "Temporaneamente bloccato", "Troppi tentativi errati di verifica del CIP per questa tessera."),
            "413" => ("payload-too-large", "Richiesta non leggibile", "La richiesta è troppo grande."),
            "415" => ("unsupported-media-type", "Tipo di contenuto non supportato", "Il corpo della richiesta deve essere application/json."),
            "503" => ("service-unavailable", "Servizio temporaneamente non disponibile",
                "La banca dati non è raggiungibile in questo momento. L'operazione non è stata eseguita: riprovare tra qualche secondo."),
            "429" => ("rate-limited", "Troppe richieste", "Troppe richieste in poco tempo. Riprovare tra 42 secondi."),
            _ => ("privacy-consent-required", "Regola non rispettata",
                "Il titolare della carta, o suo delegato, deve acconsentire al trattamento dei dati personali."),
        };
        var example = new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = "urn:cms:problem:" + rule,
            ["title"] = title,
            ["status"] = int.TryParse(code, out var status) ? status : 422,
            ["detail"] = detail,
            ["instance"] = "/" + (path ?? "api/v1"),
            ["rule"] = rule,
            ["traceId"] = "0HNQB4988JBF7:00000001",
        };
        if (code == "400")
        {
            example["errors"] = new System.Text.Json.Nodes.JsonObject { ["cardNumber"] = new System.Text.Json.Nodes.JsonArray("Numero di tessera non valido.") };
            example["rules"] = new System.Text.Json.Nodes.JsonObject { ["cardNumber"] = new System.Text.Json.Nodes.JsonArray("invalid-card-number") };
        }
        return example;
    }

    public static System.Text.Json.Nodes.JsonNode? For(IOpenApiSchema schema, OpenApiDocument document, int depth, string? name = null)
    {
        if (depth > 8) return null;
        if (schema is OpenApiSchemaReference reference)
        {
            var id = reference.Reference.Id;
            if (id is null || document.Components?.Schemas is null || !document.Components.Schemas.TryGetValue(id, out var target)) return null;
            return For(target, document, depth, name);
        }
        if (schema.Enum is { Count: > 0 } values) return values.First()?.DeepClone();
        if (schema.AllOf is { Count: > 0 } all) return For(all.First(), document, depth, name);
        var type = schema.Type ?? JsonSchemaType.Object;
        if (type.HasFlag(JsonSchemaType.Array))
            return schema.Items is null ? new System.Text.Json.Nodes.JsonArray()
                : For(schema.Items, document, depth + 1, name) is { } item ? new System.Text.Json.Nodes.JsonArray(item) : new System.Text.Json.Nodes.JsonArray();
        if (type.HasFlag(JsonSchemaType.Object) || schema.Properties is { Count: > 0 })
        {
            var obj = new System.Text.Json.Nodes.JsonObject();
            foreach (var (property, propertySchema) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
                obj[property] = For(propertySchema, document, depth + 1, property);
            return obj;
        }
        if (type.HasFlag(JsonSchemaType.Boolean)) return System.Text.Json.Nodes.JsonValue.Create(name is not "minor");
        if (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)) return System.Text.Json.Nodes.JsonValue.Create(1);
        return System.Text.Json.Nodes.JsonValue.Create(Text(schema.Format, name ?? ""));
    }

    private static string Text(string? format, string name) => format switch
    {
        "uuid" => "0199f1a2-7c3e-7b21-9d4a-3f6e2b8c1d05",
        "date-time" => "2026-11-25T10:30:00+00:00",
        "byte" => "JVBERi0xLjcK", // base64 of "%PDF-1.7\n"
        "date" => name.Contains("expiry", StringComparison.OrdinalIgnoreCase) ? "2031-06-30" : name.Contains("birth", StringComparison.OrdinalIgnoreCase) ? "1980-01-01" : "2022-01-10",
        _ => name switch
        {
            _ when name.Contains("codiceFiscale", StringComparison.OrdinalIgnoreCase) => "RSSMRA80A01D612X",
            "cardNumber" => "80380000900000000001",
            "displayNumber" => "8038000 0900000000001",
            "cardNumberLast5" => "00001",
            _ when name.Contains("email", StringComparison.OrdinalIgnoreCase) => "mario.rossi@example.it",
            "mobile" => "+393331234567",
            "recipient" => "m***@example.it",
            "surname" => "ROSSI",
            "givenName" => "MARIO",
            "birthCountry" => "ITALIA",
            "counterCode" or "code" => "090-201-EM001",
            "region" or "issuerRegion" => "090",
            "accessToken" => "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…",
            "password" => "Una-Password-Lunga-1",
            "pin" => "12",
            "puk" or "cip" => "3456",
            _ => "string",
        },
    };
}

/// <summary>
/// A request body declared for the contract only. <c>Accepts&lt;T&gt;(contentType)</c> would also make routing answer 415 to
/// another content type — before authorisation, telling a caller who may not use the endpoint what it expects; with this
/// marker the content type is checked by the endpoint, after authorisation.
/// </summary>
public sealed record DocumentedBody(Type Type, string ContentType);

/// <summary>
/// An answer declared in a media type that is not JSON (a report as CSV or PDF beside its JSON) is a file: a binary string,
/// not the JSON answer's schema (decision 0051).
/// </summary>
public sealed class FileAnswersFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        foreach (var (_, response) in operation.Responses ?? [])
            foreach (var (media, content) in response.Content ?? new Dictionary<string, IOpenApiMediaType>())
                if (content is OpenApiMediaType m && !media.EndsWith("json", StringComparison.Ordinal) && m.Schema is OpenApiSchemaReference)
                    m.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
    }
}

/// <summary>
/// Every operation that takes a parameter or a body can answer 400 (a value that does not bind, the validator's problem),
/// one with a body 413 (past the size limit) and 415 (a media type it does not take), and every operation 503 (the
/// database unavailable): the contract says so for each (decision 0051 and its follow-up: every answer matches it).
/// </summary>
public sealed class BadRequestFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        operation.Responses ??= new OpenApiResponses();
        var body = operation.RequestBody is not null || context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<DocumentedBody>().Any();
        if (operation.Parameters is { Count: > 0 } || body) Declare(operation, context, "400", "Dati non validi");
        // A body past the request size limit (UseCmsRequestSizeLimit) is refused before the endpoint runs.
        if (body) Declare(operation, context, "413", "Richiesta troppo grande");
        // A body in a media type the operation does not take (decision 0051, follow-up: no longer a known gap).
        if (body) Declare(operation, context, "415", "Tipo di contenuto non supportato");
        // The database down or restarting (service-unavailable, with Retry-After): any operation may answer it.
        Declare(operation, context, "503", "Servizio temporaneamente non disponibile");
    }

    private static void Declare(OpenApiOperation operation, OperationFilterContext context, string code, string description)
    {
        if (operation.Responses!.ContainsKey(code)) return;
        operation.Responses[code] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/problem+json"] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchemaReference(ContractNames.For(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails)), context.Document),
                },
            },
        };
    }
}

public sealed class DocumentedBodyFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<DocumentedBody>().FirstOrDefault() is not { } body) return;
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                [body.ContentType] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(body.Type, context.SchemaRepository) },
            },
        };
    }
}

/// <summary>
/// A nullable member whose type is a schema of its own is <c>allOf: [$ref]</c> + <c>nullable</c> (decision 0051), without a
/// <c>type</c> beside it: with one, NSwag makes the wrapper a class of its own (<c>Chip : ChipData</c>). A member that is
/// never null stays a bare <c>$ref</c>, as before.
/// </summary>
public sealed class NullableReferencesFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null) return;
        foreach (var schema in schemas.Values.OfType<OpenApiSchema>())
        {
            if (schema.Properties is null) continue;
            foreach (var (name, member) in schema.Properties.ToList())
            {
                if (member is not OpenApiSchema { AllOf: [OpenApiSchemaReference reference] } property) continue;
                if (property.Type is null or 0 && property.Description is null && property.Default is null)
                    schema.Properties[name] = reference; // never null: the bare $ref, as before
            }
        }
    }
}

/// <summary>
/// An answer's schema is open to members it does not declare (decision 0051, follow-up): a new member in an answer is a
/// minor change, which a strict client validating <c>additionalProperties: false</c> would refuse. What clients send stays
/// closed (an unknown member is refused, so a typo is not silently dropped); a schema that is both sent and answered
/// (<c>InteropHolderInput</c>, a peer's input echoed in the request it opened) stays closed too.
/// </summary>
public sealed class OpenAnswersFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null) return;
        var sent = new HashSet<string>();
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
        {
            foreach (var parameter in operation.Parameters ?? []) Reach(parameter.Schema, schemas, sent, 0);
            foreach (var media in operation.RequestBody?.Content?.Values ?? []) Reach(media.Schema, schemas, sent, 0);
        }
        foreach (var (name, schema) in schemas)
            if (!sent.Contains(name) && schema is OpenApiSchema { AdditionalPropertiesAllowed: false } closed)
                closed.AdditionalPropertiesAllowed = true;
    }

    private static void Reach(IOpenApiSchema? schema, IDictionary<string, IOpenApiSchema> schemas, HashSet<string> names, int depth)
    {
        if (schema is null || depth > 64) return;
        if (schema is OpenApiSchemaReference reference)
        {
            if (reference.Reference.Id is { } id && names.Add(id) && schemas.TryGetValue(id, out var target)) Reach(target, schemas, names, depth + 1);
            return;
        }
        foreach (var part in (schema.AllOf ?? []).Concat(schema.OneOf ?? []).Concat(schema.AnyOf ?? [])) Reach(part, schemas, names, depth + 1);
        Reach(schema.Items, schemas, names, depth + 1);
        Reach(schema.AdditionalProperties, schemas, names, depth + 1);
        foreach (var property in schema.Properties?.Values ?? []) Reach(property, schemas, names, depth + 1);
    }
}

/// <summary>
/// The problem (RFC 9457) declares the members the API adds to it (decision 0051, follow-up; docs/problems.md): <c>rule</c>
/// (the rule's name, also at the end of <c>type</c>), <c>traceId</c>, the validation's <c>errors</c> and <c>rules</c> (member →
/// messages, member → names of the broken checks) and <c>retryAfterSeconds</c>; a rule's own extension members (listed in
/// docs/problems.md with their rule) stay open.
/// </summary>
public sealed class ProblemMembersFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (context.Type != typeof(Microsoft.AspNetCore.Mvc.ProblemDetails) || schema is not OpenApiSchema problem) return;
        problem.Properties ??= new Dictionary<string, IOpenApiSchema>();
        problem.Properties["rule"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Il nome della regola non rispettata (la parte finale di `type`)." };
        problem.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Identifica la richiesta nel registro del server." };
        problem.Properties["errors"] = Map("Dati non validi: per ogni campo (`delivery.email`), i messaggi in italiano.");
        problem.Properties["rules"] = Map("Dati non validi: per ogni campo, i nomi dei controlli non superati (`required`, `invalid-email`, …).");
        problem.Properties["retryAfterSeconds"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Integer, Format = "int32", Description = "Troppe richieste: dopo quanti secondi riprovare (come `Retry-After`).",
        };
    }

    private static OpenApiSchema Map(string description) => new()
    {
        Type = JsonSchemaType.Object,
        Description = description,
        AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
    };
}
