using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Identification.Contracts;
using Cms.Application.Reporting.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Reporting.GetAuditAlerts;

/// <summary>
/// Signals that a counter may be collecting both halves of someone's codes [SPEC §3.10]: one e-mail address or mobile number
/// given for more than 3 different holders in 30 days; an operator whose volume, or whose share of reprints and
/// revocations, is far above the region's; repeated CIP lockouts. Each signal comes with the operations behind it.
/// </summary>
public sealed record GetAuditAlertsQuery(int? Days) : IQuery<AuditAlerts>, IAuditedMessage
{
    public OperationType OperationType => OperationType.AuditConsultation;
}

public enum AlertKind
{
    SharedRecipient,
    OperatorVolume,
    OperatorReprintRevocationRatio,
    RepeatedCipLockouts,
}

public sealed record AuditAlert(AlertKind Kind, string Subject, string Description, IReadOnlyList<AuditOperationView> Operations);

public sealed record AuditAlerts(int Days, DateTimeOffset Since, IReadOnlyList<AuditAlert> Alerts, DateTimeOffset GeneratedAt);

public sealed class GetAuditAlertsValidator : AbstractValidator<GetAuditAlertsQuery>
{
    public GetAuditAlertsValidator() => RuleFor(q => q.Days).InclusiveBetween(1, 366).When(q => q.Days is not null);
}

public sealed class GetAuditAlertsHandler(ICmsDbContext db, IIdentificationReadModels identification, TimeProvider clock, AuditScope audit) : IQueryHandler<GetAuditAlertsQuery, AuditAlerts>
{
    /// <summary>More holders than this on one address is a signal.</summary>
    public const int HoldersPerRecipient = 3;
    /// <summary>"Far above": this many times the region's average per operator (with at least <see cref="MinimumOperations"/>).</summary>
    public const double FarAbove = 3.0;
    public const int MinimumOperations = 10;
    private const int OperationsPerAlert = 50;

    public async ValueTask<AuditAlerts> Handle(GetAuditAlertsQuery query, CancellationToken cancellationToken)
    {
        var days = query.Days ?? 30;
        var now = clock.GetUtcNow();
        var since = now.AddDays(-days);
        audit.Detail = $"alerts days={days}";
        var alerts = new List<AuditAlert>();
        var done = CounterOperations.Done(db.Operations.AsNoTracking().Where(o => o.OccurredAt >= since));

        // 1. One address for several holders: the second halves of many people going to one mailbox or phone, however the
        // address was written (gmail's dots and +tags, 0039…: the normalised form of decision 0034).
        var pairs = await (
                from m in db.CodeMessages.AsNoTracking()
                where m.CreatedAt >= since
                join c in identification.CardHolders on m.CardNumber equals c.CardNumber
                select new { m.Channel, m.Recipient, c.HolderCodiceFiscale })
            .Distinct().ToListAsync(cancellationToken);
        var shared = pairs.GroupBy(p => RecipientAddresses.Normalise(p.Channel, p.Recipient))
            .Select(g => new
            {
                Recipient = g.Key, Spellings = g.Select(p => p.Recipient).Distinct().ToList(),
                Holders = g.Select(p => p.HolderCodiceFiscale).Distinct().Count(),
            })
            .Where(s => s.Holders > HoldersPerRecipient)
            .OrderBy(s => s.Recipient, StringComparer.Ordinal)
            .ToList();
        foreach (var s in shared)
        {
            var cards = await db.CodeMessages.AsNoTracking().Where(m => s.Spellings.Contains(m.Recipient) && m.CreatedAt >= since)
                .Select(m => m.CardNumber).Distinct().ToListAsync(cancellationToken);
            var behind = await done.Where(o => o.CardNumber != null && cards.Contains(o.CardNumber)
                    && (o.Type == OperationType.Activation || o.Type == OperationType.Reprint))
                .OrderBy(o => o.Sequence).Take(OperationsPerAlert).ToListAsync(cancellationToken);
            alerts.Add(new AuditAlert(AlertKind.SharedRecipient, Mask(s.Recipient),
                $"Lo stesso recapito ha ricevuto la seconda parte dei codici di {s.Holders} assistiti diversi in {days} giorni.",
                behind.Select(AuditOperationView.From).ToList()));
        }

        // 2. Operators far above the region: volume, and share of reprints and revocations.
        var perOperator = await done.Where(o => o.OperatorId != null)
            .GroupBy(o => new { o.OperatorId, o.OperatorCodiceFiscale, o.Region })
            .Select(g => new
            {
                g.Key.OperatorId, g.Key.OperatorCodiceFiscale, g.Key.Region, Total = g.Count(),
                Sensitive = g.Count(o => o.Type == OperationType.Reprint || o.Type == OperationType.Revocation),
            })
            .ToListAsync(cancellationToken);
        foreach (var region in perOperator.GroupBy(o => o.Region))
        {
            var operators = region.ToList();
            if (operators.Count < 2) continue;
            foreach (var op in operators)
            {
                var others = operators.Where(o => o.OperatorId != op.OperatorId).ToList();
                var averageVolume = others.Average(o => o.Total);
                var othersTotal = others.Sum(o => o.Total);
                var regionShare = othersTotal == 0 ? 0 : (double)others.Sum(o => o.Sensitive) / othersTotal;
                var share = (double)op.Sensitive / op.Total;
                if (op.Total >= MinimumOperations && op.Total > FarAbove * averageVolume)
                    alerts.Add(await OperatorAlertAsync(AlertKind.OperatorVolume, op.OperatorId!.Value, op.OperatorCodiceFiscale,
                        $"{op.Total} operazioni in {days} giorni contro una media di {averageVolume:0.#} degli altri operatori della regione.", done, null,
                        cancellationToken));
                if (op.Sensitive >= MinimumOperations && share > FarAbove * Math.Max(regionShare, 0.01) && share > regionShare)
                    alerts.Add(await OperatorAlertAsync(AlertKind.OperatorReprintRevocationRatio, op.OperatorId!.Value, op.OperatorCodiceFiscale,
                        $"Ristampe e revoche sono il {share:P0} delle sue operazioni contro il {regionShare:P0} degli altri operatori della regione.", done,
                        [OperationType.Reprint, OperationType.Revocation], cancellationToken));
            }
        }

        // 3. Repeated CIP lockouts: a counter that keeps locking cards, or a card locked again and again.
        var lockouts = await db.Operations.AsNoTracking()
            .Where(o => o.OccurredAt >= since && o.Type == OperationType.Revocation && o.Outcome == OperationOutcome.Rejected && o.Detail == "cip-locked")
            .OrderBy(o => o.Sequence).ToListAsync(cancellationToken);
        foreach (var counter in lockouts.GroupBy(o => o.CounterCode).Where(g => g.Select(o => o.CardNumber).Distinct().Count() >= 2))
            alerts.Add(new AuditAlert(AlertKind.RepeatedCipLockouts, counter.Key ?? "-",
                $"Blocchi della verifica del CIP su {counter.Select(o => o.CardNumber).Distinct().Count()} tessere diverse dallo stesso sportello in {days} giorni.",
                counter.Take(OperationsPerAlert).Select(AuditOperationView.From).ToList()));
        foreach (var card in lockouts.GroupBy(o => o.CardNumber).Where(g => g.Select(o => o.OccurredAt.Date).Distinct().Count() >= 2))
            alerts.Add(new AuditAlert(AlertKind.RepeatedCipLockouts, card.Key ?? "-",
                $"La verifica del CIP della tessera è stata bloccata in {card.Select(o => o.OccurredAt.Date).Distinct().Count()} giorni diversi.",
                card.Take(OperationsPerAlert).Select(AuditOperationView.From).ToList()));

        return new AuditAlerts(days, since, alerts, now);
    }

    private static async Task<AuditAlert> OperatorAlertAsync(AlertKind kind, Guid operatorId, string? codiceFiscale, string description,
        IQueryable<OperationEntry> done, OperationType[]? types, CancellationToken cancellationToken)
    {
        var behind = done.Where(o => o.OperatorId == operatorId);
        if (types is not null) behind = behind.Where(o => types.Contains(o.Type));
        var list = await behind.OrderBy(o => o.Sequence).Take(OperationsPerAlert).ToListAsync(cancellationToken);
        return new AuditAlert(kind, codiceFiscale ?? operatorId.ToString(), description, list.Select(AuditOperationView.From).ToList());
    }

    /// <summary>Auditors see that an address is shared, not the address: a***@example.it, +39333****567.</summary>
    public static string Mask(string recipient) => RecipientAddresses.Mask(recipient);
}
