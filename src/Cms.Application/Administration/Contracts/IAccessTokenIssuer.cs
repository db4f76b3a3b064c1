using Cms.Application.Common.Abstractions;
using Cms.Domain.Administration;

namespace Cms.Application.Administration.Contracts;

public interface IAccessTokenIssuer
{
    /// <summary>A token for the session just started: it names the session and ends, at the latest, when the session does.</summary>
    AccessToken Issue(Operator op, Counter? counter, OperatorSession session);
}
