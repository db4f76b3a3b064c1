using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Identification.Contracts;
using Cms.Application.Revocation.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Revocation;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Revocation.VerifyCip;

/// <summary>
/// The CIP check of a revocation, its own step [T 2.5.1]: compared in constant time; at most 5 wrong tries per card in
/// 24 hours — at any counter — then the card's CIP verification is locked (423) until the oldest of them is a day old.
/// Every try, right or wrong, is kept and audited; the CIP itself never is.
/// </summary>
public sealed record VerifyCipCommand(Guid Id, string? Cip) : ICommand<CipVerification>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Revocation;
    public override string ToString() => $"VerifyCipCommand {{ Id = {Id} }}";
}

public sealed record CipVerification(Guid Id, bool Verified, DateTimeOffset VerifiedAt, IReadOnlyList<string> NextSteps);

public sealed class VerifyCipValidator : AbstractValidator<VerifyCipCommand>
{
    public VerifyCipValidator()
    {
        RuleFor(c => c.Id).NotEmpty();
        RuleFor(c => c.Cip).NotEmpty().Matches("^[0-9]{4,16}$").WithErrorCode("invalid-cip").WithMessage("Il CIP è fatto di sole cifre.");
    }
}

public sealed class VerifyCipHandler(
    ICmsDbContext db, RevocationRequests requests, ICardRegistry registry, ICurrentUser user, TimeProvider clock, AuditScope audit)
    : ICommandHandler<VerifyCipCommand, CipVerification>
{
    public async ValueTask<CipVerification> Handle(VerifyCipCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        audit.Detail = "verify-cip";
        var request = await requests.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        request.EnsurePending(now);

        // The card row is locked first, so that the tries on one card are counted one after the other.
        var matches = await registry.CipMatchesAsync(request.CardNumber, command.Cip!, cancellationToken);
        var since = now - CipAttempt.Window;
        var wrong = await db.CipAttempts.Where(a => a.CardNumber == request.CardNumber && !a.Succeeded && a.At > since)
            .OrderBy(a => a.At).Select(a => a.At).ToListAsync(cancellationToken);
        if (wrong.Count >= CipAttempt.MaxWrongTries) throw Locked(wrong[^CipAttempt.MaxWrongTries]);

        db.CipAttempts.Add(new CipAttempt(Guid.CreateVersion7(), request.CardNumber, request.Id, user.OperatorId!.Value, user.CounterCode!, matches, now));
        if (!matches)
        {
            var left = CipAttempt.MaxWrongTries - wrong.Count - 1;
            if (left == 0) throw Locked(wrong.Count == 0 ? now : wrong[^(CipAttempt.MaxWrongTries - 1)]).KeepingWork();
            throw new DomainRuleException("cip-mismatch", $"Il CIP non corrisponde. Tentativi rimasti nelle 24 ore: {left}.")
                .With("remainingAttempts", left).KeepingWork();
        }
        request.MarkCipVerified(now);
        audit.Detail = "verify-cip ok";
        var next = new List<string>();
        if (request.FormPrintedAt is null) next.Add("print-" + RevocationDocumentNames.RequestForm);
        next.Add("confirm");
        return new CipVerification(request.Id, true, now, next);
    }

    /// <summary>Locked until the oldest wrong try of the window is a day old.</summary>
    private static DomainRuleException Locked(DateTimeOffset oldestCountedTry)
    {
        var until = oldestCountedTry + CipAttempt.Window;
        return new DomainRuleException("cip-locked",
                $"Troppi tentativi errati di verifica del CIP per questa tessera: verifica bloccata fino al {until:yyyy-MM-dd HH:mm} UTC.", RuleKind.Locked)
            .With("lockedUntil", until);
    }
}
