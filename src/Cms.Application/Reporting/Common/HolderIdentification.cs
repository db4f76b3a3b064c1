using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Domain.Administration;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Reporting.Common;

/// <summary>
/// A counter operator reads a person's history only while that person is at the counter [T 2.7]: a card of theirs was
/// identified by the same operator within <c>Cms:History:IdentifiedWithinMinutes</c> — a succeeded IDENTIFICATION entry of
/// the trail by this operator for this codice fiscale (decision 0040). Auditors keep their own access.
/// </summary>
public sealed class HolderIdentification(ICmsDbContext db, ICurrentUser user, IOptions<CmsOptions> options, TimeProvider clock)
{
    public const string Rule = "holder-not-identified";

    public async Task EnsureIdentifiedAsync(string codiceFiscale, CancellationToken cancellationToken)
    {
        if (user.IsInRole(Role.Auditor) || !user.IsInRole(Role.Operator)) return;
        var window = options.Value.History.IdentifiedWithin;
        var since = clock.GetUtcNow() - window;
        var operatorId = user.OperatorId;
        var identified = operatorId is not null && await db.Operations.AsNoTracking().AnyAsync(o =>
            o.Type == OperationType.Identification && o.Outcome == OperationOutcome.Succeeded && o.OperatorId == operatorId
            && o.HolderCodiceFiscale == codiceFiscale && o.OccurredAt >= since, cancellationToken);
        if (!identified)
            throw new DomainRuleException(Rule,
                    $"Lo storico si consulta solo per la persona presente allo sportello: identificare prima una sua tessera (lo storico resta consultabile per {(int)window.TotalMinutes} minuti dall'identificazione).",
                    RuleKind.Forbidden)
                .With("identifiedWithinMinutes", (int)window.TotalMinutes);
    }
}
