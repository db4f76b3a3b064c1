using Cms.Application.Administration.Contracts;
using Cms.Application.Administration.Common;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Domain.Administration;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Administration.SignIn;

/// <summary>Operator sign-in with codice fiscale and password [M 2.1].</summary>
public sealed record SignInCommand(string? CodiceFiscale, string? Password) : ICommand<SignInResult>, IAuditedMessage
{
    public OperationType OperationType => OperationType.SignIn;
    public override string ToString() => $"SignInCommand {{ CodiceFiscale = {Domain.Common.CodiceFiscale.ForTrail(CodiceFiscale)} }}";
}

public sealed record SignedInCounter(string Code, string Name, CounterType Type, string Region);

public sealed record SignedInOperator(
    Guid Id, string CodiceFiscale, string GivenName, string Surname, IReadOnlyList<string> Roles,
    SignedInCounter? Counter, DateTimeOffset? PasswordExpiresAt);

/// <summary>
/// The token, who signed in, and the welcome data: the notices visible now [M 2.1]. The token belongs to a server-side
/// session (<see cref="SessionId"/>) that ends at <see cref="ExpiresAt"/> at the latest, or earlier after
/// <see cref="IdleTimeoutMinutes"/> without requests.
/// </summary>
public sealed record SignInSuccess(string AccessToken, DateTimeOffset ExpiresAt, SignedInOperator Operator,
    IReadOnlyList<PublishNotice.NoticeView> Notices, Guid SessionId, int IdleTimeoutMinutes);

/// <summary>
/// Either a token or the rule that refused it. A refusal is an answer, not an exception, so that the
/// failed-attempt counter is committed with the audit entry.
/// </summary>
public sealed record SignInResult(SignInSuccess? Success, DomainRuleException? Failure);

public sealed class SignInValidator : AbstractValidator<SignInCommand>
{
    public SignInValidator()
    {
        RuleFor(c => c.CodiceFiscale).NotEmpty().MaximumLength(16);
        RuleFor(c => c.Password).NotEmpty().MaximumLength(PasswordPolicy.MaxLength);
    }
}

public sealed class SignInHandler(IAdministrationData db, IPasswordHasher hasher, OperatorGate gate, SignInThrottles throttles, TimeProvider clock, AuditScope audit)
    : ICommandHandler<SignInCommand, SignInResult>
{
    // Verifying against a real hash when the operator is unknown keeps the timing the same.
    private static readonly Lazy<string> DummyHash = new(() => string.Empty);

    public async ValueTask<SignInResult> Handle(SignInCommand command, CancellationToken cancellationToken)
    {
        var cf = CodiceFiscale.Normalise(command.CodiceFiscale);
        var now = clock.GetUtcNow();
        audit.ActorCodiceFiscale = CodiceFiscale.ForTrail(cf);
        var op = await db.Operators.SingleOrDefaultAsync(o => o.CodiceFiscale == cf, cancellationToken);
        // Unknown operator, wrong password, or a pair still waiting: one answer, on the same path (decision 0031); the trail keeps
        // the reason. An unknown operator is verified against a dummy hash (same time) and counted like a known one.
        if (op is not null)
        {
            audit.ActorOperatorId = op.Id;
            audit.ActorCounterCode = op.CounterCode;
        }
        if (await throttles.IsWaitingAsync(cf, cancellationToken))
        {
            // The password is not checked during the wait, but the time is spent as if it were.
            _ = hasher.Verify(DummyHash.Value, command.Password!);
            return gate.InvalidCredentials(op is null ? "unknown-operator throttled" : "throttled");
        }
        var check = hasher.Verify(op?.PasswordHash ?? DummyHash.Value, command.Password!);
        if (op is null || check == PasswordCheck.Wrong)
        {
            await throttles.RecordFailureAsync(cf, cancellationToken);
            return gate.InvalidCredentials(op is null ? "unknown-operator" : "wrong-password");
        }
        await throttles.ClearAsync(cf, cancellationToken);
        if (check == PasswordCheck.RightButRehash) op.ChangePassword(hasher.Hash(command.Password!), op.PasswordChangedAt);
        if (gate.PasswordExpired(op, now))
        {
            op.RecordSignIn(now);
            return gate.Refuse("password-expired", "La password è scaduta: è necessario cambiarla.", RuleKind.Forbidden);
        }
        return await gate.AdmitAsync(op, "pwd", cancellationToken);
    }
}

/// <summary>The checks every way in shares: enabled for the CMS, active counter, then the token.</summary>
public sealed class OperatorGate(IAdministrationData db, IAccessTokenIssuer tokens, IOptions<CmsOptions> options, TimeProvider clock, AuditScope audit,
    ICurrentUser caller)
{
    public bool PasswordExpired(Operator op, DateTimeOffset now) =>
        op.PasswordExpiredAt(now, TimeSpan.FromDays(options.Value.PasswordMaxAgeDays));

    public async Task<SignInResult> AdmitAsync(Operator op, string method, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (!op.EnabledForCms)
            return Refuse("operator-not-enabled", "L'operatore non è abilitato al CMS: rivolgersi all'amministratore della sicurezza.", RuleKind.Forbidden);
        Counter? counter = null;
        if (op.CounterCode is not null)
        {
            counter = await db.Counters.SingleOrDefaultAsync(c => c.Code == op.CounterCode, cancellationToken);
            if (counter is null || !counter.Active)
                return Refuse("counter-inactive", "Lo sportello dell'operatore non è attivo.", RuleKind.Forbidden);
        }
        op.RecordSignIn(now);
        audit.Detail = method;
        // Each sign-in is a server-side session, checked on every request (ISessionGuard), which ends at sign-out, at a
        // change of what the token says, after the idle timeout and at the absolute one.
        var session = new OperatorSession(Guid.NewGuid(), op.Id, method, caller.ClientAddress, now, options.Value.Sessions.AbsoluteTimeout);
        db.OperatorSessions.Add(session);
        var token = tokens.Issue(op, counter, session);
        var signedIn = new SignedInOperator(op.Id, op.CodiceFiscale, op.GivenName, op.Surname, op.Roles,
            counter is null ? null : new SignedInCounter(counter.Code, counter.Name, counter.Type, counter.Region),
            op.PasswordChangedAt + TimeSpan.FromDays(options.Value.PasswordMaxAgeDays));
        var notices = await db.Notices.AsNoTracking()
            .Where(n => n.WithdrawnAt == null && n.VisibleFrom <= now && (n.VisibleUntil == null || n.VisibleUntil > now))
            .OrderByDescending(n => n.PublishedAt).Take(20).ToListAsync(cancellationToken);
        return new SignInResult(new SignInSuccess(token.Token, token.ExpiresAt, signedIn, notices.Select(PublishNotice.NoticeView.From).ToList(),
            session.Id, options.Value.Sessions.IdleTimeoutMinutes), null);
    }

    public SignInResult Refuse(string rule, string message, RuleKind kind)
    {
        audit.OutcomeOverride = OperationOutcome.Rejected;
        audit.Detail = rule;
        return new SignInResult(null, new DomainRuleException(rule, message, kind));
    }

    /// <summary>
    /// The one answer to an unknown operator, a wrong password and a pair that must wait (decision 0031), so that it tells a
    /// stranger neither which accounts exist nor which are held back; the trail records <paramref name="reason"/>.
    /// </summary>
    public SignInResult InvalidCredentials(string reason)
    {
        var refusal = Refuse("invalid-credentials", "Codice fiscale o password errati.", RuleKind.Unauthenticated);
        audit.Detail = "invalid-credentials " + reason;
        return refusal;
    }
}
