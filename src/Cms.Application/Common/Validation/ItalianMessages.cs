using System.Globalization;
using FluentValidation;
using FluentValidation.Resources;

namespace Cms.Application.Common.Validation;

/// <summary>
/// FluentValidation's built-in checks speak Italian, without repeating the field's technical name: the problem's
/// <c>errors</c> already key each message by its field, and a front-end shows it beside that field.
/// </summary>
public sealed class ItalianMessages : LanguageManager
{
    private ItalianMessages()
    {
        Culture = CultureInfo.GetCultureInfo("it");
        (string Validator, string Message)[] messages =
        [
            ("NotEmptyValidator", "Campo obbligatorio."),
            ("NotNullValidator", "Campo obbligatorio."),
            ("MaximumLengthValidator", "Al massimo {MaxLength} caratteri (ne sono stati indicati {TotalLength})."),
            ("MinimumLengthValidator", "Almeno {MinLength} caratteri (ne sono stati indicati {TotalLength})."),
            ("LengthValidator", "Da {MinLength} a {MaxLength} caratteri (ne sono stati indicati {TotalLength})."),
            ("ExactLengthValidator", "Esattamente {MaxLength} caratteri (ne sono stati indicati {TotalLength})."),
            ("EmailValidator", "Indirizzo e-mail non valido."),
            ("RegularExpressionValidator", "Formato non valido."),
            ("EnumValidator", "Valore non previsto."),
            ("PredicateValidator", "Valore non valido."),
            ("AsyncPredicateValidator", "Valore non valido."),
            ("GreaterThanValidator", "Deve essere maggiore di {ComparisonValue}."),
            ("GreaterThanOrEqualValidator", "Deve essere almeno {ComparisonValue}."),
            ("LessThanValidator", "Deve essere minore di {ComparisonValue}."),
            ("LessThanOrEqualValidator", "Deve essere al massimo {ComparisonValue}."),
            ("InclusiveBetweenValidator", "Deve essere compreso tra {From} e {To}."),
            ("EqualValidator", "Deve essere uguale a {ComparisonValue}."),
            ("NotEqualValidator", "Non può essere uguale a {ComparisonValue}."),
            ("EmptyValidator", "Deve essere vuoto."),
            ("NullValidator", "Deve essere vuoto."),
        ];
        foreach (var (validator, message) in messages) AddTranslation("it", validator, message);
    }

    private static int applied;

    /// <summary>Once per process, before any validator runs.</summary>
    public static void Apply()
    {
        if (Interlocked.Exchange(ref applied, 1) == 1) return;
        ValidatorOptions.Global.LanguageManager = new ItalianMessages();
    }
}
