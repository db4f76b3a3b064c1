using Cms.Application.Administration.SignIn;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Validation;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Application.Identification.Contracts;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Administration.SignInWithCertificate;

/// <summary>
/// Smart-card sign-in: the client certificate (already validated by the host: chain to a trusted CA, validity, revocation)
/// carries the operator's codice fiscale in its subject's SERIALNUMBER; its serial and issuer name the card it is on when the
/// issuer's feed gave them (decision 0032).
/// </summary>
public sealed record SignInWithCertificateCommand(string? CodiceFiscale, string? CertificateSerial, string? CertificateIssuer)
    : ICommand<SignInResult>, IAuditedMessage
{
    public OperationType OperationType => OperationType.SignIn;
}

public sealed class SignInWithCertificateValidator : AbstractValidator<SignInWithCertificateCommand>
{
    public SignInWithCertificateValidator()
    {
        RuleFor(c => c.CodiceFiscale).ValidCodiceFiscale();
        RuleFor(c => c.CertificateSerial).NotEmpty();
        RuleFor(c => c.CertificateIssuer).NotEmpty();
    }
}

public sealed class SignInWithCertificateHandler(IAdministrationData db, OperatorGate gate, ICardDirectory cards, AuditScope audit)
    : ICommandHandler<SignInWithCertificateCommand, SignInResult>
{
    public async ValueTask<SignInResult> Handle(SignInWithCertificateCommand command, CancellationToken cancellationToken)
    {
        audit.ActorCodiceFiscale = command.CodiceFiscale;
        // The certificate of a card this registry knows to be revoked (lost, stolen) signs nobody in, even before the CA's
        // revocation list says so.
        var ofCertificate = await cards.FindCardsByCertificateAsync(new CardCertificate(command.CertificateSerial!, command.CertificateIssuer!), cancellationToken);
        if (ofCertificate.Any(c => c.Holder.CodiceFiscale != command.CodiceFiscale))
            return gate.Refuse("certificate-not-of-card", "Il certificato non corrisponde alla tessera del titolare indicato.", RuleKind.Unauthenticated);
        if (ofCertificate.Any(c => c.State == CardState.Revoked))
            return gate.Refuse("certificate-card-revoked", "Il certificato è di una tessera revocata: non può essere usato per l'accesso.", RuleKind.Unauthenticated);
        var op = await db.Operators.SingleOrDefaultAsync(o => o.CodiceFiscale == command.CodiceFiscale, cancellationToken);
        if (op is null)
            return gate.Refuse("unknown-operator", "Il certificato non appartiene a un operatore del CMS.", RuleKind.Unauthenticated);
        audit.ActorOperatorId = op.Id;
        audit.ActorCounterCode = op.CounterCode;
        return await gate.AdmitAsync(op, "smartcard", cancellationToken);
    }
}
