using Cms.Application.Administration.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Domain.Administration;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cms.Application.Administration.ApproveRecipient;

/// <summary>An approval as the security administrator sees it: the address masked, never in clear.</summary>
public sealed record RecipientApprovalView(
    Guid Id, DeliveryChannel Channel, string Recipient, string? HolderCodiceFiscale, string Reason, Guid ApprovedBy, DateTimeOffset ApprovedAt,
    DateTimeOffset ValidUntil, DateTimeOffset? RevokedAt, Guid? RevokedBy, bool Active)
{
    public static RecipientApprovalView From(RecipientApproval a, DateTimeOffset now) => new(a.Id, a.Channel, a.MaskedRecipient,
        a.HolderCodiceFiscale, a.Reason, a.ApprovedBy, a.ApprovedAt, a.ValidUntil, a.RevokedAt, a.RevokedBy, a.IsActiveAt(now));
}

/// <summary>
/// A security administrator approves an address that may receive second halves of holders of different households
/// (decision 0034): for one holder (<c>holderCodiceFiscale</c>) or for all; until <c>validUntil</c> (by default
/// <c>Cms:Recipients:ApprovalDefaultDays</c>, at most three years) or its revocation. The reason is kept and the act is in the trail.
/// </summary>
public sealed record ApproveRecipientCommand(DeliveryChannel? Channel, string? Address, string? Reason, string? HolderCodiceFiscale,
    DateTimeOffset? ValidUntil) : ICommand<RecipientApprovalView>, IAuditedMessage
{
    public OperationType OperationType => OperationType.RecipientApproval;
    public override string ToString() => $"ApproveRecipientCommand {{ Channel = {Channel} }}";
}

public sealed class ApproveRecipientValidator : AbstractValidator<ApproveRecipientCommand>
{
    public ApproveRecipientValidator()
    {
        RuleFor(c => c.Channel).NotNull().IsInEnum();
        RuleFor(c => c.Address).NotEmpty().MaximumLength(254).Matches(@"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$").WithMessage("Indirizzo e-mail non valido.")
            .WithErrorCode("invalid-email").When(c => c.Channel == DeliveryChannel.Email);
        RuleFor(c => c.Address).Must(m => RequestInputRules.NormaliseMobile(m) is not null).WithErrorCode("invalid-mobile")
            .WithMessage("Indicare un numero di cellulare italiano (es. +393331234567).").When(c => c.Channel == DeliveryChannel.Sms);
        RuleFor(c => c.Reason).NotEmpty().MaximumLength(500);
        RuleFor(c => c.HolderCodiceFiscale).ValidCodiceFiscale().When(c => c.HolderCodiceFiscale is not null);
    }
}

public sealed class ApproveRecipientHandler(IAdministrationData db, IKeyedDigest digest, ICurrentUser user, IOptions<CmsOptions> options, TimeProvider clock,
    AuditScope audit) : ICommandHandler<ApproveRecipientCommand, RecipientApprovalView>
{
    /// <summary>The longest an approval may last: it is reviewed at least this often.</summary>
    public static readonly TimeSpan LongestApproval = TimeSpan.FromDays(3 * 366);

    public ValueTask<RecipientApprovalView> Handle(ApproveRecipientCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var channel = command.Channel!.Value;
        var address = channel == DeliveryChannel.Email ? command.Address!.Trim().ToLowerInvariant() : RequestInputRules.NormaliseMobile(command.Address)!;
        var holder = command.HolderCodiceFiscale?.Trim().ToUpperInvariant();
        var validUntil = command.ValidUntil ?? now.AddDays(options.Value.Recipients.ApprovalDefaultDays);
        if (validUntil <= now || validUntil > now + LongestApproval)
            throw new DomainRuleException("recipient-approval-period-invalid",
                "La scadenza dell'autorizzazione deve essere futura e non oltre tre anni da oggi.");
        var masked = RecipientAddresses.Mask(RecipientAddresses.Normalise(channel, address));
        var approval = new RecipientApproval(Guid.CreateVersion7(), channel, RecipientKeys.Recipient(digest, channel, address)[0], masked, holder,
            command.Reason!.Trim(), user.OperatorId!.Value, now, validUntil);
        db.RecipientApprovals.Add(approval);
        audit.RequestId = approval.Id.ToString();
        audit.Touch(null, holder);
        audit.Detail = $"approve channel={(channel == DeliveryChannel.Email ? "EMAIL" : "SMS")} recipient={masked} until={validUntil:yyyy-MM-dd}";
        return ValueTask.FromResult(RecipientApprovalView.From(approval, now));
    }
}
