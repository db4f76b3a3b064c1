using System.Text.Json;
using Cms.Domain.Common;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Cms.Api.Problems;

/// <summary>
/// Turns every failure into an RFC 9457 problem: broken input (400, with every bad field), broken
/// rules (404/409/422/401/403, with the rule's own type), anything else a 500 that says nothing inside.
/// </summary>
public sealed class CmsExceptionHandler(IProblemDetailsService problems, ILogger<CmsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem = exception switch
        {
            ValidationException v => Validation(v),
            DomainRuleException r => Rule(r),
            BadHttpRequestException b => Malformed(b),
            _ when Cms.Infrastructure.Persistence.DatabaseFailures.IsUnavailable(exception) => Unavailable(exception),
            _ => Unexpected(exception),
        };
        http.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable) http.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails Validation(ValidationException v)
    {
        var errors = v.Errors
            .GroupBy(e => FieldName(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
        var rules = v.Errors
            .GroupBy(e => FieldName(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => RuleName(e.ErrorCode)).Distinct().ToArray());
        return new ProblemDetails
        {
            Type = ProblemTypes.Validation,
            Title = "Dati non validi",
            Status = StatusCodes.Status400BadRequest,
            Detail = "Uno o più campi non sono validi: " + string.Join(", ", errors.Keys) + ".",
            Extensions = { ["errors"] = errors, ["rules"] = rules },
        };
    }

    /// <summary>The problem of a broken rule (also written by the idempotency middleware for a refusal that keeps work).</summary>
    public static ProblemDetails Rule(DomainRuleException r)
    {
        var status = r.Kind switch
        {
            RuleKind.NotFound => StatusCodes.Status404NotFound,
            RuleKind.Conflict => StatusCodes.Status409Conflict,
            RuleKind.Forbidden => StatusCodes.Status403Forbidden,
            RuleKind.Unauthenticated => StatusCodes.Status401Unauthorized,
            RuleKind.Locked => StatusCodes.Status423Locked,
            _ => StatusCodes.Status422UnprocessableEntity,
        };
        var problem = new ProblemDetails { Type = ProblemTypes.For(r.Rule), Title = Titles(status), Status = status, Detail = r.Message };
        problem.Extensions["rule"] = r.Rule;
        // An extension never shadows a member of the problem itself (a second "status" would break every client).
        foreach (var (key, value) in r.Extensions)
            problem.Extensions[key is "type" or "title" or "status" or "detail" or "instance" or "rule" ? "rule" + char.ToUpperInvariant(key[0]) + key[1..] : key] = value;
        return problem;
    }

    private static ProblemDetails Malformed(BadHttpRequestException b)
    {
        // A JSON error names the path of the bad value ($.delivery.channel); the message quotes no value.
        var path = (b.InnerException as JsonException)?.Path;
        var field = b.Message == Cms.Api.Security.Hardening.NulInAddress ? "address"
            : string.IsNullOrEmpty(path) || path == "$" ? "body" : path.TrimStart('$', '.');
        var status = b.StatusCode is >= 400 and < 500 ? b.StatusCode : StatusCodes.Status400BadRequest;
        // The body's binding refuses a media type other than JSON (text/plain, none at all): that is the catalogue's 415,
        // not a malformed body.
        if (status == StatusCodes.Status415UnsupportedMediaType)
            return new ProblemDetails
            {
                Type = ProblemTypes.For("unsupported-media-type"),
                Title = "Tipo di contenuto non supportato",
                Status = status,
                Detail = "Il corpo della richiesta deve essere application/json.",
                Extensions = { ["rule"] = "unsupported-media-type" },
            };
        var problem = new ProblemDetails
        {
            Type = status == StatusCodes.Status413PayloadTooLarge ? ProblemTypes.For("payload-too-large") : ProblemTypes.MalformedRequest,
            Title = "Richiesta non leggibile",
            Status = status,
            Detail = status == StatusCodes.Status413PayloadTooLarge
                ? "La richiesta è troppo grande."
                : field == "address" ? "L'indirizzo della richiesta contiene un carattere non ammesso."
                : $"Il corpo della richiesta non è leggibile: valore non valido in '{field}'.",
        };
        problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = ["Valore mancante o di tipo non valido."] };
        return problem;
    }

    /// <summary>The database is down or restarting: nothing was written (the transaction did not commit); try again shortly.</summary>
    private ProblemDetails Unavailable(Exception exception)
    {
        logger.LogWarning("Database unavailable: {ExceptionType}", exception.GetType().FullName);
        return new ProblemDetails
        {
            Type = ProblemTypes.For("service-unavailable"),
            Title = "Servizio temporaneamente non disponibile",
            Status = StatusCodes.Status503ServiceUnavailable,
            Detail = "La banca dati non è raggiungibile in questo momento. L'operazione non è stata eseguita: riprovare tra qualche secondo.",
            Extensions = { ["rule"] = "service-unavailable" },
        };
    }

    private ProblemDetails Unexpected(Exception exception)
    {
        logger.LogError("Unhandled {ExceptionType} at {Site}", exception.GetType().FullName, exception.TargetSite?.Name);
        return new ProblemDetails
        {
            Type = ProblemTypes.Unexpected,
            Title = "Errore interno",
            Status = StatusCodes.Status500InternalServerError,
            Detail = "Si è verificato un errore inatteso. L'operazione non è stata eseguita.",
        };
    }

    private static string Titles(int status) => status switch
    {
        404 => "Non trovato",
        409 => "Conflitto con lo stato attuale",
        403 => "Operazione non consentita",
        401 => "Autenticazione non riuscita",
        423 => "Temporaneamente bloccato",
        _ => "Regola non rispettata",
    };

    /// <summary>"Chip.CardNumber" → "chip.cardNumber", "Roles[0]" → "roles[0]".</summary>
    public static string FieldName(string propertyName) =>
        string.Join('.', propertyName.Split('.').Select(p => p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..]));

    private static string RuleName(string errorCode) => errorCode switch
    {
        "NotEmptyValidator" or "NotNullValidator" => "required",
        "MaximumLengthValidator" or "LengthValidator" => "too-long",
        "RegularExpressionValidator" => "format",
        "EnumValidator" => "unknown-value",
        _ when errorCode.EndsWith("Validator", StringComparison.Ordinal) => "invalid",
        _ => errorCode,
    };
}
