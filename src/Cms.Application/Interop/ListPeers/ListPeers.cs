using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Application.Interop.RegisterPeer;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Interop.ListPeers;

/// <summary>The peer regions registered here, by region code.</summary>
public sealed record ListPeersQuery : IQuery<IReadOnlyList<PeerView>>;

public sealed class ListPeersValidator : AbstractValidator<ListPeersQuery>;

public sealed class ListPeersHandler(IInteropData db, IOptions<CmsOptions> options) : IQueryHandler<ListPeersQuery, IReadOnlyList<PeerView>>
{
    public async ValueTask<IReadOnlyList<PeerView>> Handle(ListPeersQuery query, CancellationToken cancellationToken)
    {
        var peers = await db.Peers.AsNoTracking().OrderBy(p => p.RegionCode).ToListAsync(cancellationToken);
        return peers.Select(p => RegisterPeerHandler.View(p, options.Value)).ToList();
    }
}
