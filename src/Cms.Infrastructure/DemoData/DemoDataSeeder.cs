using Cms.Application.Common.Abstractions;
using Cms.Application.Identification.ImportCardFeed;
using Cms.Domain.Administration;
using Cms.Domain.Common;
using Cms.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cms.Infrastructure.DemoData;

public sealed class DemoDataOptions
{
    public const string Section = "DemoData";
    public bool Enabled { get; set; }
    public int Holders { get; set; } = 3000;
}

/// <summary>The demo operators; their password is public (README) and only ever used for demos.</summary>
public static class DemoAccounts
{
    public const string Password = "Demo-Cms-2026!";

    public sealed record Account(string CodiceFiscale, string GivenName, string Surname, string? CounterCode, string[] Roles, string Description);

    public static readonly (string Code, string Name, CounterType Type)[] Counters =
    [
        ("090-201-AS001", "ASL Toscana Centro – Sportello CUP Firenze", CounterType.Asl),
        ("090-201-OS001", "AOU Careggi – Ufficio accettazione", CounterType.Hospital),
        ("090-201-CM001", "Comune di Firenze – URP", CounterType.Municipality),
        ("090-000-RT001", "Regione Toscana – Ufficio relazioni con il pubblico", CounterType.RegionalOffice),
        ("090-201-FA001", "Farmacia Comunale n. 1 – Firenze", CounterType.Pharmacy),
        ("090-205-AS002", "ASL Toscana Nord Ovest – Sportello Pisa", CounterType.Asl),
    ];

    public static IReadOnlyList<Account> Accounts { get; } =
    [
        Make("Mario", "Bianchi", new DateOnly(1975, 3, 12), 'M', "090-201-AS001", [Role.Operator], "operatore ASL (sportello CUP)"),
        Make("Lucia", "Verdi", new DateOnly(1982, 7, 4), 'F', "090-201-OS001", [Role.Operator], "operatrice ospedale"),
        Make("Paolo", "Neri", new DateOnly(1969, 11, 23), 'M', "090-201-CM001", [Role.Operator], "operatore comune"),
        Make("Anna", "Galli", new DateOnly(1990, 1, 30), 'F', "090-000-RT001", [Role.Operator], "operatrice ufficio regionale"),
        Make("Giorgio", "Farini", new DateOnly(1985, 5, 17), 'M', "090-201-FA001", [Role.Operator], "farmacista"),
        Make("Elena", "Conti", new DateOnly(1978, 9, 8), 'F', null, [Role.Auditor], "auditor"),
        Make("Franco", "Serra", new DateOnly(1972, 12, 1), 'M', null, [Role.Issuer], "ente emettitore (card feed, revoche d'ufficio)"),
        Make("Sara", "Lombardi", new DateOnly(1987, 6, 21), 'F', null, [Role.SecurityAdministrator], "amministratrice della sicurezza"),
    ];

    private static Account Make(string given, string surname, DateOnly birth, char sex, string? counter, string[] roles, string description) =>
        new(CodiceFiscale.Compute(surname, given, birth, sex, "D612"), given, surname, counter, roles, description);
}

/// <summary>
/// Fills an empty database with counters of every type, operators of every role, and a few thousand
/// holders and cards (some minors, some expired, active and revoked ones). Runs once: it does nothing
/// when any counter exists.
/// </summary>
public sealed class DemoDataSeeder(CmsDbContext db, IPasswordHasher hasher, ICardFeedImporter importer, NpgsqlDataSource dataSource,
    Microsoft.Extensions.Options.IOptions<Cms.Application.Common.Options.CmsOptions> cms, TimeProvider clock, ILogger<DemoDataSeeder> logger)
{
    public async Task<bool> SeedAsync(DemoDataOptions options, CancellationToken cancellationToken)
    {
        if (await db.Counters.AnyAsync(cancellationToken)) return false;
        var now = clock.GetUtcNow();
        foreach (var (code, name, type) in DemoAccounts.Counters) db.Counters.Add(new Counter(code, name, type, cms.Value.Region));
        var hash = hasher.Hash(DemoAccounts.Password);
        foreach (var a in DemoAccounts.Accounts)
        {
            if (await db.Operators.AnyAsync(o => o.CodiceFiscale == a.CodiceFiscale, cancellationToken)) continue;
            db.Operators.Add(new Operator(Guid.CreateVersion7(), a.CodiceFiscale, a.GivenName, a.Surname, a.CounterCode, a.Roles, true, hash, now));
        }
        await db.SaveChangesAsync(cancellationToken);

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        using var feed = new MemoryStream();
        // The demo cards are this region's (their numbers carry its code): a second instance for another region gets its own.
        await DemoPopulation.WriteNdjsonAsync(DemoPopulation.ForRegion(cms.Value.Region).Cards(options.Holders, today), feed, cancellationToken);
        feed.Position = 0;
        var result = await importer.ImportNdjsonAsync(feed, 10, cancellationToken);

        // Give the registry a history: four cards in ten active, one in thirty revoked, old cards revoked or left expired.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            UPDATE identification.cards SET state = 'ACTIVE', activated_at = now() - (abs(hashtext(card_number)) % 900) * interval '1 day'
             WHERE abs(hashtext(card_number)) % 10 < 4 AND expiry_date >= current_date;
            UPDATE identification.cards SET state = 'REVOKED', revoked_at = now() - (abs(hashtext(card_number)) % 300) * interval '1 day'
             WHERE abs(hashtext(card_number)) % 30 = 29;
            UPDATE identification.cards SET state = 'ACTIVE', activated_at = now() - interval '2000 days'
             WHERE expiry_date < current_date AND state = 'NOT_ACTIVE' AND abs(hashtext(card_number)) % 2 = 0;
            """, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        logger.LogInformation("Demo data: {Counters} counters, {Operators} operators, {Cards} cards", DemoAccounts.Counters.Length,
            DemoAccounts.Accounts.Count, result.Accepted);
        return true;
    }
}
