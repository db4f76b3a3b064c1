using Cms.Application.Administration.Common;
using Cms.Application.Common.Abstractions;
using Cms.Domain.Administration;
using Cms.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Cms.Application.Administration.Bootstrap;

public sealed class BootstrapOptions
{
    public const string Section = "Bootstrap";
    public string? AdminCodiceFiscale { get; set; }
    public string? AdminPassword { get; set; }
    public string AdminGivenName { get; set; } = "Amministratore";
    public string AdminSurname { get; set; } = "Sicurezza";
}

/// <summary>
/// Creates the first security administrator from configuration, on an empty database only (no operator
/// at all), so that configuration can never reset an administrator later.
/// </summary>
public sealed class AdministratorBootstrapper(ICmsDbContext db, IPasswordHasher hasher, TimeProvider clock, ILogger<AdministratorBootstrapper> logger)
{
    public async Task<bool> RunAsync(BootstrapOptions options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.AdminCodiceFiscale) || string.IsNullOrEmpty(options.AdminPassword)) return false;
        if (await db.Operators.AnyAsync(cancellationToken)) return false;
        var cf = CodiceFiscale.Normalise(options.AdminCodiceFiscale);
        if (CodiceFiscale.Problem(cf) is { } cfProblem)
            throw new InvalidOperationException($"Bootstrap:AdminCodiceFiscale is not valid: {cfProblem}");
        if (PasswordPolicy.Problem(options.AdminPassword, cf) is { } pwdProblem)
            throw new InvalidOperationException($"Bootstrap:AdminPassword is too weak: {pwdProblem}");
        var admin = new Operator(Guid.CreateVersion7(), cf, options.AdminGivenName, options.AdminSurname, null,
            [Role.SecurityAdministrator], true, hasher.Hash(options.AdminPassword), clock.GetUtcNow());
        db.Operators.Add(admin);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Created the first security administrator {OperatorId}", admin.Id);
        return true;
    }
}
