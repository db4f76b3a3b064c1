namespace Cms.Application.Interop.Common;

/// <summary>Wakes the interop sender once the transaction that queued a request has committed.</summary>
public interface IInteropScheduler
{
    void Schedule(Guid requestId);
}
