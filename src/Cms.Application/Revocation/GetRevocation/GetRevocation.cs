using Cms.Application.Revocation.Common;
using FluentValidation;
using Mediator;

namespace Cms.Application.Revocation.GetRevocation;

/// <summary>A revocation request with its steps and, after the confirm, the state of the certificate-revocation request.</summary>
public sealed record GetRevocationQuery(Guid Id) : IQuery<RevocationResponse>;

public sealed class GetRevocationValidator : AbstractValidator<GetRevocationQuery>
{
    public GetRevocationValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class GetRevocationHandler(RevocationRequests requests, TimeProvider clock) : IQueryHandler<GetRevocationQuery, RevocationResponse>
{
    public async ValueTask<RevocationResponse> Handle(GetRevocationQuery query, CancellationToken cancellationToken) =>
        await requests.ResponseAsync(await requests.LoadAsync(query.Id, cancellationToken), clock.GetUtcNow(), cancellationToken);
}
