using System.Text.Json;
using Cms.Application.Common.Abstractions;
using Cms.Domain.Outbound;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Outbound;

/// <summary>Wakes the background caller once the transaction that queued a call has committed.</summary>
public interface IOutboundScheduler
{
    void Schedule(Guid callId);
}

/// <summary>
/// A check made just before a queued call of one kind is sent (every attempt): a call that no longer holds — the card it is about was
/// revoked or suspended while the call waited for its retries — is given up (FAILED with the reason) instead of being sent.
/// </summary>
public interface IOutboundCallPrecondition
{
    string Kind { get; }

    /// <summary>Null when the call may go; else why it must not (recorded as the call's last error).</summary>
    Task<string?> RefusalAsync(string payload, CancellationToken cancellationToken);
}

/// <summary>How a call to the certification authority or the FSE is shown: queued, sent, failed with attempts and last error.</summary>
public sealed record OutboundCallView(
    Guid Id, OutboundTarget Target, string Kind, OutboundCallStatus Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? SentAt,
    DateTimeOffset? NextAttemptAt, string? LastError);

/// <summary>
/// The outbox of calls to external systems (table outbound.calls): a call is written in the caller's transaction and
/// made by a background job after the commit, with retries, so that a confirmed operation never loses it.
/// </summary>
public sealed class OutboundCalls(ICmsDbContext db, IOutboundScheduler scheduler, AfterCommit afterCommit, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Queues the call in the caller's transaction; answers it as the operator sees it (QUEUED).</summary>
    public OutboundCallView Enqueue(OutboundTarget target, string kind, string reference, object payload)
    {
        var id = Guid.CreateVersion7();
        var body = JsonSerializer.Serialize(payload, payload.GetType(), Json);
        var call = new OutboundCall(id, target, kind, reference, body, clock.GetUtcNow());
        db.OutboundCalls.Add(call);
        afterCommit.Add(_ =>
        {
            scheduler.Schedule(id);
            return Task.CompletedTask;
        });
        return View(call);
    }

    public async Task<OutboundCallView?> FindAsync(Guid? id, CancellationToken cancellationToken)
    {
        if (id is null) return null;
        var call = await db.OutboundCalls.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        return call is null ? null : View(call);
    }

    public async Task<IReadOnlyDictionary<Guid, OutboundCallView>> FindManyAsync(IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Distinct().ToList();
        if (wanted.Count == 0) return new Dictionary<Guid, OutboundCallView>();
        var calls = await db.OutboundCalls.AsNoTracking().Where(c => wanted.Contains(c.Id)).ToListAsync(cancellationToken);
        return calls.ToDictionary(c => c.Id, View);
    }

    public static OutboundCallView View(OutboundCall c) => new(c.Id, c.Target, c.Kind, c.Status, c.Attempts, c.CreatedAt, c.SentAt,
        c.Status == OutboundCallStatus.Queued ? c.NextAttemptAt : null, c.LastError);
}
