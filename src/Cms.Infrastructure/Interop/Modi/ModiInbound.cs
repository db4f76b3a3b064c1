using Cms.Application.Interop.Contracts;

namespace Cms.Infrastructure.Interop.Modi;

/// <summary>An inbound call as the checks see it: the URL this region is called at (its audience), the headers, the body.</summary>
public sealed record InboundCall(string Audience, string? Authorization, string? Digest, string? Signature, string? TrackingEvidence,
    string? ContentType, byte[] Body);

/// <summary>A call whose every part was checked: the peer, the tokens' ids (for the ledger), and the operator it names.</summary>
public sealed record InboundCaller(PeerCredentials Peer, IReadOnlyList<string> Jtis, TrackingEvidence Evidence, string SignatureJti);

/// <summary>A refused call: the problem's rule and words, and what is known for signing the refusal (the region, the request's jti).</summary>
public sealed record InboundRefusal(string Rule, string Detail, string? Region, string? RequestJti);

/// <summary>
/// Checks every part of an inbound ModI call (decision 0059, docs/interop.md "Checks"), in this order: the headers are there;
/// the signing region (the INTEGRITY_REST_01 token's <c>iss</c>) is a registered, enabled peer; each token's x5c chain ends in
/// what is registered for it, its signature, issuer, audience (this region's URL called), time window and lifetime hold; the
/// digest is the body's and the signed headers are the request's; the ID_AUTH_REST_02 token (or the PDND voucher) and the
/// AUDIT_REST_02 tracking evidence are the same region's and bound together; each jti is used once (the ledger, last).
/// </summary>
public sealed partial class ModiInbound(ModiTokens tokens, IPeerDirectory peers, IPeerSignatureLedger ledger, IVoucherCheck vouchers)
{
    public async Task<(InboundCaller? Caller, InboundRefusal? Refusal)> CheckAsync(InboundCall call, CancellationToken cancellationToken)
    {
        var region = ModiTokens.UnverifiedIssuer(call.Signature);
        var requestJti = ModiTokens.UnverifiedId(call.Signature);
        (InboundCaller?, InboundRefusal?) Refuse(string rule, string detail) => (null, new InboundRefusal(rule, detail, region, requestJti));

        if (string.IsNullOrEmpty(call.Signature)) return Refuse("modi-header-missing", $"Manca l'intestazione {ModiProfile.SignatureHeader} (INTEGRITY_REST_01).");
        if (string.IsNullOrEmpty(call.Digest)) return Refuse("modi-header-missing", $"Manca l'intestazione {ModiProfile.DigestHeader}.");
        var bearer = call.Authorization is { } a && a.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? a["Bearer ".Length..].Trim() : null;
        if (string.IsNullOrEmpty(bearer)) return Refuse("modi-header-missing", "Manca l'intestazione Authorization: Bearer (ID_AUTH_REST_02 o voucher PDND).");
        if (region is null || region.Length != 3 || !region.All(char.IsAsciiDigit))
            return Refuse("modi-token-malformed", $"{ModiProfile.SignatureHeader}: non è un JWS leggibile, o il suo iss non è un codice di Regione.");
        var peer = await peers.FindAsync(region, cancellationToken);
        if (peer is null || !peer.Enabled) return Refuse("modi-peer-unknown", $"La Regione {region} non è collegata a questo CMS.");

        // INTEGRITY_REST_01: the signature token, the digest of the body, the signed headers.
        var (signature, refused) = await tokens.CheckAsync(call.Signature, peer, call.Audience, subject: true, ModiProfile.SignatureHeader);
        if (refused is not null) return Refuse(refused.Rule, refused.Detail);
        if (call.Digest != ModiProfile.DigestOf(call.Body))
            return Refuse("modi-digest-mismatch", "Il Digest non corrisponde al corpo della richiesta: il corpo è stato modificato o il Digest è errato.");
        if (!ModiTokens.SignsHeaders(signature!, call.Digest, call.ContentType))
            return Refuse("modi-signed-headers-mismatch",
                $"Le intestazioni firmate (signed_headers di {ModiProfile.SignatureHeader}) non sono quelle della richiesta (Digest, Content-Type).");

        // AUDIT_REST_02: present, signed by the same region, naming the operator and the counter.
        if (string.IsNullOrEmpty(call.TrackingEvidence))
            return Refuse("modi-tracking-evidence-invalid", $"Manca l'intestazione {ModiProfile.TrackingEvidenceHeader} (AUDIT_REST_02).");
        var (evidence, evidenceRefused) = await tokens.CheckAsync(call.TrackingEvidence, peer, call.Audience, subject: false,
            ModiProfile.TrackingEvidenceHeader);
        if (evidenceRefused is not null) return Refuse("modi-tracking-evidence-invalid", evidenceRefused.Detail);
        // What goes into this region's trail is held to its form: a codice fiscale, a counter code, a level of the eIDAS scale.
        var user = evidence!.Text("userID");
        var location = evidence.Text("userLocation");
        var loa = evidence.Text("LoA");
        if (user is null || !UserId().IsMatch(user) || location is null || !Location().IsMatch(location) || loa is not ("low" or "substantial" or "high"))
            return Refuse("modi-tracking-evidence-invalid",
                $"{ModiProfile.TrackingEvidenceHeader}: userID (codice fiscale), userLocation (codice dello sportello) o LoA (low, substantial, high) mancano o non sono validi.");
        var evidenceDigest = ModiProfile.EvidenceDigest(call.TrackingEvidence);
        if (!ModiTokens.BindsEvidence(signature!, "audit_digest", evidenceDigest))
            return Refuse("modi-tracking-evidence-invalid",
                $"{ModiProfile.TrackingEvidenceHeader}: non è quella legata alla firma della richiesta (claim audit_digest di {ModiProfile.SignatureHeader}).");

        // ID_AUTH_REST_02 (or the PDND voucher): the same region, bound to this tracking evidence.
        string authJti;
        if (vouchers.Enabled)
        {
            var (voucherJti, voucherRefused) = await vouchers.CheckAsync(bearer, peer, evidenceDigest, cancellationToken);
            if (voucherRefused is not null) return Refuse(voucherRefused.Rule, voucherRefused.Detail);
            authJti = "voucher:" + voucherJti;
        }
        else
        {
            var (idAuth, idRefused) = await tokens.CheckAsync(bearer, peer, call.Audience, subject: true, "Authorization");
            if (idRefused is not null) return Refuse(idRefused.Rule, idRefused.Detail);
            if (!ModiTokens.BindsEvidence(idAuth!, "digest", evidenceDigest))
                return Refuse("modi-tracking-evidence-invalid",
                    $"{ModiProfile.TrackingEvidenceHeader}: non è quella legata al token di autenticazione (claim digest).");
            authJti = "auth:" + idAuth!.Jti;
        }

        // Last, once everything holds: each token is accepted once (a replay inside the window is refused).
        var jtis = new[] { authJti, "sig:" + signature!.Jti, "audit:" + evidence.Jti };
        if (!await ledger.FirstTimeAllAsync(peer.Region, jtis, cancellationToken))
            return Refuse("modi-token-replayed", "Richiesta già ricevuta: un token (jti) è stato riutilizzato.");
        return (new InboundCaller(peer, jtis, new TrackingEvidence(user, location, loa, evidence.Jti, call.TrackingEvidence), signature.Jti), null);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Z0-9]{16}$")]
    private static partial System.Text.RegularExpressions.Regex UserId();

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    private static partial System.Text.RegularExpressions.Regex Location();
}

/// <summary>The PDND voucher's check on the inbound side (decision 0060): off unless an authorization server is configured.</summary>
public interface IVoucherCheck
{
    bool Enabled { get; }

    /// <summary>The voucher's jti when it is valid for this region and issued to <paramref name="peer"/>'s client id; else why not.</summary>
    Task<(string? Jti, TokenRefusal? Refusal)> CheckAsync(string voucher, PeerCredentials peer, string evidenceDigest, CancellationToken cancellationToken);
}

/// <summary>The PDND voucher on the sending side (decision 0060): off unless an authorization server is configured.</summary>
public interface IVoucherSource
{
    bool Enabled { get; }

    /// <summary>A voucher for calling <paramref name="peer"/>, bound to <paramref name="trackingEvidence"/> (AUDIT_REST_02).</summary>
    Task<string> VoucherAsync(PeerCredentials peer, string trackingEvidence, CancellationToken cancellationToken);
}
