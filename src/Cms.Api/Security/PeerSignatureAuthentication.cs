using Cms.Domain.Common;
using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Cms.Application.Interop.Common;
using Cms.Application.Interop.Contracts;
using Cms.Domain.Administration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Cms.Api.Security;

/// <summary>
/// Deprecated (decision 0059: the ModI profile, <see cref="ModiAuthentication"/>, replaces it; used only while
/// Interop:LegacyHmac is on, for a peer registered with a secret and no certificate). Authenticates another region's Cms on the
/// inbound interop endpoints [SPEC §3.11]: the region it names must be a
/// registered, enabled peer; the timestamp within five minutes of this clock; the HMAC-SHA256 over method, path,
/// timestamp, region and body right under the secret the two regions share; and the signature never seen before (a
/// replayed request is refused even inside the window). The peer becomes a principal with the PeerRegion role, its own
/// id and the counter code <c>INTEROP-&lt;region&gt;</c>, under which this region records what it asks.
/// </summary>
public sealed class PeerSignatureAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IPeerDirectory peers, IPeerSignatureLedger signatures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PeerSignature";
    private const string FailureKey = "cms:peer-auth-failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers;
        string region = headers[PeerSignature.RegionHeader].ToString(), stamp = headers[PeerSignature.TimestampHeader].ToString(),
            signature = headers[PeerSignature.SignatureHeader].ToString();
        if (region.Length == 0 && signature.Length == 0) return AuthenticateResult.NoResult();
        if (region.Length != 3 || signature.Length is 0 or > 200 || !long.TryParse(stamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return Fail("Intestazioni di firma incomplete.");
        var peer = await peers.FindAsync(region, Context.RequestAborted);
        if (peer is null || !peer.Enabled) return Fail("Regione non collegata a questo CMS.");
        // Deprecated (decision 0059): only for a peer with a shared secret and no certificate yet, never as a way around ModI.
        if (peer.Secret is null || peer.HasCertificates) return Fail("Per questa Regione vale il profilo ModI: lo schema HMAC non è accettato.");
        // Compared as plain seconds: a timestamp far out of range is refused, not an exception.
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - Math.Clamp(seconds, 0, 253_402_300_799)) > (long)PeerSignature.Skew.TotalSeconds) return Fail("Richiesta fuori tempo: orologi non allineati o richiesta ripetuta.");

        Request.EnableBuffering();
        using var buffer = new MemoryStream();
        await Request.Body.CopyToAsync(buffer, Context.RequestAborted);
        Request.Body.Position = 0;
        var expected = PeerSignature.Compute(peer.Secret, Request.Method, Request.Path.Value ?? "", seconds, region, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        if (!PeerSignature.Matches(expected, signature)) return Fail("Firma non valida.");
        if (!await signatures.FirstTimeAsync(region, signature, Context.RequestAborted)) return Fail("Richiesta già ricevuta (ripetizione).");

        var identity = new ClaimsIdentity(
        [
            new Claim(CmsClaims.OperatorId, peer.Id.ToString()),
            new Claim(CmsClaims.Region, region),
            new Claim(CmsClaims.Counter, peer.CounterCode),
            new Claim(CmsClaims.Role, Role.PeerRegion),
            new Claim(CmsClaims.Name, peer.Name),
        ], SchemeName, CmsClaims.Name, CmsClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Fail(string reason)
    {
        Context.Items[FailureKey] = reason;
        return AuthenticateResult.Fail(reason);
    }

    /// <summary>401 as a problem that says why (the peer's operators read it in their request's status).</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.ContentType = "application/problem+json";
        var detail = Context.Items[FailureKey] as string ?? "Richiesta non firmata da una Regione collegata.";
        await Response.WriteAsJsonAsync(new
        {
            type = "urn:cms:problem:peer-authentication-failed",
            title = "Regione non autenticata",
            status = 401,
            detail,
            rule = "peer-authentication-failed",
            instance = Request.Path.Value,
        }, options: (System.Text.Json.JsonSerializerOptions?)null, contentType: "application/problem+json");
    }
}
