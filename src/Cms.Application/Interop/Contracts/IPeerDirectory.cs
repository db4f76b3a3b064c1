using Cms.Application.Common.Abstractions;
using Cms.Application.Interop.Common;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Interop.Contracts;

/// <summary>A peer region with its secret opened: for signing what is sent to it and checking what it sends.</summary>
public sealed record PeerCredentials(Guid Id, string Region, string Name, string BaseUrl, byte[] Secret, bool Enabled)
{
    public string CounterCode => Cms.Domain.Interop.Peer.CounterCodeOf(Region);
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
        return peer is null ? null : new PeerCredentials(peer.Id, peer.RegionCode, peer.Name, peer.BaseUrl, secrets.Open(peer), peer.Enabled);
    }
}
