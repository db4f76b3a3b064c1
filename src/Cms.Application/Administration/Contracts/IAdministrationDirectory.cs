using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Administration.Contracts;

/// <summary>An operator as other modules may read it (reports name the operator who ran them).</summary>
public sealed record OperatorSummary(string CodiceFiscale, string GivenName, string Surname, string? CounterCode);

/// <summary>What other modules may read of the counters and operators (the forms print the counter's name).</summary>
public interface IAdministrationDirectory
{
    /// <summary>The counter's name, or null when no counter has this code.</summary>
    Task<string?> CounterNameAsync(string counterCode, CancellationToken cancellationToken);
    Task<OperatorSummary?> FindOperatorAsync(Guid operatorId, CancellationToken cancellationToken);
}

internal sealed class AdministrationDirectory(IAdministrationData db) : IAdministrationDirectory
{
    public Task<string?> CounterNameAsync(string counterCode, CancellationToken cancellationToken) =>
        db.Counters.AsNoTracking().Where(c => c.Code == counterCode).Select(c => c.Name).SingleOrDefaultAsync(cancellationToken);

    public Task<OperatorSummary?> FindOperatorAsync(Guid operatorId, CancellationToken cancellationToken) =>
        db.Operators.AsNoTracking().Where(o => o.Id == operatorId)
            .Select(o => new OperatorSummary(o.CodiceFiscale, o.GivenName, o.Surname, o.CounterCode)).SingleOrDefaultAsync(cancellationToken);
}
