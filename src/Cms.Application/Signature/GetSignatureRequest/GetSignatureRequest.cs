using Cms.Application.Signature.Common;
using FluentValidation;
using Mediator;

namespace Cms.Application.Signature.GetSignatureRequest;

/// <summary>A signature-certificate request and, once confirmed, where its call to the certification authority stands.</summary>
public sealed record GetSignatureRequestQuery(Guid Id) : IQuery<SignatureRequestResponse>;

public sealed class GetSignatureRequestValidator : AbstractValidator<GetSignatureRequestQuery>
{
    public GetSignatureRequestValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class GetSignatureRequestHandler(SignatureRequests requests, TimeProvider clock) : IQueryHandler<GetSignatureRequestQuery, SignatureRequestResponse>
{
    public async ValueTask<SignatureRequestResponse> Handle(GetSignatureRequestQuery query, CancellationToken cancellationToken)
    {
        var request = await requests.LoadAsync(query.Id, cancellationToken);
        return await requests.ResponseAsync(request, clock.GetUtcNow(), cancellationToken);
    }
}
