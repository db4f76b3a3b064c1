
namespace Cms.Application.Requests;

/// <summary>
/// Who asks when another region's Cms sends a counter operation here [SPEC §3.11]: the peer (its id stands for the
/// operator) and the counter code under which this region records it (<c>INTEROP-&lt;region&gt;</c>).
/// </summary>
public sealed record PeerOrigin(Guid PeerId, string Region, string CounterCode);

