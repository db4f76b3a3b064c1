using Cms.Domain.Reprint.Contracts;
using Cms.Domain.Revocation.Contracts;
using System.Text.Json;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Documents;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Interop.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Interop;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Cms.Application.Common.Options;

namespace Cms.Application.Interop.PrintInteropDocument;

/// <summary>
/// The counter's prints of an interop request: before the confirm the forms signed at the sending counter [S 9.3.3, M 2.6] —
/// the modulo di richiesta codici (and the dichiarazione sostitutiva when delegated) or the modulo di richiesta revoca — and,
/// once the issuing region completed it, <c>codici-personali</c>, the first halves it answered [S 9.3.3 point 6], with the same
/// wording as a local release. Printing is recorded; a form printed while pending counts for the confirm.
/// </summary>
/// <remarks>A command, though the API serves it as a GET (decision 0050): the print changes the request, so the print runs in a unit of
/// work by declaration, not because its audit entry happens to need one.</remarks>
public sealed record PrintInteropDocumentCommand(Guid Id, string? Name) : ICommand<RenderedDocument>, IAuditedMessage
{
    public OperationType OperationType => OperationType.DocumentPrint;
}

public sealed class PrintInteropDocumentValidator : AbstractValidator<PrintInteropDocumentCommand>
{
    public PrintInteropDocumentValidator()
    {
        RuleFor(c => c.Id).NotEmpty();
        RuleFor(c => c.Name).NotEmpty().MaximumLength(60);
    }
}

public sealed class PrintInteropDocumentHandler(
    Administration.Contracts.IAdministrationDirectory administration, InteropRequests requests, ICodeCipher cipher, ICodeReleaseForms renderer, IRevocationForms revocationForms, ICurrentUser user, IOptions<CmsOptions> options,
    TimeProvider clock, AuditScope audit)
    : ICommandHandler<PrintInteropDocumentCommand, RenderedDocument>
{
    public async ValueTask<RenderedDocument> Handle(PrintInteropDocumentCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // Locked: two prints of the codes at once — one waits, then is refused; a form's print is recorded for the confirm.
        var request = await CounterRequestSteps.OpenAsync(audit, requests.LoadAsync, command.Id, "interop:" + command.Name, cancellationToken);
        var body = InteropRequests.Body(request);
        var counter = await administration.CounterNameAsync(request.CounterCode, cancellationToken)
            ?? request.CounterCode;
        if (command.Name == InteropRequests.PersonalCodes) return PersonalCodes(request, body, counter, now);
        var status = request.StatusAt(now);
        if (!InteropDocumentNames.Forms(request.Kind, body.Mode).Contains(command.Name!))
            throw new DomainRuleException("document-not-found", "Documento non previsto per questa richiesta.", RuleKind.NotFound);
        if (status is InteropStatus.Cancelled or InteropStatus.Expired)
            throw new DomainRuleException("document-not-available",
                    $"Il modulo '{command.Name}' non è disponibile per questa richiesta (stato {status.ToString().ToUpperInvariant()}).", RuleKind.Conflict)
                .With("requestStatus", status);
        var h = body.Holder!;
        RuleExtensions.TryParseDate(h.BirthDate, out var birth);
        var holder = new PersonOnForm(h.Surname!, h.GivenName!, h.CodiceFiscale!, BirthDate: birth);
        var delegatePerson = body.Delegate is { } d ? new PersonOnForm(d.Surname!.ToUpperInvariant(), d.GivenName!.ToUpperInvariant(), d.CodiceFiscale!) : null;
        byte[] content;
        if (request.Kind == InteropKind.Revocation)
        {
            var basics = new FormBasics(request.CounterCode, counter, options.Value.Issuers.GetValueOrDefault(options.Value.Region) ?? options.Value.Region,
                now, request.CardNumber, holder);
            content = revocationForms.RevocationRequestForm(new RevocationFormModel(basics, request.Id, delegatePerson, body.Mode!.Value, body.DelegationKind,
                RequestInputRules.ToDocument(body.Document!), RevocationRules.Label(body.RevocationReason!.Value),
                Cms.Domain.Revocation.Contracts.LossEvidence.Describe(body.Evidence?.Kind, body.Evidence?.Reference)));
        }
        else
        {
            var model = FormModel(request, body, counter, holder, delegatePerson ?? holder, now, null);
            content = command.Name == InteropDocumentNames.SubstituteDeclaration ? renderer.SubstituteDeclaration(model) : renderer.ActivationRequestForm(model);
        }
        request.MarkFormPrinted(command.Name!, now);
        return new RenderedDocument($"interop-{command.Name}-{request.Id:N}.pdf", content);
    }

    private RenderedDocument PersonalCodes(InteropRequest request, InteropInboundBody body, string counter, DateTimeOffset now)
    {
        // Printed once: the sealed halves are erased with the print.
        if (request.CodesPrintedAt is { } printedAt) throw CodesPrint.AlreadyPrinted(printedAt);
        if (InteropRequests.FirstHalvesPurged(request))
            throw new DomainRuleException("first-halves-purged", InteropRequests.FirstHalvesPurgedText, RuleKind.Conflict);
        if (request.StatusAt(now) != InteropStatus.Completed || request.FirstHalvesCiphertext is null)
            throw new DomainRuleException("document-not-available",
                "I codici si stampano quando la Regione emittente ha completato la richiesta.", RuleKind.Conflict)
                .With("requestStatus", request.StatusAt(now));
        var firstHalves = JsonSerializer.Deserialize<CodeParts>(
            cipher.OpenBytes(request.FirstHalvesKeyId!, request.FirstHalvesCiphertext, InteropRequests.FirstHalvesContext(request.Id)), ApiNames.Json)!;
        var h = body.Holder!;
        RuleExtensions.TryParseDate(h.BirthDate, out var birth);
        var holder = new PersonOnForm(h.Surname!, h.GivenName!, h.CodiceFiscale!, BirthDate: birth);
        var requester = body.Delegate is { } d ? new PersonOnForm(d.Surname!.ToUpperInvariant(), d.GivenName!.ToUpperInvariant(), d.CodiceFiscale!) : holder;
        var content = renderer.PersonalCodes(FormModel(request, body, counter, holder, requester, now, firstHalves));
        request.MarkCodesPrinted(now, user.OperatorId!.Value);
        return new RenderedDocument($"{InteropRequests.PersonalCodes}-{request.Id:N}.pdf", content);
    }

    private static ActivationFormModel FormModel(InteropRequest request, InteropInboundBody body, string counter, PersonOnForm holder,
        PersonOnForm requester, DateTimeOffset now, CodeParts? firstHalves) =>
        new(request.CounterCode, counter, request.Id, now, request.CardNumber, request.CardExpiryDate ?? default, holder, requester, body.Mode!.Value,
            body.DelegationKind, RequestInputRules.ToDocument(body.Document!), RequestInputRules.ToDelivery(body.Delivery!), firstHalves is not null,
            firstHalves, request.Kind == InteropKind.Reprint ? "REPRINT" : "ACTIVATION",
            request.Kind == InteropKind.Reprint && body.Reason is { } reason
                ? ReprintRules.Label(reason) + (string.IsNullOrWhiteSpace(body.ReasonNote) ? "" : $": {body.ReasonNote}")
                : null);
}
