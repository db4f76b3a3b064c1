using Cms.Application.Administration.Contracts;
using Cms.Domain.Common;
using System.Security.Claims;
using System.Text.Json;
using Cms.Application.Common.Abstractions;
using Cms.Domain.Administration;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cms.Api.Security;

/// <summary>
/// Issues HMAC-SHA256 JWTs carrying operator, session, counter, region and roles. A token ends with its session at the
/// latest; the session (checked on every request) can end it earlier.
/// </summary>
public sealed class JwtTokenIssuer(IOptions<JwtOptions> options, SigningKeyHolder key, TimeProvider clock) : IAccessTokenIssuer
{
    private readonly JsonWebTokenHandler handler = new();

    public AccessToken Issue(Operator op, Counter? counter, OperatorSession session)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var expires = session.ExpiresAt;
        var claims = new List<Claim>
        {
            new(CmsClaims.OperatorId, op.Id.ToString()),
            new(CmsClaims.SessionId, session.Id.ToString()),
            new(CmsClaims.CodiceFiscale, op.CodiceFiscale),
            new(CmsClaims.Name, $"{op.GivenName} {op.Surname}"),
            new(CmsClaims.Method, session.Method),
        };
        if (counter is not null)
        {
            claims.Add(new Claim(CmsClaims.Counter, counter.Code));
            claims.Add(new Claim(CmsClaims.CounterType, JsonNamingPolicy.SnakeCaseUpper.ConvertName(counter.Type.ToString())));
            claims.Add(new Claim(CmsClaims.Region, counter.Region));
        }
        claims.AddRange(op.Roles.Select(r => new Claim(CmsClaims.Role, r)));
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = o.Issuer,
            Audience = o.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.HmacSha256),
        });
        return new AccessToken(token, expires);
    }
}

public sealed class SigningKeyHolder(IOptions<JwtOptions> options)
{
    public SymmetricSecurityKey Key { get; } = new(options.Value.ResolveKey());
}
