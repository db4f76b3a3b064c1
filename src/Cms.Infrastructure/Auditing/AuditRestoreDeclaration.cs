using System.Globalization;
using Cms.Domain.Auditing;
using Cms.Infrastructure.Persistence;
using Npgsql;

namespace Cms.Infrastructure.Auditing;

/// <summary>
/// The restore declared by configuration (<c>Audit:RestoredTo</c>, <c>Audit:RestoredAt</c>, decision 0056) written into the trail
/// once, at start-up: a platform entry (type <see cref="OperationType.KeyRotation"/>, no operator) with the detail
/// <c>restore-declared to=T at=…</c>, chained like any other and so covered by the checkpoints signed after it; the integrity
/// report names it. Settings that the trail does not record excuse nothing.
/// </summary>
public static class AuditRestoreDeclaration
{
    public static readonly string Type = EnumText<OperationType>.ToText(OperationType.KeyRotation);

    public static string Detail(DateTimeOffset restoredTo, DateTimeOffset restoredAt) =>
        string.Create(CultureInfo.InvariantCulture, $"restore-declared to={restoredTo.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffffZ} at={restoredAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffffZ}");

    /// <summary>Writes the declaration unless the trail holds it already (several instances starting together write it once); true when written now.</summary>
    public static async Task<bool> EnsureAsync(NpgsqlDataSource dataSource, AuditCheckpointOptions options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (options.RestoredTo is not { } to || options.RestoredAt is not { } at) return false;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT pg_advisory_xact_lock(hashtext('cms.audit.restore-declared'));
            INSERT INTO audit.operations (id, occurred_at, type, outcome, detail)
            SELECT @id, @now, @type, 'SUCCEEDED', @detail
            WHERE NOT EXISTS (SELECT FROM audit.operations WHERE type = @type AND detail = @detail);
            """, connection, transaction);
        command.Parameters.AddWithValue("id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        command.Parameters.AddWithValue("type", Type);
        command.Parameters.AddWithValue("detail", Detail(to, at));
        var written = await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return written > 0;
    }

    /// <summary>What the trail says about the declared restore (in the verification's snapshot, after chaining); null without the settings.</summary>
    public static async Task<RestoreDeclaration?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditCheckpointOptions options,
        CancellationToken cancellationToken)
    {
        if (options.RestoredTo is not { } to || options.RestoredAt is not { } at) return null;
        var declaration = new RestoreDeclaration(to, at);
        long declarationSequence = -1;
        await using (var find = new NpgsqlCommand("""
            SELECT o.sequence, l.chain_index, o.occurred_at FROM audit.operations o JOIN audit.chain_links l ON l.sequence = o.sequence
            WHERE o.type = @type AND o.detail = @detail ORDER BY l.chain_index LIMIT 1
            """, connection, transaction))
        {
            find.Parameters.AddWithValue("type", Type);
            find.Parameters.AddWithValue("detail", Detail(to, at));
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                declarationSequence = reader.GetInt64(0);
                declaration = declaration with { DeclarationIndex = reader.GetInt64(1), DeclaredAt = reader.GetFieldValue<DateTimeOffset>(2) };
            }
        }
        // A database restored to T holds nothing written after T; what Cms wrote once back in service comes after RestoredAt.
        await using (var inside = new NpgsqlCommand("""
            SELECT l.chain_index, o.occurred_at FROM audit.operations o JOIN audit.chain_links l ON l.sequence = o.sequence
            WHERE o.occurred_at > @to AND o.occurred_at < @at AND o.sequence <> @declaration
            ORDER BY l.chain_index LIMIT 1
            """, connection, transaction) { CommandTimeout = 0 })
        {
            inside.Parameters.AddWithValue("to", to);
            inside.Parameters.AddWithValue("at", at);
            inside.Parameters.AddWithValue("declaration", declarationSequence);
            await using var reader = await inside.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
                declaration = declaration with { EntryInWindowIndex = reader.GetInt64(0), EntryInWindowAt = reader.GetFieldValue<DateTimeOffset>(1) };
        }
        return declaration;
    }
}
