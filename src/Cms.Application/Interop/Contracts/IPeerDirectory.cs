using System.Security.Cryptography.X509Certificates;
using Cms.Application.Interop.Common;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Interop.Contracts;

/// <summary>
/// A peer region as the transport sees it: where it answers and what it is trusted by (its certificates, the subject its
/// signing certificate must carry, its PDND client id), and, for the deprecated HMAC scheme only, its secret opened.
/// <see cref="HasCertificates"/> says whether certificates are registered at all (even if they no longer parse): a peer with
/// certificates is never heard nor called through the HMAC scheme.
/// </summary>
public sealed record PeerCredentials(Guid Id, string Region, string Name, string BaseUrl, bool Enabled, X509Certificate2Collection? Trusted,
    string? CertificateSubject, string? PdndClientId, byte[]? Secret, bool HasCertificates = false)
{
    public string CounterCode => Cms.Domain.Interop.Peer.CounterCodeOf(Region);

    /// <summary>Null when <paramref name="leaf"/> (with its chain) is this peer's at <paramref name="at"/>, else why not (Italian).</summary>
    public string? CheckCertificate(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> intermediates, DateTimeOffset at) =>
        Trusted is null
            ? "Per la Regione non è registrato alcun certificato."
            : PeerCertificates.Check(leaf, intermediates, Trusted, CertificateSubject, at);

    public override string ToString() => $"PeerCredentials {{ Region = {Region}, BaseUrl = {BaseUrl}, Enabled = {Enabled} }}";
}

/// <summary>The registry of peer regions as the transport sees it (the peer authentication, the interop sender).</summary>
public interface IPeerDirectory
{
    Task<PeerCredentials?> FindAsync(string region, CancellationToken cancellationToken);
}

internal sealed class PeerDirectory(IInteropData db, PeerSecrets secrets) : IPeerDirectory
{
    public async Task<PeerCredentials?> FindAsync(string region, CancellationToken cancellationToken)
    {
        var peer = await db.Peers.AsNoTracking().SingleOrDefaultAsync(p => p.RegionCode == region, cancellationToken);
        if (peer is null) return null;
        var trusted = peer.TrustCertificates is null ? null : PeerCertificates.Parse(peer.TrustCertificates, out _);
        return new PeerCredentials(peer.Id, peer.RegionCode, peer.Name, peer.BaseUrl, peer.Enabled, trusted, peer.CertificateSubject,
            peer.PdndClientId, peer.SecretKeyId is null || peer.SecretCiphertext is null ? null : secrets.Open(peer),
            HasCertificates: !string.IsNullOrWhiteSpace(peer.TrustCertificates));
    }
}

/// <summary>
/// The AUDIT_REST_02 tracking evidence of an inbound call (decision 0059): the operator (<c>userID</c>), the counter
/// (<c>userLocation</c>) and the level of assurance of their sign-in (<c>LoA</c>) at the requesting region, as that region
/// signed it; kept in this region's trail and, whole, with the inbound request.
/// </summary>
public sealed record TrackingEvidence(string UserId, string UserLocation, string? LoA, string Jti, string Token)
{
    public override string ToString() => $"TrackingEvidence {{ UserLocation = {UserLocation}, LoA = {LoA}, Jti = {Jti} }}";
}

/// <summary>The tracking evidence of the inbound call being handled, when it came through the ModI profile.</summary>
public interface IInboundEvidence
{
    TrackingEvidence? Current { get; }
}
