using System.Text.Json;
using Cms.Infrastructure.Auditing;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>
/// The database's chainer (audit.canonical, migration 20261213100000_AuditCanonicalInlined) and the application's walk
/// (<see cref="AuditCanonical"/>) write the same canonical text for every shape of entry: a difference would show every link as
/// tampered — or, worse, let the two agree on a weaker text.
/// </summary>
public class AuditCanonicalTests(CmsFactory factory) : ApiTest(factory)
{
    public static TheoryData<string> Shapes => new()
    {
        "every optional field missing",
        "every field present",
        "empty texts",
        "separators and non-ASCII",
        "whole second",
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task The_database_and_the_application_write_the_same_canonical_text(string shape)
    {
        var entry = shape switch
        {
            "every optional field missing" => Entry(null, null, null, null, null, null, null, null),
            "every field present" => Entry(Guid.NewGuid(), "RSSMRA80A01H501U", "090-201-AS001", "090", "80380000900000000101",
                "VRDNNA85T41D612K", Guid.NewGuid().ToString(), "confirm mode=DIRECT channel=EMAIL"),
            "empty texts" => Entry(null, "", "", "", "", "", "", ""),
            "separators and non-ASCII" => Entry(Guid.NewGuid(), "RSSMRA80A01H501U", "càè|~:ü", "0|9", "~", "12:ab", "a|b:c~d",
                "perché € 😀 | ~ : 12:ab ñ — 表"),
            _ => Entry(null, null, null, null, null, null, null, "x") with { OccurredAtUtc = new DateTime(2026, 12, 4, 10, 0, 0, DateTimeKind.Utc) },
        };
        var row = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["sequence"] = entry.Sequence, ["id"] = entry.Id, ["occurred_at"] = entry.OccurredAtUtc.ToString("O"), ["type"] = entry.Type,
            ["outcome"] = entry.Outcome, ["operator_id"] = entry.OperatorId, ["operator_codice_fiscale"] = entry.OperatorCodiceFiscale,
            ["counter_code"] = entry.CounterCode, ["region"] = entry.Region, ["card_number"] = entry.CardNumber,
            ["holder_codice_fiscale"] = entry.HolderCodiceFiscale, ["request_id"] = entry.RequestId, ["detail"] = entry.Detail,
        });

        var database = await Factory.ScalarAsync<string>(
            "SELECT audit.canonical(jsonb_populate_record(NULL::audit.operations, @row::jsonb), 9876543210)", ("row", row));

        Assert.Equal(AuditCanonical.Text(AuditCanonical.CurrentFormat, 9876543210, entry), database);
    }

    private static AuditEntryFields Entry(Guid? operatorId, string? operatorCf, string? counter, string? region, string? card, string? holder,
        string? request, string? detail) =>
        new(123456789, Guid.NewGuid(), new DateTime(2026, 12, 4, 10, 11, 12, DateTimeKind.Utc).AddTicks(1234560), "ACTIVATION", "SUCCEEDED",
            operatorId, operatorCf, counter, region, card, holder, request, detail);
}
