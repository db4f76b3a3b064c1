using Cms.Domain.Common;

namespace Cms.Domain.Reprint.Contracts;

/// <summary>
/// Where a reprint is asked: the card's region and the holder's health authority (ASL, 3 digits, null when unknown), and the
/// operator's stated reason when the counter is not one of that health authority. A counter code is <c>RRR-AAA-XXXXX</c>
/// (region, health authority, counter): a reprint at another health authority's counter, at a counter of another region
/// (interoperability) or for a holder whose health authority is not known needs the reason, or it is refused.
/// </summary>
public sealed record ReprintPlace(string? HolderRegion, string? HolderHealthAuthority, string? OutsideReason)
{
    public const string Rule = "reprint-outside-health-authority";
    public const int ReasonMinLength = 10;
    public const int ReasonMaxLength = 500;

    /// <summary>The health authority of a counter code (<c>090-201-EM001</c> → <c>201</c>), or null when the code has no such part.</summary>
    public static string? HealthAuthorityOf(string counterCode, out string? region)
    {
        region = null;
        var parts = counterCode.Split('-');
        if (parts.Length != 3 || parts[0].Length != 3 || parts[1].Length != 3 || !parts[0].All(char.IsAsciiDigit) || !parts[1].All(char.IsAsciiDigit))
            return null;
        region = parts[0];
        return parts[1];
    }

    public static bool IsOutside(string counterCode, string? holderRegion, string? holderHealthAuthority)
    {
        var authority = HealthAuthorityOf(counterCode, out var counterRegion);
        return holderHealthAuthority is null || authority is null || authority != holderHealthAuthority
            || (holderRegion is not null && counterRegion != holderRegion);
    }

    public void Check(string counterCode)
    {
        if (!IsOutside(counterCode, HolderRegion, HolderHealthAuthority)) return;
        if (!string.IsNullOrWhiteSpace(OutsideReason) && OutsideReason.Trim().Length >= ReasonMinLength) return;
        var counterAuthority = HealthAuthorityOf(counterCode, out var counterRegion);
        var where = HolderRegion is not null && counterRegion != HolderRegion
            ? "Lo sportello non è della Regione che ha emesso la tessera"
            : HolderHealthAuthority is null
                ? "L'azienda sanitaria del titolare non è nota"
                : $"Lo sportello non è dell'azienda sanitaria del titolare ({HolderHealthAuthority})";
        throw new DomainRuleException(Rule,
                $"{where}: la ristampa dei codici si fa allo sportello dell'azienda sanitaria del titolare, oppure indicando il motivo " +
                $"(almeno {ReasonMinLength} caratteri), che resta registrato.")
            .With("holderHealthAuthority", HolderHealthAuthority)
            .With("counterHealthAuthority", counterAuthority);
    }
}
