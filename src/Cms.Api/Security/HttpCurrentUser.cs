using Cms.Domain.Common;
using System.Text.Json;
using Cms.Application.Common.Abstractions;
using Cms.Domain.Administration;

namespace Cms.Api.Security;

public sealed class HttpCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    private System.Security.Claims.ClaimsPrincipal? User => accessor.HttpContext?.User;

    public bool IsAuthenticated => User?.Identity?.IsAuthenticated == true && OperatorId is not null;
    public Guid? OperatorId => Guid.TryParse(User?.FindFirst(CmsClaims.OperatorId)?.Value, out var id) ? id : null;
    public Guid? SessionId => Guid.TryParse(User?.FindFirst(CmsClaims.SessionId)?.Value, out var id) ? id : null;
    public string? CodiceFiscale => User?.FindFirst(CmsClaims.CodiceFiscale)?.Value;
    public string? CounterCode => User?.FindFirst(CmsClaims.Counter)?.Value;
    public string? Region => User?.FindFirst(CmsClaims.Region)?.Value;

    public CounterType? CounterType
    {
        get
        {
            var text = User?.FindFirst(CmsClaims.CounterType)?.Value;
            if (text is null) return null;
            foreach (var value in Enum.GetValues<CounterType>())
                if (JsonNamingPolicy.SnakeCaseUpper.ConvertName(value.ToString()) == text) return value;
            return null;
        }
    }

    public IReadOnlyCollection<string> Roles => User?.FindAll(CmsClaims.Role).Select(c => c.Value).ToList() ?? [];
    public bool IsInRole(string role) => User?.HasClaim(CmsClaims.Role, role) == true;
    public string? AuthenticationMethod => User?.FindFirst(CmsClaims.Method)?.Value;
    public string? ClientAddress => accessor.HttpContext is { } http ? ClientAddresses.Of(http) : null;
}
