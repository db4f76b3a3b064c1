using System.Globalization;
using Cms.Domain.Common;
using FluentValidation;

namespace Cms.Application.Common.Validation;

/// <summary>Shared field rules; messages are Italian because operators read them.</summary>
public static class RuleExtensions
{
    public static IRuleBuilderOptions<T, string?> ValidCodiceFiscale<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => CodiceFiscale.IsValid(v))
            .WithErrorCode("invalid-codice-fiscale")
            .WithMessage((_, v) => CodiceFiscale.Problem(v) ?? "Codice fiscale non valido.");

    public static IRuleBuilderOptions<T, string?> ValidCardNumber<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => CardNumber.IsValid(v))
            .WithErrorCode("invalid-card-number")
            .WithMessage((_, v) => CardNumber.Problem(v) ?? "Numero di tessera non valido.");

    /// <summary>The CIP the holder types: digits only.</summary>
    public static IRuleBuilderOptions<T, string?> ValidCip<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().Matches("^[0-9]{4,16}$").WithErrorCode("invalid-cip").WithMessage("Il CIP è fatto di sole cifre.");

    /// <summary>The recipient-proof code as the holder read it out: six digits, when given at all.</summary>
    public static IRuleBuilderOptions<T, string?> RecipientProofCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Matches("^[0-9]{6}$").WithErrorCode("invalid-recipient-proof").WithMessage("Il codice di verifica è fatto di 6 cifre.");

    public static IRuleBuilderOptions<T, string?> IsoDate<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => TryParseDate(v, out var date) && date.Year is >= MinYear and <= MaxYear)
            .WithErrorCode("invalid-date")
            .WithMessage($"La data deve essere nel formato AAAA-MM-GG, tra il {MinYear} e il {MaxYear}.");

    /// <summary>Dates outside these years are typing errors (and 9999-12-31 has no next day to end a period with).</summary>
    public const int MinYear = 1900, MaxYear = 2199;

    public static bool TryParseDate(string? value, out DateOnly date) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    public static IRuleBuilderOptions<T, string?> RegionCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Matches("^[0-9]{3}$").WithErrorCode("invalid-region").WithMessage("Il codice regione deve avere 3 cifre.");
}
