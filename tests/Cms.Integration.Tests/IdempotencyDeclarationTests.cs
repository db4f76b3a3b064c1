using Cms.Api.Idempotency;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Cms.Integration.Tests;

/// <summary>
/// Idempotency by declaration (decision 0050): the middleware reads the matched endpoint's <see cref="IdempotentMetadata"/>, so a write
/// that forgets to declare it would silently answer a retry by running again. Every POST and PUT under /api/v1 declares it, or is
/// here with the reason it does not.
/// </summary>
public class IdempotencyDeclarationTests(CmsFactory factory) : ApiTest(factory)
{
    /// <summary>The writes that take no <c>Idempotency-Key</c>, and why (also in docs/architecture.md).</summary>
    public static readonly IReadOnlyDictionary<string, string> Exempt = new Dictionary<string, string>
    {
        // Sign-in: no operator yet to key the answer by, and the answer (a token) must never be stored or given twice.
        ["POST /api/v1/auth/token"] = "sign-in: nobody to key it by; a token is never stored",
        ["POST /api/v1/auth/certificate-token"] = "sign-in with the card: nobody to key it by; a token is never stored",
        ["POST /api/v1/auth/password"] = "anonymous (an expired password is changed before signing in); the passwords are never kept",
        // The card feed is idempotent by card number, and streamed: keying it would read the whole body first.
        ["POST /api/v1/issuer/card-feed"] = "idempotent by card number; a body of up to 2 GB is streamed, not buffered",
        // A read sent as a POST: repeating it is harmless, and its answer (personal data) is not kept.
        ["POST /api/v1/cards/identify"] = "a read: repeating it is harmless, its answer (personal data) is not kept",
    };

    // Reads the endpoints only: no database to clean.
    public override Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public void Every_post_and_put_under_the_api_declares_idempotency_or_is_a_documented_exemption()
    {
        var writes = Writes();
        Assert.NotEmpty(writes);
        var undeclared = writes.Where(w => !w.Declared && !Exempt.ContainsKey(w.Name)).Select(w => w.Name).ToList();
        Assert.True(undeclared.Count == 0,
            "These writes neither declare .Idempotent() nor are exempt (IdempotencyDeclarationTests.Exempt, with the reason):\n" + string.Join("\n", undeclared));
        // The exemptions are real endpoints that really take no key: a stale or contradicted entry would hide the next one.
        Assert.All(Exempt.Keys, name => Assert.Contains(writes, w => w.Name == name && !w.Declared));
    }

    [Fact]
    public void Only_writes_declare_idempotency_a_print_never_does()
    {
        // A GET answered from the store would hand the first halves out again past print-once (the middleware ignores it anyway).
        var declaredReads = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IdempotentMetadata>() is not null)
            .Where(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []).Any(m => m is not ("POST" or "PUT")))
            .Select(e => e.RoutePattern.RawText)
            .ToList();
        Assert.Empty(declaredReads);
    }

    [Fact]
    public void Only_the_citizens_renewal_keys_its_answers_by_the_certificate()
    {
        var byCertificate = Writes().Where(w => w.Owner == IdempotencyKeyOwner.Certificate).Select(w => w.Name);
        Assert.Equal(["POST /api/v1/citizen/renewals"], byCertificate);
    }

    private List<(string Name, bool Declared, IdempotencyKeyOwner? Owner)> Writes() =>
        Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])
                .Where(m => m is "POST" or "PUT")
                .Select(m => (Name: $"{m} {e.RoutePattern.RawText}", Declared: e.Metadata.GetMetadata<IdempotentMetadata>() is not null,
                    Owner: e.Metadata.GetMetadata<IdempotentMetadata>()?.Owner)))
            .ToList();
}
