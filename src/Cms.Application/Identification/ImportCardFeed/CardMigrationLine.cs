using Cms.Domain.Consents.Contracts;
using System.Globalization;
using System.Text.Json;
using Cms.Application.Common.Options;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Consents;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Requests;

namespace Cms.Application.Identification.ImportCardFeed;

/// <summary>
/// One line of a migration import (<c>POST /api/v1/issuer/card-feed?migration=true</c>, <c>cms import-cards --migration</c>): a card
/// feed line — its <c>codes</c> optional — plus the card's state and activation as the region's previous CMS recorded them, and
/// optionally the holder's FSE consents, the readers delivered and the card's past operations (decision 0039).
/// </summary>
public sealed class CardMigrationLine : CardFeedLine
{
    /// <summary><c>NOT_ACTIVE</c>, <c>ACTIVE</c>, <c>SUSPENDED</c> or <c>REVOKED</c>.</summary>
    public string? State { get; set; }
    /// <summary>When the card was activated (ISO 8601, e.g. <c>2024-03-01T10:15:00Z</c>, or a date): required for an active or suspended card.</summary>
    public string? ActivatedAt { get; set; }
    /// <summary>How: <c>DIRECT</c>, <c>DELEGATED</c>, <c>HEALTH_DELEGATION</c> or <c>CITIZEN_RENEWAL</c>; with <see cref="ActivatedAt"/>.</summary>
    public string? ActivationMode { get; set; }
    /// <summary>Optional, for a revoked card: when it was revoked.</summary>
    public string? RevokedAt { get; set; }
    public List<MigrationConsent>? Consents { get; set; }
    public List<MigrationReaderDelivery>? ReaderDeliveries { get; set; }
    public List<MigrationOperation>? Operations { get; set; }
}

/// <summary>A version of the holder's FSE consents, as recorded by the previous CMS.</summary>
public sealed class MigrationConsent
{
    public string? RecordedAt { get; set; }
    /// <summary><c>CURRENT</c> (DL 34/2020) or <c>LEGACY</c> (with the consent to feeding).</summary>
    public string? Model { get; set; }
    public bool? InformationNoticeSeen { get; set; }
    public bool? FeedingConsent { get; set; }
    public bool? ConsultationConsent { get; set; }
    public string? NotificationEmail { get; set; }
    /// <summary><c>RECOVER_WITHOUT_OBSCURING</c>, <c>RECOVER_WITH_OBSCURING</c> or <c>NO_RECOVERY</c>.</summary>
    public string? PastData { get; set; }
    /// <summary>Optional: <c>DIRECT</c> (default), <c>DELEGATED</c>.</summary>
    public string? Mode { get; set; }
    public string? CounterCode { get; set; }
}

/// <summary>A card reader delivered to the holder.</summary>
public sealed class MigrationReaderDelivery
{
    public string? DeliveredAt { get; set; }
    public string? ReaderSerial { get; set; }
    public string? CounterCode { get; set; }
}

/// <summary>A past operation on the card; it enters the trail marked as imported.</summary>
public sealed class MigrationOperation
{
    /// <summary>One of the card operations: <c>ACTIVATION</c>, <c>CODE_DELIVERY</c>, <c>REPRINT</c>, <c>REVOCATION</c>, <c>FSE_CONSENTS</c>,
    /// <c>READER_DELIVERY</c>, <c>SUSPENSION</c>, <c>REACTIVATION</c>.</summary>
    public string? Type { get; set; }
    public string? OccurredAt { get; set; }
    /// <summary>Optional: <c>SUCCEEDED</c> (default), <c>REJECTED</c> or <c>FAILED</c>.</summary>
    public string? Outcome { get; set; }
    public string? CounterCode { get; set; }
    public string? OperatorCodiceFiscale { get; set; }
    /// <summary>Optional short text (at most 180 characters), never a code or a secret.</summary>
    public string? Detail { get; set; }
}

public sealed record ValidMigrationConsent(DateTimeOffset RecordedAt, ConsentModel Model, ConsentChoices Choices, RequestMode Mode, string CounterCode);

public sealed record ValidMigrationReaderDelivery(DateTimeOffset DeliveredAt, string? ReaderSerial, string CounterCode);

public sealed record ValidMigrationOperation(OperationType Type, DateTimeOffset OccurredAt, OperationOutcome Outcome, string? CounterCode,
    string? OperatorCodiceFiscale, string Detail);

/// <summary>A migration line that passed every check.</summary>
public sealed record ValidCardMigration(
    CardState State, DateTimeOffset? ActivatedAt, ActivationMode? ActivationMode, DateTimeOffset? RevokedAt,
    IReadOnlyList<ValidMigrationConsent> Consents, IReadOnlyList<ValidMigrationReaderDelivery> ReaderDeliveries,
    IReadOnlyList<ValidMigrationOperation> Operations);

/// <summary>The checks of a migration line beyond the feed's; every message names the field (with its position in a list) and the rule.</summary>
public sealed class CardMigrationLineValidator(CmsOptions options, TimeProvider clock)
{
    /// <summary>The counter code written on imported consents and reader deliveries that carry none.</summary>
    public const string MigrationCounter = "MIGRAZIONE";
    /// <summary>The prefix of the detail of every imported operation in the trail.</summary>
    public const string ImportedPrefix = "imported";
    public const int MaxConsents = 50, MaxReaderDeliveries = 20, MaxOperations = 500, MaxDetail = 180;

    private static readonly OperationType[] CardOperations =
    [
        OperationType.Activation, OperationType.CodeDelivery, OperationType.Reprint, OperationType.Revocation, OperationType.FseConsents,
        OperationType.ReaderDelivery, OperationType.Suspension, OperationType.Reactivation,
    ];

    private readonly CardFeedLineValidator feed = new(options);

    public (ValidCardFeedLine Card, ValidCardMigration Migration)? Validate(CardMigrationLine line, List<string> errors)
    {
        var card = feed.Validate(line, errors, codesRequired: false);
        var now = clock.GetUtcNow();

        CardState? state = line.State switch
        {
            "NOT_ACTIVE" => CardState.NotActive,
            "ACTIVE" => CardState.Active,
            "SUSPENDED" => CardState.Suspended,
            "REVOKED" => CardState.Revoked,
            _ => null,
        };
        if (state is null)
            errors.Add(line.State == "EXPIRED"
                ? "state: EXPIRED non si indica, Cms lo ricava dalla data di scadenza: indicare lo stato che la tessera aveva (ACTIVE, SUSPENDED…)."
                : "state: obbligatorio, uno tra NOT_ACTIVE, ACTIVE, SUSPENDED, REVOKED.");

        var activatedAt = Instant(line.ActivatedAt, "activatedAt", now, errors);
        ActivationMode? mode = null;
        if (line.ActivationMode is not null)
        {
            mode = Parse<ActivationMode>(line.ActivationMode);
            if (mode is null) errors.Add("activationMode: uno tra DIRECT, DELEGATED, HEALTH_DELEGATION, CITIZEN_RENEWAL.");
        }
        if (state is CardState.Active or CardState.Suspended && (line.ActivatedAt is null || line.ActivationMode is null))
            errors.Add("activatedAt, activationMode: obbligatori per una tessera ACTIVE o SUSPENDED.");
        if (state == CardState.NotActive && (line.ActivatedAt is not null || line.ActivationMode is not null))
            errors.Add("activatedAt, activationMode: una tessera NOT_ACTIVE non è stata attivata, non si indicano.");
        if (state == CardState.Revoked && (line.ActivatedAt is null) != (line.ActivationMode is null))
            errors.Add("activatedAt, activationMode: si indicano insieme, o nessuno dei due.");
        var revokedAt = Instant(line.RevokedAt, "revokedAt", now, errors);
        if (line.RevokedAt is not null && state is not null && state != CardState.Revoked)
            errors.Add("revokedAt: si indica solo per una tessera REVOKED.");
        if (activatedAt is { } a && revokedAt is { } r && r < a) errors.Add("revokedAt: precedente all'attivazione.");
        if (card is not null && activatedAt is { } act && DateOnly.FromDateTime(act.UtcDateTime) > card.ExpiryDate)
            errors.Add("activatedAt: successiva alla data di scadenza della tessera.");

        var consents = new List<ValidMigrationConsent>();
        if (line.Consents is { Count: > MaxConsents }) errors.Add($"consents: al massimo {MaxConsents} versioni per riga.");
        else
            for (var i = 0; i < (line.Consents?.Count ?? 0); i++)
                if (Consent(line.Consents![i], $"consents[{i}]", now, errors) is { } c) consents.Add(c);

        var readers = new List<ValidMigrationReaderDelivery>();
        if (line.ReaderDeliveries is { Count: > MaxReaderDeliveries }) errors.Add($"readerDeliveries: al massimo {MaxReaderDeliveries} consegne per riga.");
        else
            for (var i = 0; i < (line.ReaderDeliveries?.Count ?? 0); i++)
            {
                var d = line.ReaderDeliveries![i];
                var field = $"readerDeliveries[{i}]";
                if (d is null) { errors.Add($"{field}: consegna mancante."); continue; }
                var at = Instant(d.DeliveredAt, $"{field}.deliveredAt", now, errors, required: true);
                if (d.ReaderSerial is { Length: > 60 }) errors.Add($"{field}.readerSerial: al massimo 60 caratteri.");
                var counter = Counter(d.CounterCode, field, errors);
                if (at is { } when && d.ReaderSerial is not { Length: > 60 } && counter is not null)
                    readers.Add(new ValidMigrationReaderDelivery(when, string.IsNullOrWhiteSpace(d.ReaderSerial) ? null : d.ReaderSerial.Trim(), counter));
            }

        var operations = new List<ValidMigrationOperation>();
        if (line.Operations is { Count: > MaxOperations }) errors.Add($"operations: al massimo {MaxOperations} operazioni per riga.");
        else
            for (var i = 0; i < (line.Operations?.Count ?? 0); i++)
                if (Operation(line.Operations![i], $"operations[{i}]", now, errors) is { } o) operations.Add(o);

        if (errors.Count > 0 || card is null || state is null) return null;
        return (card, new ValidCardMigration(state.Value, activatedAt, mode, revokedAt, consents, readers, operations));
    }

    private static ValidMigrationConsent? Consent(MigrationConsent? c, string field, DateTimeOffset now, List<string> errors)
    {
        if (c is null) { errors.Add($"{field}: versione dei consensi mancante."); return null; }
        var before = errors.Count;
        var at = Instant(c.RecordedAt, $"{field}.recordedAt", now, errors, required: true);
        var model = Parse<ConsentModel>(c.Model);
        if (model is null) errors.Add($"{field}.model: CURRENT o LEGACY.");
        if (c.InformationNoticeSeen is null) errors.Add($"{field}.informationNoticeSeen: obbligatorio (true o false).");
        if (c.ConsultationConsent is null) errors.Add($"{field}.consultationConsent: obbligatorio (true o false).");
        var pastData = Parse<PastDataChoice>(c.PastData);
        if (pastData is null) errors.Add($"{field}.pastData: uno tra RECOVER_WITHOUT_OBSCURING, RECOVER_WITH_OBSCURING, NO_RECOVERY.");
        if (c.NotificationEmail is { } email && (email.Length > 254 || !email.Contains('@', StringComparison.Ordinal)))
            errors.Add($"{field}.notificationEmail: indirizzo e-mail non valido.");
        var mode = c.Mode is null ? RequestMode.Direct : Parse<RequestMode>(c.Mode);
        if (mode is null) errors.Add($"{field}.mode: DIRECT, DELEGATED o HEALTH_DELEGATION.");
        var counter = Counter(c.CounterCode, field, errors);
        if (errors.Count > before) return null;
        var choices = new ConsentChoices(c.InformationNoticeSeen!.Value, c.FeedingConsent, c.ConsultationConsent!.Value,
            string.IsNullOrWhiteSpace(c.NotificationEmail) ? null : c.NotificationEmail.Trim(), pastData!.Value);
        try
        {
            ConsentRules.Check(model!.Value, choices, declarationConfirmed: true);
        }
        catch (DomainRuleException e)
        {
            errors.Add($"{field}: {e.Rule}: {e.Message}");
            return null;
        }
        return new ValidMigrationConsent(at!.Value, model.Value, choices, mode!.Value, counter!);
    }

    private static ValidMigrationOperation? Operation(MigrationOperation? o, string field, DateTimeOffset now, List<string> errors)
    {
        if (o is null) { errors.Add($"{field}: operazione mancante."); return null; }
        var before = errors.Count;
        var type = Parse<OperationType>(o.Type);
        if (type is null || !CardOperations.Contains(type.Value))
            errors.Add($"{field}.type: una tra ACTIVATION, CODE_DELIVERY, REPRINT, REVOCATION, FSE_CONSENTS, READER_DELIVERY, SUSPENSION, REACTIVATION.");
        var at = Instant(o.OccurredAt, $"{field}.occurredAt", now, errors, required: true);
        var outcome = o.Outcome is null ? OperationOutcome.Succeeded : Parse<OperationOutcome>(o.Outcome);
        if (outcome is null) errors.Add($"{field}.outcome: SUCCEEDED, REJECTED o FAILED.");
        if (o.CounterCode is { Length: > 40 }) errors.Add($"{field}.counterCode: al massimo 40 caratteri.");
        if (o.OperatorCodiceFiscale is not null && CodiceFiscale.Problem(o.OperatorCodiceFiscale) is { } cf)
            errors.Add($"{field}.operatorCodiceFiscale: {cf}");
        if (o.Detail is { Length: > MaxDetail }) errors.Add($"{field}.detail: al massimo {MaxDetail} caratteri.");
        if (errors.Count > before) return null;
        var detail = string.IsNullOrWhiteSpace(o.Detail) ? ImportedPrefix : $"{ImportedPrefix} {o.Detail.Trim()}";
        return new ValidMigrationOperation(type!.Value, at!.Value, outcome!.Value, string.IsNullOrWhiteSpace(o.CounterCode) ? null : o.CounterCode.Trim(),
            o.OperatorCodiceFiscale, detail);
    }

    private static string? Counter(string? code, string field, List<string> errors)
    {
        if (code is null || code.Trim().Length == 0) return MigrationCounter;
        if (code.Length > 40) { errors.Add($"{field}.counterCode: al massimo 40 caratteri."); return null; }
        return code.Trim();
    }

    /// <summary>An ISO 8601 instant (with its offset) or a date (midnight UTC), not in the future; null when absent or wrong.</summary>
    private static DateTimeOffset? Instant(string? value, string field, DateTimeOffset now, List<string> errors, bool required = false)
    {
        if (value is null)
        {
            if (required) errors.Add($"{field}: obbligatoria, data e ora ISO 8601 (es. 2024-03-01T10:15:00Z) o data AAAA-MM-GG.");
            return null;
        }
        DateTimeOffset at;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            at = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        else if (value.Length < 20 || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out at)
                 || !(value.EndsWith('Z') || value[^6] is '+' or '-'))
        {
            errors.Add($"{field}: data e ora ISO 8601 con fuso (es. 2024-03-01T10:15:00Z) o data AAAA-MM-GG.");
            return null;
        }
        if (at > now) { errors.Add($"{field}: nel futuro."); return null; }
        if (at.Year < 1990) { errors.Add($"{field}: anteriore al 1990."); return null; }
        return at.ToUniversalTime();
    }

    private static T? Parse<T>(string? text) where T : struct, Enum =>
        text is not null && Names<T>.Values.TryGetValue(text, out var value) ? value : null;

    private static class Names<T> where T : struct, Enum
    {
        public static readonly Dictionary<string, T> Values =
            Enum.GetValues<T>().ToDictionary(v => JsonNamingPolicy.SnakeCaseUpper.ConvertName(v.ToString()), v => v, StringComparer.Ordinal);
    }
}
