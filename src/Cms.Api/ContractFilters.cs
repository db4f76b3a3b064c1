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
        ["Amministrazione"] = "Sportelli e operatori, a cura degli amministratori della sicurezza.",
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
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        string access;
        if (anonymous || authorize.Count == 0) access = "Accesso: pubblico.";
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
                        ["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference("ProblemDetails", context.Document) },
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
