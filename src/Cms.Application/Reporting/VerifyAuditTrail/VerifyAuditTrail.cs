using Cms.Application.Common.Auditing;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;

namespace Cms.Application.Reporting.VerifyAuditTrail;

/// <summary>
/// Verifies the operations trail: every entry's hash against its content and its link to the previous one, the positions
/// without gaps, the head. With an anchor (a head noted earlier) it also says whether that entry still has that hash.
/// The check itself is recorded.
/// </summary>
public sealed record VerifyAuditTrailQuery(long? AnchorIndex, string? AnchorHash) : IQuery<IntegrityReport>, IAuditedMessage
{
    public OperationType OperationType => OperationType.AuditConsultation;
}

public sealed class VerifyAuditTrailValidator : AbstractValidator<VerifyAuditTrailQuery>
{
    public VerifyAuditTrailValidator()
    {
        RuleFor(q => q.AnchorIndex).GreaterThan(0).When(q => q.AnchorIndex is not null);
        RuleFor(q => q.AnchorHash).NotEmpty().Matches("^[0-9a-f]{64}$").WithErrorCode("invalid-hash")
            .WithMessage("L'hash è di 64 cifre esadecimali minuscole.").When(q => q.AnchorIndex is not null);
        RuleFor(q => q.AnchorIndex).NotNull().When(q => q.AnchorHash is not null);
    }
}

public sealed class VerifyAuditTrailHandler(IAuditTrail trail, AuditScope audit) : IQueryHandler<VerifyAuditTrailQuery, IntegrityReport>
{
    public async ValueTask<IntegrityReport> Handle(VerifyAuditTrailQuery query, CancellationToken cancellationToken)
    {
        var report = await trail.VerifyAsync(query.AnchorIndex, query.AnchorHash, cancellationToken);
        audit.Detail = report.FirstBreak is { } found ? $"integrity broken at={found.ChainIndex} {found.Finding}"
            : report.AnchorMatches == false ? $"integrity anchor mismatch at={query.AnchorIndex}"
            : $"integrity intact head={report.Head.ChainIndex}";
        return report;
    }
}
