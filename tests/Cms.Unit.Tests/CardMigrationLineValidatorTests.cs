using Cms.Application.Common.Options;
using Cms.Application.Identification.ImportCardFeed;
using Cms.Domain.Auditing;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;

namespace Cms.Unit.Tests;

/// <summary>The checks of a migration line (decision 0039) beyond the feed's.</summary>
public class CardMigrationLineValidatorTests
{
    private static CardMigrationLine Good() => new()
    {
        CardNumber = "80380000900000000001", ExpiryDate = "2030-01-31", IssuerRegion = "090",
        Holder = new CardFeedHolder
        {
            CodiceFiscale = "RSSMRA80A01H501U", Surname = "ROSSI", GivenName = "MARIO", Sex = "M", BirthDate = "1980-01-01", BirthPlace = "ROMA",
        },
        State = "ACTIVE", ActivatedAt = "2024-03-01T10:15:00+01:00", ActivationMode = "HEALTH_DELEGATION",
        Operations = [new MigrationOperation { Type = "REPRINT", OccurredAt = "2025-01-02", Detail = " pratica 12 " }],
    };

    private static (List<string> Errors, ValidCardMigration? Valid) Check(CardMigrationLine line)
    {
        var errors = new List<string>();
        var valid = new CardMigrationLineValidator(new CmsOptions(), TimeProvider.System).Validate(line, errors);
        return (errors, valid?.Migration);
    }

    [Fact]
    public void A_line_without_codes_passes_with_its_state_activation_and_operations_parsed()
    {
        var (errors, valid) = Check(Good());
        Assert.Empty(errors);
        Assert.Equal(CardState.Active, valid!.State);
        Assert.Equal(ActivationMode.HealthDelegation, valid.ActivationMode);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 9, 15, 0, TimeSpan.Zero), valid.ActivatedAt);
        Assert.Equal(TimeSpan.Zero, valid.ActivatedAt!.Value.Offset);
        var operation = Assert.Single(valid.Operations);
        Assert.Equal(OperationType.Reprint, operation.Type);
        Assert.Equal(OperationOutcome.Succeeded, operation.Outcome);
        Assert.Equal("imported pratica 12", operation.Detail);
    }

    [Theory]
    [InlineData("SUSPENDED", null, null, "activatedAt, activationMode: obbligatori")]
    [InlineData("NOT_ACTIVE", "2024-03-01", "DIRECT", "activatedAt, activationMode: una tessera NOT_ACTIVE")]
    [InlineData("ACTIVE", "2024-03-01T10:15:00", "DIRECT", "activatedAt: data e ora ISO 8601 con fuso")]
    [InlineData("ACTIVE", "2031-03-01", "DIRECT", "activatedAt: nel futuro")]
    [InlineData("ACTIVE", "2024-03-01", "SELF", "activationMode: uno tra")]
    [InlineData("EXPIRED", null, null, "state: EXPIRED non si indica")]
    public void State_and_activation_are_checked_together(string state, string? activatedAt, string? mode, string expected)
    {
        var line = Good();
        (line.State, line.ActivatedAt, line.ActivationMode) = (state, activatedAt, mode);
        var (errors, valid) = Check(line);
        Assert.Null(valid);
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_revocation_date_only_for_a_revoked_card_and_not_before_its_activation()
    {
        var line = Good();
        line.RevokedAt = "2024-01-01";
        Assert.Contains("revokedAt: si indica solo per una tessera REVOKED.", Check(line).Errors);
        line.State = "REVOKED";
        Assert.Contains("revokedAt: precedente all'attivazione.", Check(line).Errors);
        line.RevokedAt = "2024-06-01";
        Assert.Equal(CardState.Revoked, Check(line).Valid!.State);
    }
}
