using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Validation;
using Cms.Application.Reporting.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Reporting.ListAuditOperations;

/// <summary>
/// Every operation, filtered by region, counter, operator, type, card and period. JSON pages are keyset-paged
/// (<c>after</c> = the last <c>sequence</c> seen); CSV streams the whole selection. The query is recorded.
/// Without a period: in the trail's order (<c>sequence</c>), so that a client following the trail as it grows sees every entry
/// after its cursor. With a period: in time order (the trail's order among entries of one instant), the page going on after
/// the cursor's time and sequence — a cursor that names no entry (0, or one the replica has not received yet) goes on after
/// that sequence instead of ending the listing.
/// </summary>
/// <remarks>
/// Time order for a period, so that a page is read from the index by time and stops at its last row: ordered by sequence and
/// filtered by a period, PostgreSQL chose at 100,000,000 entries to walk the trail's key from its first entry until it found a
/// page of the period — 1.1 million pages read for a day's first page, 6.4 s (issue 29, decision 0063).
/// </remarks>
public sealed record ListAuditOperationsQuery(
    string? Region, string? Counter, string? Operator, string? Type, string? Card, string? From, string? To, long? After, int? Limit,
    string? Format) : IQuery<AuditOperationsResult>, IAuditedMessage
{
    public OperationType OperationType => OperationType.AuditConsultation;
    public bool Csv => string.Equals(Format, "csv", StringComparison.OrdinalIgnoreCase);
}

public sealed record AuditOperationsPage(IReadOnlyList<AuditOperationView> Operations, long? NextAfter, int Limit);

/// <summary>A page (JSON), or the rows to stream as CSV.</summary>
public sealed record AuditOperationsResult(AuditOperationsPage? Page, IAsyncEnumerable<byte[]>? CsvChunks);

public sealed class ListAuditOperationsValidator : AbstractValidator<ListAuditOperationsQuery>
{
    public ListAuditOperationsValidator()
    {
        ReportPeriod.Rules<ListAuditOperationsQuery>(this, q => q.From, q => q.To);
        RuleFor(q => q.Region).Matches("^[0-9]{3}$").WithErrorCode("invalid-region").When(q => q.Region is not null);
        RuleFor(q => q.Counter).MaximumLength(40);
        RuleFor(q => q.Operator).ValidCodiceFiscale().When(q => q.Operator is not null);
        RuleFor(q => q.Card).ValidCardNumber().When(q => q.Card is not null);
        RuleFor(q => q.Type).Must(ApiNames.IsValid<OperationType>).WithErrorCode("unknown-value")
            .WithMessage("Tipo di operazione non previsto (es. ACTIVATION, REVOCATION, READER_DELIVERY).");
        RuleFor(q => q.After).GreaterThanOrEqualTo(0).When(q => q.After is not null);
        RuleFor(q => q.Limit).InclusiveBetween(1, 1000).When(q => q.Limit is not null);
        RuleFor(q => q.Format).Must(f => f is null || f.Equals("json", StringComparison.OrdinalIgnoreCase) || f.Equals("csv", StringComparison.OrdinalIgnoreCase))
            .WithErrorCode("unknown-value").WithMessage("Formato non previsto: json o csv.");
    }
}

public sealed class ListAuditOperationsHandler(IReadSource reads, AuditScope audit) : IQueryHandler<ListAuditOperationsQuery, AuditOperationsResult>
{
    public async ValueTask<AuditOperationsResult> Handle(ListAuditOperationsQuery q, CancellationToken cancellationToken)
    {
        var period = ReportPeriod.Parse(q.From, q.To);
        audit.Detail = $"operations region={q.Region} counter={q.Counter} type={q.Type} card={q.Card} {q.From}..{q.To} {(q.Csv ? "csv" : "json")}";
        audit.CardNumber = q.Card;
        // On the replica for auditors when it is usable (decision 0056): the CSV stream reads after this handler returns, so it
        // takes the request's context; a page is read again on the primary should the replica fail under it.
        if (q.Csv)
        {
            var context = await reads.ContextAsync(nameof(ListAuditOperationsQuery), cancellationToken);
            var cursor = await CursorAsync(context, q, period, cancellationToken);
            return new AuditOperationsResult(null, Csv(Select(context, q, period, cursor), cancellationToken));
        }
        var limit = q.Limit ?? 100;
        var page = await reads.ReadAsync(nameof(ListAuditOperationsQuery), async (db, ct) =>
            await Select(db, q, period, await CursorAsync(db, q, period, ct)).Take(limit + 1).ToListAsync(ct), cancellationToken);
        var more = page.Count > limit;
        if (more) page.RemoveAt(page.Count - 1);
        return new AuditOperationsResult(new AuditOperationsPage(page.Select(AuditOperationView.From).ToList(), more ? page[^1].Sequence : null, limit), null);
    }

    private static bool ByTime(ReportPeriod period) => period.Start is not null || period.End is not null;

    /// <summary>The time of the entry the client last saw, when the listing is in time order (one probe by the trail's key).</summary>
    private static async Task<DateTimeOffset?> CursorAsync(ICmsDbContext db, ListAuditOperationsQuery q, ReportPeriod period, CancellationToken ct) =>
        q.After is { } after && ByTime(period)
            ? await db.Operations.AsNoTracking().Where(o => o.Sequence == after).Select(o => (DateTimeOffset?)o.OccurredAt).FirstOrDefaultAsync(ct)
            : null;

    private static IQueryable<OperationEntry> Select(ICmsDbContext db, ListAuditOperationsQuery q, ReportPeriod period, DateTimeOffset? seenAt)
    {
        var entries = db.Operations.AsNoTracking();
        if (q.Region is not null) entries = entries.Where(o => o.Region == q.Region);
        if (q.Counter is not null) entries = entries.Where(o => o.CounterCode == q.Counter);
        if (q.Operator is not null) entries = entries.Where(o => o.OperatorCodiceFiscale == q.Operator);
        if (ApiNames.Parse<OperationType>(q.Type) is { } type) entries = entries.Where(o => o.Type == type);
        if (q.Card is not null) entries = entries.Where(o => o.CardNumber == q.Card);
        entries = period.Apply(entries);
        if (!ByTime(period))
        {
            if (q.After is { } after) entries = entries.Where(o => o.Sequence > after);
            return entries.OrderBy(o => o.Sequence);
        }
        if (q.After is { } cursor)
            entries = seenAt is { } at
                ? entries.Where(o => o.OccurredAt >= at && (o.OccurredAt > at || o.Sequence > cursor))
                : entries.Where(o => o.Sequence > cursor);
        return entries.OrderBy(o => o.OccurredAt).ThenBy(o => o.Sequence);
    }

    private static async IAsyncEnumerable<byte[]> Csv(IQueryable<OperationEntry> entries, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(
            "Sequenza;Data e ora (UTC);Operazione;Esito;Operatore;Sportello;Regione;Tessera;Codice fiscale assistito;Richiesta;Dettaglio\r\n")];
        var line = new StringBuilder();
        var count = 0;
        await foreach (var e in entries.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            line.Append(e.Sequence.ToString(CultureInfo.InvariantCulture)).Append(';')
                .Append(e.OccurredAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append(';')
                .Append(CsvText.Cell(OperationTypes.Label(e.Type))).Append(';').Append(e.Outcome.ToString().ToUpperInvariant()).Append(';')
                .Append(CsvText.Cell(e.OperatorCodiceFiscale)).Append(';').Append(CsvText.Cell(e.CounterCode)).Append(';')
                .Append(CsvText.Cell(e.Region)).Append(';').Append(CsvText.Cell(e.CardNumber)).Append(';')
                .Append(CsvText.Cell(e.HolderCodiceFiscale)).Append(';').Append(CsvText.Cell(e.RequestId)).Append(';')
                .Append(CsvText.Cell(e.Detail)).Append("\r\n");
            if (++count % 500 == 0)
            {
                yield return Encoding.UTF8.GetBytes(line.ToString());
                line.Clear();
            }
        }
        if (line.Length > 0) yield return Encoding.UTF8.GetBytes(line.ToString());
    }
}
