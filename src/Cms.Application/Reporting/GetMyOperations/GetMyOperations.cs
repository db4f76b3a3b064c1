using System.Globalization;
using System.Text;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Documents;
using Cms.Application.Administration.Contracts;
using Cms.Application.Identification.Contracts;
using Cms.Application.Reporting.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Reporting.GetMyOperations;

public enum ReportFormat
{
    Json,
    Csv,
    Pdf,
}

public sealed record ReportOperator(string CodiceFiscale, string Name, string? CounterCode);

public sealed record ReportRow(DateTimeOffset OccurredAt, OperationType Type, string Activity, string? HolderCodiceFiscale, string? Holder,
    string? CardNumber, string? RequestId);

/// <summary>An operator's own operations in a period [M 2.7, T 2.8]: header (operator, period, generation date) and rows.</summary>
public sealed record OperationsReport(ReportOperator Operator, DateOnly? From, DateOnly? To, DateTimeOffset GeneratedAt, int Count,
    IReadOnlyList<ReportRow> Operations);

/// <summary>The report as JSON, or rendered (CSV for spreadsheets, PDF for printing).</summary>
public sealed record MyOperationsResult(OperationsReport Report, RenderedFile? File);

public sealed record RenderedFile(string FileName, string ContentType, byte[] Content);

public sealed record GetMyOperationsQuery(string? From, string? To, string? Format) : IQuery<MyOperationsResult>, IAuditedMessage
{
    public OperationType OperationType => OperationType.ReportConsultation;

    public static readonly string[] Formats = ["json", "csv", "pdf"];

    public ReportFormat ParsedFormat => Format?.ToLowerInvariant() switch
    {
        "csv" => ReportFormat.Csv,
        "pdf" => ReportFormat.Pdf,
        _ => ReportFormat.Json,
    };
}

public sealed class GetMyOperationsValidator : AbstractValidator<GetMyOperationsQuery>
{
    public GetMyOperationsValidator()
    {
        ReportPeriod.Rules<GetMyOperationsQuery>(this, q => q.From, q => q.To);
        RuleFor(q => q.Format).Must(f => f is null || GetMyOperationsQuery.Formats.Contains(f.ToLowerInvariant()))
            .WithErrorCode("unknown-value").WithMessage("Formato non previsto: json, csv o pdf.");
    }
}

public sealed class GetMyOperationsHandler(ICmsDbContext db, IAdministrationDirectory administration, IIdentificationReadModels identification, ICurrentUser user, IReportRenderer renderer, TimeProvider clock, AuditScope audit)
    : IQueryHandler<GetMyOperationsQuery, MyOperationsResult>
{
    public const int MaxRows = 20_000;

    public async ValueTask<MyOperationsResult> Handle(GetMyOperationsQuery query, CancellationToken cancellationToken)
    {
        var period = ReportPeriod.Parse(query.From, query.To);
        var operatorId = user.OperatorId!.Value;
        audit.Detail = $"my-operations {query.From ?? "*"}..{query.To ?? "*"} {query.ParsedFormat}";
        var me = await administration.FindOperatorAsync(operatorId, cancellationToken) is { } op
            ? new ReportOperator(op.CodiceFiscale, op.GivenName + " " + op.Surname, op.CounterCode)
            : throw new InvalidOperationException("The signed-in operator is not in the register.");

        var entries = CounterOperations.Done(db.Operations.AsNoTracking().Where(o => o.OperatorId == operatorId));
        entries = period.Apply(entries);
        var rows = await (
                from o in entries
                join h in identification.HolderNames on o.HolderCodiceFiscale equals h.CodiceFiscale into holders
                from h in holders.DefaultIfEmpty()
                orderby o.OccurredAt
                select new { o.OccurredAt, o.Type, o.HolderCodiceFiscale, Holder = h == null ? null : h.Surname + " " + h.GivenName, o.CardNumber, o.RequestId })
            .Take(MaxRows).ToListAsync(cancellationToken);
        var report = new OperationsReport(me, period.From, period.To, clock.GetUtcNow(), rows.Count, rows.Select(r =>
            new ReportRow(r.OccurredAt, r.Type, OperationTypes.Label(r.Type), r.HolderCodiceFiscale, r.Holder, r.CardNumber, r.RequestId)).ToList());
        var name = $"operazioni-{me.CodiceFiscale}-{query.From ?? "inizio"}-{query.To ?? "oggi"}";
        return query.ParsedFormat switch
        {
            ReportFormat.Csv => new MyOperationsResult(report, new RenderedFile(name + ".csv", "text/csv; charset=utf-8", Csv(report))),
            ReportFormat.Pdf => new MyOperationsResult(report, new RenderedFile(name + ".pdf", RenderedDocument.ContentType, renderer.TableReport(Printable(report)))),
            _ => new MyOperationsResult(report, null),
        };
    }

    public static TableReportModel Printable(OperationsReport r) => new(
        "REPORT DELLE OPERAZIONI DELL'OPERATORE",
        [
            ("Operatore", $"{r.Operator.Name} ({r.Operator.CodiceFiscale})"),
            ("Sportello", r.Operator.CounterCode ?? "-"),
            ("Periodo", $"{r.From?.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture) ?? "dall'inizio"} - {r.To?.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture) ?? "a oggi"}"),
            ("Operazioni", r.Count.ToString(CultureInfo.InvariantCulture)),
        ],
        ["Assistito", "Codice fiscale", "Attività", "Data e ora"],
        [3, 2.6, 2.6, 2],
        r.Operations.Select(o => (IReadOnlyList<string>)[o.Holder ?? "", o.HolderCodiceFiscale ?? "", o.Activity,
            o.OccurredAt.ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture) + " UTC"]).ToList(),
        r.GeneratedAt);

    /// <summary>Semicolon-separated with a BOM, as Italian spreadsheets open it; values that could start a formula are quoted.</summary>
    public static byte[] Csv(OperationsReport r)
    {
        var text = new StringBuilder();
        text.Append("Operatore;").Append(CsvText.Cell(r.Operator.Name)).Append(';').Append(CsvText.Cell(r.Operator.CodiceFiscale)).Append("\r\n");
        text.Append("Periodo;").Append(r.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "").Append(';')
            .Append(r.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "").Append("\r\n");
        text.Append("Generato il;").Append(r.GeneratedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append(" UTC\r\n");
        text.Append("Assistito;Codice fiscale;Attività;Data e ora (UTC);Tessera;Richiesta\r\n");
        foreach (var row in r.Operations)
            text.Append(CsvText.Cell(row.Holder)).Append(';').Append(CsvText.Cell(row.HolderCodiceFiscale)).Append(';').Append(CsvText.Cell(row.Activity)).Append(';')
                .Append(row.OccurredAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append(';').Append(CsvText.Cell(row.CardNumber)).Append(';')
                .Append(CsvText.Cell(row.RequestId)).Append("\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }
}
