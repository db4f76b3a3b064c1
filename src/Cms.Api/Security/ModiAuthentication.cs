using System.Security.Claims;
using System.Text.Encodings.Web;
using Cms.Application.Interop.Contracts;
using Cms.Domain.Administration;
using Cms.Infrastructure.Interop;
using Cms.Infrastructure.Interop.Modi;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Cms.Api.Security;

/// <summary>
/// Authenticates another region's Cms on the inbound interop endpoints under the AgID ModI profile (decision 0059,
/// docs/interop.md): ID_AUTH_REST_02 (or a PDND voucher) in Authorization, INTEGRITY_REST_01 in Agid-JWT-Signature with the
/// Digest of the body, AUDIT_REST_02 in Agid-JWT-TrackingEvidence; every part checked by <see cref="ModiInbound"/>. The peer
/// becomes a principal with the PeerRegion role, its own id and the counter code <c>INTEROP-&lt;region&gt;</c>; the tracking
/// evidence goes with the request (<see cref="IInboundEvidence"/>). Each refusal is a 401 with its own problem type.
/// </summary>
public sealed class ModiAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ModiInbound inbound,
    IOptions<InteropOptions> interop)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Modi";
    /// <summary>The policy scheme of the inbound endpoints: ModI, or the deprecated HMAC for a call that carries its headers.</summary>
    public const string PeerScheme = "Peer";
    private const string FailureKey = "cms:modi-failure";
    public const string EvidenceKey = "cms:modi-evidence";
    /// <summary>The verified jti of the call's Agid-JWT-Signature: the answer is bound to it (only once the call is authenticated).</summary>
    public const string RequestJtiKey = "cms:modi-request-jti";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers;
        if (headers.Authorization.Count == 0 && !headers.ContainsKey(ModiProfile.SignatureHeader)) return AuthenticateResult.NoResult();
        if (interop.Value.PublicUrl is not { } publicUrl)
            return Fail("interop-not-configured", "Questo CMS non ha configurato l'indirizzo con cui le Regioni lo chiamano (Interop:PublicUrl).");
        Request.EnableBuffering();
        using var buffer = new MemoryStream();
        await Request.Body.CopyToAsync(buffer, Context.RequestAborted);
        Request.Body.Position = 0;
        var (caller, refusal) = await inbound.CheckAsync(new InboundCall(publicUrl + Request.Path.Value, headers.Authorization.ToString(),
            headers[ModiProfile.DigestHeader].ToString(), headers[ModiProfile.SignatureHeader].ToString(),
            headers[ModiProfile.TrackingEvidenceHeader].ToString(), Request.ContentType, buffer.ToArray()), Context.RequestAborted);
        if (refusal is not null)
        {
            Logger.LogWarning("ModI call refused: {Rule} (region {Region})", refusal.Rule, refusal.Region);
            return Fail(refusal.Rule, refusal.Detail);
        }
        var peer = caller!.Peer;
        Context.Items[EvidenceKey] = caller.Evidence;
        Context.Items[RequestJtiKey] = caller.SignatureJti;
        var identity = new ClaimsIdentity(
        [
            new Claim(CmsClaims.OperatorId, peer.Id.ToString()),
            new Claim(CmsClaims.Region, peer.Region),
            new Claim(CmsClaims.Counter, peer.CounterCode),
            new Claim(CmsClaims.Role, Role.PeerRegion),
            new Claim(CmsClaims.Name, peer.Name),
        ], SchemeName, CmsClaims.Name, CmsClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Fail(string rule, string detail)
    {
        Context.Items[FailureKey] = (rule, detail);
        return AuthenticateResult.Fail(rule);
    }

    /// <summary>401 as a problem naming the check that failed (the peer's operators read it in their request's status).</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var (rule, detail) = Context.Items[FailureKey] is (string r, string d)
            ? (r, d)
            : ("modi-header-missing", "Richiesta senza le intestazioni del profilo ModI (Authorization, Agid-JWT-Signature, Digest, Agid-JWT-TrackingEvidence).");
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await Response.WriteAsJsonAsync(new
        {
            type = "urn:cms:problem:" + rule,
            title = "Regione non autenticata",
            status = 401,
            detail,
            rule,
            instance = Request.Path.Value,
        }, options: (System.Text.Json.JsonSerializerOptions?)null, contentType: "application/problem+json");
    }
}

/// <summary>The tracking evidence of the inbound call being handled (set by <see cref="ModiAuthentication"/>).</summary>
public sealed class HttpInboundEvidence(IHttpContextAccessor accessor) : IInboundEvidence
{
    public TrackingEvidence? Current => accessor.HttpContext?.Items[ModiAuthentication.EvidenceKey] as TrackingEvidence;
}

/// <summary>
/// Signs every answer of the inbound interop endpoints (INTEGRITY_REST_01 on the answer, decision 0059): Digest of the body
/// and Agid-JWT-Signature addressed to the calling region, refusals included. Only an answer to an authenticated call is
/// bound to its request (<c>request_jti</c>, the verified jti): a refusal before authentication (a 401, a 413) names no
/// request, so nobody can have this region sign a refusal of someone else's request by sending a forged token with its jti —
/// the sender acts only on an answer bound to its own request, and retries otherwise.
/// </summary>
public sealed class ModiAnswerSignature(RequestDelegate next)
{
    public const string Prefix = "/api/v1/interop/inbound";

    public async Task InvokeAsync(HttpContext context, ModiTokens tokens, IOptions<Cms.Application.Common.Options.CmsOptions> cms)
    {
        if (!context.Request.Path.StartsWithSegments(Prefix) || !tokens.CanSign)
        {
            await next(context);
            return;
        }
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        var body = buffer.ToArray();
        var signature = context.Request.Headers[ModiProfile.SignatureHeader].ToString();
        var region = ModiTokens.UnverifiedIssuer(signature) is { Length: 3 } r && r.All(char.IsAsciiDigit) ? r : "unknown";
        try
        {
            var signed = tokens.SignAnswer(cms.Value.Region, region, body, context.Response.ContentType ?? "",
                context.Items[ModiAuthentication.RequestJtiKey] as string, context.Response.StatusCode);
            context.Response.Headers[ModiProfile.DigestHeader] = signed.Digest;
            context.Response.Headers[ModiProfile.SignatureHeader] = signed.Signature;
        }
        catch (SigningIdentityMissingException e)
        {
            context.RequestServices.GetRequiredService<ILogger<ModiAnswerSignature>>().LogError("Inbound answer not signed: {Reason}", e.Message);
        }
        if (body.Length > 0)
        {
            context.Response.ContentLength = body.Length;
            await original.WriteAsync(body, context.RequestAborted);
        }
    }
}
