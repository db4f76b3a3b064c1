using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Validation;
using Cms.Application.Reporting.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Reporting.GetSubjectAccess;

/// <summary>
/// For a GDPR access request (art. 15): every read and every change of the person's data — who, from which counter, when,
/// what and why — from the trail. The request itself is recorded.
/// </summary>
public sealed record GetSubjectAccessQuery(string? CodiceFiscale) : IQuery<SubjectAccessReport>, IAuditedMessage
{
    public OperationType OperationType => OperationType.AuditConsultation;
}

public sealed record SubjectAccessEntry(DateTimeOffset OccurredAt, string Activity, OperationType Type, bool Read, OperationOutcome Outcome,
    string? OperatorCodiceFiscale, string? CounterCode, string? CardNumber, string? Why);

public sealed record SubjectAccessReport(string CodiceFiscale, int Reads, int Changes, IReadOnlyList<SubjectAccessEntry> Entries, DateTimeOffset GeneratedAt);

public sealed class GetSubjectAccessValidator : AbstractValidator<GetSubjectAccessQuery>
{
    public GetSubjectAccessValidator() => RuleFor(q => q.CodiceFiscale).ValidCodiceFiscale();
}

public sealed class GetSubjectAccessHandler(IReadSource reads, TimeProvider clock, AuditScope audit) : IQueryHandler<GetSubjectAccessQuery, SubjectAccessReport>
{
    public async ValueTask<SubjectAccessReport> Handle(GetSubjectAccessQuery query, CancellationToken cancellationToken)
    {
        var cf = query.CodiceFiscale!;
        audit.Detail = "subject-access";
        // On the replica for auditors when it is usable (decision 0056); the request's own entry goes to the primary.
        var entries = await reads.ReadAsync(nameof(GetSubjectAccessQuery), (db, ct) =>
            db.Operations.AsNoTracking().Where(o => o.HolderCodiceFiscale == cf).OrderBy(o => o.Sequence).Take(100_000).ToListAsync(ct), cancellationToken);
        audit.Touch(null, cf); // recorded after the read, so the report does not list the request being answered
        var list = entries.Select(e => new SubjectAccessEntry(e.OccurredAt, OperationTypes.Label(e.Type), e.Type,
            OperationTypes.IsRead(e.Type) || e.Type is OperationType.DocumentPrint or OperationType.AuditConsultation, e.Outcome,
            e.OperatorCodiceFiscale, e.CounterCode, e.CardNumber, e.Detail)).ToList();
        return new SubjectAccessReport(cf, list.Count(e => e.Read), list.Count(e => !e.Read), list, clock.GetUtcNow());
    }
}
