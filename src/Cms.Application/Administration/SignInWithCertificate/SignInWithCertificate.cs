using Cms.Application.Administration.SignIn;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Validation;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Administration.SignInWithCertificate;

/// <summary>
/// Smart-card sign-in: the client certificate (already validated against the trusted CAs by the host)
/// carries the operator's codice fiscale in its subject.
/// </summary>
public sealed record SignInWithCertificateCommand(string? CodiceFiscale, string? CertificateThumbprint)
    : ICommand<SignInResult>, IAuditedMessage
{
    public OperationType OperationType => OperationType.SignIn;
}

public sealed class SignInWithCertificateValidator : AbstractValidator<SignInWithCertificateCommand>
{
    public SignInWithCertificateValidator()
    {
        RuleFor(c => c.CodiceFiscale).ValidCodiceFiscale();
        RuleFor(c => c.CertificateThumbprint).NotEmpty();
    }
}

public sealed class SignInWithCertificateHandler(ICmsDbContext db, OperatorGate gate, AuditScope audit)
    : ICommandHandler<SignInWithCertificateCommand, SignInResult>
{
    public async ValueTask<SignInResult> Handle(SignInWithCertificateCommand command, CancellationToken cancellationToken)
    {
        audit.ActorCodiceFiscale = command.CodiceFiscale;
        var op = await db.Operators.SingleOrDefaultAsync(o => o.CodiceFiscale == command.CodiceFiscale, cancellationToken);
        if (op is null)
            return gate.Refuse("unknown-operator", "Il certificato non appartiene a un operatore del CMS.", RuleKind.Unauthenticated);
        audit.ActorOperatorId = op.Id;
        audit.ActorCounterCode = op.CounterCode;
        return await gate.AdmitAsync(op, "smartcard", cancellationToken);
    }
}
