using Cms.Application.Requests;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Readers;
using Cms.Domain.Requests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Readers.Common;

public sealed record ReaderCountView(ReaderLimitScope Scope, int Limit, int HolderReaders, int? HouseholdReaders, DateTimeOffset? LastDeliveredAt,
    bool OverrideRequired, string Message);

public sealed record ReaderDeliverySummary(
    string CardNumber, CardState CardState, DateOnly CardExpiryDate, HolderView Holder, string? HouseholdId, ReaderCountView Readers,
    string? OverrideReason, string? ReaderSerial, bool FormPrinted, DateTimeOffset? FormPrintedAt, string CounterCode, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, IReadOnlyList<string> Documents, IReadOnlyList<string> NextSteps);

public sealed record ReaderDeliveryResponse(Guid Id, RequestStatus Status, ReaderDeliverySummary Summary, string? Message);

public static class ReaderDocumentNames
{
    public const string RequestForm = "modulo-richiesta-lettore";

    public static IReadOnlyList<string> Available(RequestStatus status) =>
        status is RequestStatus.Pending or RequestStatus.Completed ? [RequestForm] : [];
}

/// <summary>Loading a reader delivery (own counter only), counting the readers already handed out, building the summary.</summary>
public sealed class ReaderDeliveries(CounterRequestLoader loader, IReadersData db, ICardDirectory cards, IOptions<ReaderRuleOptions> options)
{
    public ReaderRuleOptions Rule => options.Value;

    public Task<ReaderDelivery> LoadAsync(Guid id, CancellationToken cancellationToken, bool forUpdate = false) =>
        loader.LoadAsync<ReaderDelivery>(id, "Richiesta di consegna lettore non trovata.", cancellationToken, forUpdate);

    public Task<CardView> CardAsync(string cardNumber, CancellationToken cancellationToken) => cards.RequireCardAsync(cardNumber, cancellationToken);

    public static void EnsureActive(CardView card) =>
        CardRules.EnsureState(card.State, CardState.Active, "card-not-active", "Il lettore si consegna solo al titolare di una tessera attiva.");

    /// <summary>
    /// Serialises deliveries to one household (or holder) until the transaction ends, so that two counters cannot both
    /// hand out "the" reader of a household at the same moment.
    /// </summary>
    public Task LockHouseholdAsync(string holderCodiceFiscale, string? householdId, CancellationToken cancellationToken)
    {
        var key = "readers:" + (householdId ?? holderCodiceFiscale);
        return db.LockKeyAsync(key, cancellationToken);
    }

    /// <summary>Readers handed out so far (confirmed deliveries), to the holder and to the household.</summary>
    public async Task<ReaderCount> CountAsync(string holderCodiceFiscale, string? householdId, CancellationToken cancellationToken)
    {
        var done = db.ReaderDeliveries.AsNoTracking().Where(r => r.Status == RequestStatus.Completed);
        var holder = await done.Where(r => r.HolderCodiceFiscale == holderCodiceFiscale)
            .GroupBy(_ => 1).Select(g => new { Count = g.Count(), Last = g.Max(r => r.CompletedAt) }).SingleOrDefaultAsync(cancellationToken);
        int? household = null;
        DateTimeOffset? last = holder?.Last;
        if (householdId is not null)
        {
            var h = await done.Where(r => r.HouseholdId == householdId)
                .GroupBy(_ => 1).Select(g => new { Count = g.Count(), Last = g.Max(r => r.CompletedAt) }).SingleOrDefaultAsync(cancellationToken);
            household = h?.Count ?? 0;
            if (h?.Last is { } hl && (last is null || hl > last)) last = hl;
        }
        return new ReaderCount(Rule.Scope, holder?.Count ?? 0, household, last);
    }

    public ReaderDeliveryResponse Response(ReaderDelivery r, CardView card, ReaderCount count, DateTimeOffset now, string? message = null)
    {
        var status = r.StatusAt(now);
        var next = new List<string>();
        if (status == RequestStatus.Pending)
        {
            if (r.FormPrintedAt is null) next.Add("print-" + ReaderDocumentNames.RequestForm);
            next.Add("confirm");
        }
        var overrideRequired = status == RequestStatus.Pending && count.Counted >= Rule.Limit;
        return new ReaderDeliveryResponse(r.Id, status, new ReaderDeliverySummary(
            r.CardNumber, card.State, card.ExpiryDate, card.Holder, r.HouseholdId,
            new ReaderCountView(count.Scope, Rule.Limit, count.Holder, count.Household, count.LastDeliveredAt, overrideRequired, count.Message),
            r.OverrideReason, r.ReaderSerial, r.FormPrintedAt is not null, r.FormPrintedAt, r.CounterCode, r.CreatedAt, r.ExpiresAt,
            ReaderDocumentNames.Available(status), next), message);
    }
}
