using Cms.Application.Identification.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Documents;
using Cms.Application.Requests;
using Cms.Domain.Activation;
using Cms.Domain.Requests;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Activation.Contracts;

/// <summary>An activation as other modules see it: which card, which counter, whether it was confirmed.</summary>
public sealed record ActivationInfo(Guid Id, string CardNumber, string CounterCode, RequestStatus Status, DateTimeOffset? CodesPrintedAt = null);

/// <summary>What other modules (FSE consents collected at activation) may read of an activation.</summary>
public interface IActivationLookup
{
    Task<ActivationInfo?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// The model of the activation's printed codes (first halves included) once it is confirmed, else null. The first halves print
    /// once per release: this records the print (the activation's row locked until the transaction ends) and refuses a second one
    /// (<c>document-already-printed</c>), whichever form carried the first.
    /// </summary>
    Task<ActivationFormModel?> PrintCodesFormAsync(Guid id, Guid operatorId, CancellationToken cancellationToken);

    /// <summary>How the card's last completed activation at a counter was asked (direct, delegated…), or null when there is none.</summary>
    Task<RequestMode?> CompletedActivationModeAsync(string cardNumber, CancellationToken cancellationToken);
}

internal sealed class ActivationLookup(IActivationData db, CounterRequestForms forms, TimeProvider clock) : IActivationLookup
{
    public async Task<ActivationInfo?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var r = await db.ActivationRequests.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        return r is null ? null : new ActivationInfo(r.Id, r.CardNumber, r.CounterCode, r.StatusAt(clock.GetUtcNow()), r.CodesPrintedAt);
    }

    public async Task<ActivationFormModel?> PrintCodesFormAsync(Guid id, Guid operatorId, CancellationToken cancellationToken)
    {
        var r = await db.RowForUpdate<ActivationRequest>(id).SingleOrDefaultAsync(cancellationToken);
        if (r is null || r.Status != RequestStatus.Completed) return null;
        if (r.CodesPrintedAt is { } printedAt) throw CodesPrint.AlreadyPrinted(printedAt);
        var model = await forms.ModelAsync(r, withFirstHalves: true, "ACTIVATION", null, cancellationToken);
        r.MarkCodesPrinted(clock.GetUtcNow(), operatorId);
        return model;
    }

    public async Task<RequestMode?> CompletedActivationModeAsync(string cardNumber, CancellationToken cancellationToken) =>
        await db.ActivationRequests.AsNoTracking()
            .Where(a => a.CardNumber == cardNumber && a.Status == RequestStatus.Completed)
            .OrderByDescending(a => a.CompletedAt).Select(a => (RequestMode?)a.Mode).FirstOrDefaultAsync(cancellationToken);
}
