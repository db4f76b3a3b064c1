using Cms.Application.Interop.Contracts;
using Microsoft.Extensions.Options;

namespace Cms.Infrastructure.Interop.Modi;

/// <summary>
/// The PDND voucher in the ModI call (decision 0060), when Interop:Pdnd is configured: the sender asks the authorization server
/// for a voucher for the peer's inbound endpoints (<c>{peer}/api/v1/interop/inbound</c>), with a client assertion signed by this
/// region's ModI key and bound to the call's tracking evidence; it goes in <c>Authorization: Bearer</c> instead of the
/// ID_AUTH_REST_02 token.
/// </summary>
public sealed class PdndVoucherSource(PdndVoucherClient client, RegionSigningIdentity identity, IOptions<PdndOptions> options) : IVoucherSource
{
    public const string InboundPath = "/api/v1/interop/inbound";

    public bool Enabled => options.Value.Enabled;

    public Task<string> VoucherAsync(PeerCredentials peer, string trackingEvidence, CancellationToken cancellationToken) =>
        client.VoucherAsync(peer.BaseUrl + InboundPath, trackingEvidence, identity.Current.Certificate, cancellationToken);
}

/// <summary>
/// The receiver's check of a PDND voucher (decision 0060): valid under the server's JWKS, issuer and audience
/// (<c>Interop:PublicUrl</c> + <c>/api/v1/interop/inbound</c>) and time; issued to the calling peer's registered client id;
/// carrying the digest of the call's tracking evidence (AUDIT_REST_02); its jti goes to the ledger with the call's others.
/// </summary>
public sealed class PdndVoucherCheck(PdndVoucherValidator validator, IOptions<PdndOptions> options, IOptions<InteropOptions> interop) : IVoucherCheck
{
    public bool Enabled => options.Value.Enabled;

    public async Task<(string? Jti, TokenRefusal? Refusal)> CheckAsync(string voucher, PeerCredentials peer, string evidenceDigest,
        CancellationToken cancellationToken)
    {
        VoucherResult result;
        try
        {
            result = await validator.ValidateAsync(voucher, interop.Value.PublicUrl + PdndVoucherSource.InboundPath, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return (null, new TokenRefusal("pdnd-voucher-invalid", "Voucher PDND non verificabile: le chiavi del server di autorizzazione non sono raggiungibili."));
        }
        if (!result.Valid)
        {
            return (null, result.Reason switch
            {
                VoucherResult.Expired => new TokenRefusal("pdnd-voucher-expired", "Voucher PDND scaduto."),
                VoucherResult.Audience => new TokenRefusal("pdnd-voucher-audience", "Voucher PDND rilasciato per un'altra Regione (aud)."),
                VoucherResult.Issuer => new TokenRefusal("pdnd-voucher-issuer", "Voucher PDND non rilasciato dal server di autorizzazione configurato (iss)."),
                _ => new TokenRefusal("pdnd-voucher-invalid", "Voucher PDND non valido (firma, algoritmo o date)."),
            });
        }
        if (peer.PdndClientId is null || result.ClientId != peer.PdndClientId)
            return (null, new TokenRefusal("pdnd-voucher-client", "Voucher PDND rilasciato a un altro client: non è quello registrato per la Regione."));
        if (result.Jti is null) return (null, new TokenRefusal("pdnd-voucher-invalid", "Voucher PDND senza identificativo (jti)."));
        if (result.Digest is null || result.Digest.Alg != "SHA256" || !string.Equals(result.Digest.Value, evidenceDigest, StringComparison.OrdinalIgnoreCase))
            return (null, new TokenRefusal("modi-tracking-evidence-invalid",
                $"{ModiProfile.TrackingEvidenceHeader}: non è quella legata al voucher PDND (claim digest)."));
        return (result.Jti, null);
    }
}
