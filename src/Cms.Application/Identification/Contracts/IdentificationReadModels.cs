using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Identification.Contracts;

/// <summary>A card and its holder's codice fiscale, for reports that join the registry in one statement.</summary>
public sealed class CardHolderRow
{
    public required string CardNumber { get; init; }
    public required string HolderCodiceFiscale { get; init; }
}

/// <summary>A holder's name, for reports that join the registry in one statement.</summary>
public sealed class HolderNameRow
{
    public required string CodiceFiscale { get; init; }
    public required string Surname { get; init; }
    public required string GivenName { get; init; }
}

/// <summary>
/// Read models of the card registry that Reporting composes into its own queries (one SQL statement, the same connection):
/// projections, never the entities, and never tracked.
/// </summary>
public interface IIdentificationReadModels
{
    IQueryable<CardHolderRow> CardHolders { get; }
    IQueryable<HolderNameRow> HolderNames { get; }
}

internal sealed class IdentificationReadModels(IIdentificationData db) : IIdentificationReadModels
{
    public IQueryable<CardHolderRow> CardHolders =>
        db.Cards.AsNoTracking().Select(c => new CardHolderRow { CardNumber = c.CardNumber, HolderCodiceFiscale = c.HolderCodiceFiscale });

    public IQueryable<HolderNameRow> HolderNames =>
        db.Holders.AsNoTracking().Select(h => new HolderNameRow { CodiceFiscale = h.CodiceFiscale, Surname = h.Surname, GivenName = h.GivenName });
}
