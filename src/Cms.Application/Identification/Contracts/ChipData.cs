using Cms.Application.Common.Validation;
using Cms.Domain.Common;
using FluentValidation;

namespace Cms.Application.Identification.Contracts;

/// <summary>The personal data read from the card's chip by the reader SDK.</summary>
public sealed record ChipData(string? CardNumber, string? CodiceFiscale, string? Surname, string? GivenName, string? BirthDate, string? ExpiryDate);

/// <summary>What a chip reading must look like, and how it is compared with the registry: identification's, reused for the delegate's card.</summary>
public static class ChipReadings
{
    public static void Rules<T>(AbstractValidator<T> v, Func<T, ChipData?> get, string prefix) => v.When(x => get(x) is not null, () =>
    {
        v.RuleFor(x => get(x)!.CardNumber).ValidCardNumber().OverridePropertyName($"{prefix}.cardNumber");
        v.RuleFor(x => get(x)!.CodiceFiscale).ValidCodiceFiscale().OverridePropertyName($"{prefix}.codiceFiscale");
        v.RuleFor(x => get(x)!.Surname).NotEmpty().MaximumLength(100).OverridePropertyName($"{prefix}.surname");
        v.RuleFor(x => get(x)!.GivenName).NotEmpty().MaximumLength(100).OverridePropertyName($"{prefix}.givenName");
        v.RuleFor(x => get(x)!.BirthDate).NotEmpty().IsoDate().OverridePropertyName($"{prefix}.birthDate");
        v.RuleFor(x => get(x)!.ExpiryDate).NotEmpty().IsoDate().OverridePropertyName($"{prefix}.expiryDate");
    });

    /// <summary>The fields of the reading that differ from the registry's card and holder.</summary>
    public static List<string> Mismatches(string codiceFiscale, string surname, string givenName, DateOnly birthDate, DateOnly expiryDate, ChipData chip)
    {
        var list = new List<string>();
        if (!string.Equals(codiceFiscale, chip.CodiceFiscale, StringComparison.Ordinal)) list.Add("codiceFiscale");
        if (!PersonNames.Same(surname, chip.Surname)) list.Add("surname");
        if (!PersonNames.Same(givenName, chip.GivenName)) list.Add("givenName");
        if (!RuleExtensions.TryParseDate(chip.BirthDate, out var birth) || birth != birthDate) list.Add("birthDate");
        if (!RuleExtensions.TryParseDate(chip.ExpiryDate, out var expiry) || expiry != expiryDate) list.Add("expiryDate");
        return list;
    }
}
