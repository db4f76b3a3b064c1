using Cms.Api.Problems;
using Cms.Application.Common.Options;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;

namespace Cms.Api.Security;

/// <summary>The operator's counter is of a type the region lets work in interoperability (<c>Cms:Interop:CounterTypes</c>).</summary>
public sealed class InteropCounterRequirement : IAuthorizationRequirement;

/// <summary>
/// Meets <see cref="InteropCounterRequirement"/> from the counter type in the token and the region's policy as it is now (decision
/// 0038): the same policy decides identification's <c>interoperabilityAvailable</c> and the creation of a request. An operator at
/// a counter the policy leaves out fails with a reason, which <see cref="CmsAuthorizationResultHandler"/> turns into the
/// catalogued problem.
/// </summary>
public sealed class InteropCounterHandler(IOptions<CmsOptions> options) : AuthorizationHandler<InteropCounterRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, InteropCounterRequirement requirement)
    {
        var type = context.User.FindFirst(CmsClaims.CounterType)?.Value;
        if (CounterTypeNames.TryParse(type, out var counterType) && options.Value.Interop.Policy().Allows(counterType))
            context.Succeed(requirement);
        else if (type is not null && context.User.HasClaim(CmsClaims.Role, Cms.Domain.Administration.Role.Operator))
            context.Fail(new AuthorizationFailureReason(this, "interop-not-allowed-at-counter"));
        return Task.CompletedTask;
    }
}

/// <summary>
/// An operator refused only because of their counter's type gets <c>403 interop-not-allowed-at-counter</c>, naming the counter
/// types the region allows, instead of the bare <c>forbidden</c>; every other outcome is the framework's.
/// </summary>
public sealed class CmsAuthorizationResultHandler(IOptions<CmsOptions> options, IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler standard = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && authorizeResult.AuthorizationFailure is { } failure
            && failure.FailureReasons.Any(r => r.Handler is InteropCounterHandler)
            && !failure.FailedRequirements.Any(r => r is not InteropCounterRequirement))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context, ProblemDetails = CmsExceptionHandler.Rule(options.Value.Interop.NotAllowedAtCounter()),
            });
            return;
        }
        await standard.HandleAsync(next, context, policy, authorizeResult);
    }
}
