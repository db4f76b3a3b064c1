using System.Text.RegularExpressions;
using Cms.Api.Problems;
using Cms.Api.Security;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Behaviours;
using Cms.Domain.Common;
using Cms.Infrastructure.Persistence;
using Microsoft.AspNetCore.Mvc;

namespace Cms.Api.Idempotency;

/// <summary>
/// Writes sent with an <c>Idempotency-Key</c> to an endpoint that declares it (<see cref="IdempotentMetadata"/>, by
/// <see cref="IdempotencyEndpointExtensions.Idempotent{TBuilder}"/>; decision 0050), by a signed-in operator, are
/// answered once: a retry with the same key and the same request gets the first answer again (with
/// <c>Idempotent-Replayed: true</c>); the same key with another request is a 422; a retry while the first is
/// still running is a 409. The request and its stored answer commit in one transaction (decision 0025). Refusals roll back
/// and are not remembered, except one that keeps work (a wrong CIP try); server errors are not remembered either.
/// The citizen's renewal (declared <see cref="IdempotencyKeyOwner.Certificate"/>, signed in by the card's certificate, decision 0047)
/// is covered too: its answers are kept per certificate (issuer and serial, by keyed digest) and only
/// <see cref="IdempotencyStore.CitizenRetention"/>, so that a double "Conferma" gets the whole codes again, for the same certificate only.
/// Runs after routing and authorisation: the matched endpoint's metadata is read, never a list of paths.
/// </summary>
public sealed partial class IdempotencyMiddleware(RequestDelegate next)
{
    public const string Header = "Idempotency-Key";

    public async Task InvokeAsync(HttpContext http, IIdempotencyStore store, IKeyedDigest digest, CommandTransaction transaction, IProblemDetailsService problems,
        ILogger<IdempotencyMiddleware> logger)
    {
        var request = http.Request;
        // By declaration: the endpoint says it is idempotent, and whose keys it keeps apart (decision 0050).
        // Writes only: a GET (a print) is never answered from the store, whatever it declares — print-once holds.
        if (!(HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method))
            || http.GetEndpoint()?.Metadata.GetMetadata<IdempotentMetadata>() is not { } declared
            || !request.Headers.TryGetValue(Header, out var values)
            || PrincipalOf(http, declared.Owner, digest) is not { } operatorId)
        {
            await next(http);
            return;
        }
        var key = values.ToString();
        if (!KeyPattern().IsMatch(key))
        {
            await Problem(http, problems, 400, "invalid-idempotency-key", "L'intestazione Idempotency-Key deve avere da 1 a 100 caratteri tra lettere, cifre e - _ : .");
            return;
        }

        request.EnableBuffering();
        var path = request.Path.Value!;
        // Keyed: a body may carry a CIP or a password, and a plain hash of it would give the secret back to whoever reads the table.
        var hash = new RequestFingerprint(digest.ComputeAll(await BodyAsync(request, http.RequestAborted), "idempotency " + request.Method + " " + path));
        var begin = await store.BeginAsync(operatorId, key, request.Method, path, hash, http.RequestAborted);
        switch (begin.Outcome)
        {
            case IdempotencyOutcome.Replay:
                var stored = begin.Response!;
                http.Response.StatusCode = stored.StatusCode;
                if (stored.ContentType is not null) http.Response.ContentType = stored.ContentType;
                if (stored.Location is not null) http.Response.Headers.Location = stored.Location;
                http.Response.Headers["Idempotent-Replayed"] = "true";
                await http.Response.Body.WriteAsync(stored.Body, http.RequestAborted);
                return;
            case IdempotencyOutcome.Mismatch:
                await Problem(http, problems, 422, "idempotency-key-reused", "Questa Idempotency-Key è già stata usata per una richiesta diversa.");
                return;
            case IdempotencyOutcome.InProgress:
                await InProgressAsync(http, problems);
                return;
        }

        // The request runs in one transaction that also writes its answer: what commits has its answer stored, and what has no
        // stored answer did not commit — a process killed (or a database lost) at any moment leaves no effect without an answer.
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        bool answered, keptRefusal = false;
        async Task CompleteAsync(CancellationToken ct)
        {
            var location = http.Response.Headers.Location.ToString();
            var response = new StoredResponse(http.Response.StatusCode, http.Response.ContentType, location.Length > 0 ? location : null, buffer.ToArray());
            if (!await store.CompleteAsync(operatorId, key, request.Method, path, hash, response, ct)) throw new KeyTakenOverException();
        }
        try
        {
            answered = await transaction.RunAsync(async ct =>
            {
                try
                {
                    await next(http);
                }
                catch (DomainRuleException refusal) when (refusal.KeepsWork)
                {
                    // The refusal's work commits (a wrong CIP try is counted), so its answer commits with it: a retry gets that
                    // answer instead of counting the try again.
                    var problem = CmsExceptionHandler.Rule(refusal);
                    http.Response.StatusCode = problem.Status!.Value;
                    await problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = refusal });
                    await CompleteAsync(ct);
                    keptRefusal = true;
                    throw;
                }
                if (http.Response.StatusCode >= 500) return false;
                await CompleteAsync(ct);
                return true;
            }, http.RequestAborted);
        }
        catch (DomainRuleException) when (keptRefusal)
        {
            // Committed with its stored answer: answered like any other stored answer.
            answered = true;
        }
        catch (KeyTakenOverException)
        {
            // Another run of this request took the key over after its lease and answered first; this run's work is rolled back.
            http.Response.Body = original;
            http.Response.Clear();
            await InProgressAsync(http, problems);
            return;
        }
        catch
        {
            // The exception handler answers on the real body; the reservation is given up (or expires after its lease).
            http.Response.Body = original;
            await AbandonAsync(store, operatorId, key, logger);
            throw;
        }
        http.Response.Body = original;
        if (!answered) await AbandonAsync(store, operatorId, key, logger);
        buffer.Position = 0;
        await buffer.CopyToAsync(original, CancellationToken.None);
    }

    private sealed class KeyTakenOverException : Exception;

    /// <summary>
    /// Whose key: the signed-in operator's id; on an endpoint keyed by certificate (the citizen's), the presented certificate (its
    /// issuer and serial, as the certificate scheme put them in the principal) as a GUID drawn from their keyed digest — never the
    /// operator's token there.
    /// </summary>
    private static Guid? PrincipalOf(HttpContext http, IdempotencyKeyOwner owner, IKeyedDigest digest)
    {
        if (owner == IdempotencyKeyOwner.Certificate)
        {
            if (http.User.FindFirst(CmsClaims.CertificateSerial)?.Value is not { Length: > 0 } serial
                || http.User.FindFirst(CmsClaims.CertificateIssuer)?.Value is not { Length: > 0 } issuer)
                return null;
            var hex = digest.Compute(System.Text.Encoding.UTF8.GetBytes(issuer + "\n" + serial), "idempotency citizen certificate");
            return Guid.ParseExact(hex[..32], "N");
        }
        return Guid.TryParse(http.User.FindFirst(CmsClaims.OperatorId)?.Value, out var operatorId) ? operatorId : null;
    }

    private static async Task<byte[]> BodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy, cancellationToken);
        request.Body.Position = 0;
        return copy.ToArray();
    }

    /// <summary>Gives the key back so that a retry runs again; when the database is gone too, its lease does that later.</summary>
    private static async Task AbandonAsync(IIdempotencyStore store, Guid operatorId, string key, ILogger logger)
    {
        try
        {
            await store.AbandonAsync(operatorId, key, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning("Idempotency key not released ({ExceptionType}); it expires after its lease", e.GetType().Name);
        }
    }

    private static Task InProgressAsync(HttpContext http, IProblemDetailsService problems) =>
        Problem(http, problems, 409, "idempotency-request-in-progress", "Una richiesta con questa Idempotency-Key è ancora in corso: riprovare tra poco.");

    private static async Task Problem(HttpContext http, IProblemDetailsService problems, int status, string rule, string detail)
    {
        http.Response.StatusCode = status;
        var problem = new ProblemDetails { Type = ProblemTypes.For(rule), Title = "Idempotency-Key", Status = status, Detail = detail };
        problem.Extensions["rule"] = rule;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }

    [GeneratedRegex("^[A-Za-z0-9_\\-:.]{1,100}$")]
    private static partial Regex KeyPattern();
}
