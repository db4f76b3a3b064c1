namespace Cms.Infrastructure.Identification;

/// <summary>
/// The statements of a migration import (decision 0039), run per batch after the staging tables are filled, in the batch's transaction.
/// Imported consents, reader deliveries and operations carry no operator of Cms (the nil UUID, or NULL in the trail); each row's id is
/// derived from its content, so a re-run finds it and adds nothing.
/// </summary>
internal static class MigrationSql
{
    private const string Nil = "'00000000-0000-0000-0000-000000000000'::uuid";

    // The staging tables' card numbers are text (the feed's); cast to the registry's character(20) so that its primary key serves the
    // joins. The migration's own staging tables use the registry's types.

    /// <summary>
    /// The lines whose card the migration may not move: a card Cms has handled since it was loaded (its state changed by Cms — no
    /// longer NOT_ACTIVE, and not set by a migration since), or a step the lifecycle does not have (out of REVOKED, back to NOT_ACTIVE).
    /// </summary>
    public const string RefusedStateChanges = """
        ANALYZE feed_cards;
        SELECT f.line, c.state, f.state, (c.migrated_at IS NULL AND c.state <> 'NOT_ACTIVE') AS managed_in_cms
        FROM feed_cards f JOIN identification.cards c ON c.card_number = f.card_number::character(20)
        WHERE c.state <> f.state AND (
            (c.migrated_at IS NULL AND c.state <> 'NOT_ACTIVE')
            OR NOT ((c.state = 'NOT_ACTIVE' AND f.state IN ('ACTIVE', 'SUSPENDED', 'REVOKED'))
                 OR (c.state = 'ACTIVE' AND f.state IN ('SUSPENDED', 'REVOKED'))
                 OR (c.state = 'SUSPENDED' AND f.state IN ('ACTIVE', 'REVOKED'))))
        ORDER BY f.line
        """;

    public const string DropLines = """
        DELETE FROM feed_cards WHERE line = ANY(@lines);
        DELETE FROM feed_holders WHERE line = ANY(@lines);
        DELETE FROM feed_consents WHERE line = ANY(@lines);
        DELETE FROM feed_readers WHERE line = ANY(@lines);
        DELETE FROM feed_operations WHERE line = ANY(@lines);
        """;

    /// <summary>New cards, in the state the previous CMS gives them; the last line of a card wins.</summary>
    public const string InsertCards = """
        INSERT INTO identification.cards (card_number, holder_codice_fiscale, expiry_date, issuer_region, state, codes_key_id, codes_ciphertext, loaded_at,
            certificate_serial, certificate_issuer, activated_at, activation_mode, revoked_at, migrated_at)
        SELECT DISTINCT ON (card_number) card_number, holder_codice_fiscale, expiry_date, issuer_region, state, codes_key_id, codes_ciphertext, now(),
            certificate_serial, certificate_issuer, activated_at, activation_mode, revoked_at, now()
        FROM feed_cards ORDER BY card_number, line DESC
        ON CONFLICT (card_number) DO NOTHING
        """;

    /// <summary>A migrated card without codes gets them from a later line that carries them; codes already held are never replaced.</summary>
    public const string FillMissingCodes = """
        UPDATE identification.cards AS c SET codes_key_id = f.codes_key_id, codes_ciphertext = f.codes_ciphertext
        FROM (SELECT DISTINCT ON (card_number) card_number, codes_key_id, codes_ciphertext
              FROM feed_cards WHERE codes_key_id IS NOT NULL ORDER BY card_number, line DESC) AS f
        WHERE c.card_number = f.card_number::character(20) AND c.codes_key_id IS NULL
        """;

    /// <summary>
    /// Cards already in the registry that only the feed or a migration has set (NOT_ACTIVE, or last set by a migration) take the state
    /// and activation of the line; the refused lines are gone from the staging tables by now. An unchanged card is not rewritten.
    /// </summary>
    private const string UpdateStates = """
        UPDATE identification.cards AS c SET state = f.state, activated_at = f.activated_at, activation_mode = f.activation_mode,
            revoked_at = f.revoked_at, migrated_at = now()
        FROM (SELECT DISTINCT ON (card_number) card_number, state, activated_at, activation_mode, revoked_at
              FROM feed_cards ORDER BY card_number, line DESC) AS f
        WHERE c.card_number = f.card_number::character(20)
          AND (c.state = 'NOT_ACTIVE' OR c.migrated_at IS NOT NULL)
          AND (c.state, c.activated_at, c.activation_mode, c.revoked_at) IS DISTINCT FROM (f.state, f.activated_at, f.activation_mode, f.revoked_at)
        """;

    /// <summary>
    /// The holder's consent versions, numbered after the holder's last one in date order. A holder whose consents Cms has already
    /// recorded at a counter keeps them as they are: Cms's record is the newer one.
    /// </summary>
    private const string InsertConsents = $"""
        INSERT INTO consents.versions (id, holder_codice_fiscale, card_number, number, model, mode, request_id, operator_id, counter_code, recorded_at,
            fse_call_id, consultation_consent, feeding_consent, information_notice_seen, notification_email, past_data)
        SELECT n.id, n.holder_codice_fiscale, n.card_number,
            coalesce((SELECT max(v.number) FROM consents.versions v WHERE v.holder_codice_fiscale = n.holder_codice_fiscale), 0)
                + row_number() OVER (PARTITION BY n.holder_codice_fiscale ORDER BY n.recorded_at, n.id),
            n.model, n.mode, {Nil}, {Nil}, n.counter_code, n.recorded_at, {Nil}, n.consultation_consent, n.feeding_consent,
            n.information_notice_seen, n.notification_email, n.past_data
        FROM (SELECT DISTINCT ON (id) * FROM feed_consents ORDER BY id, line) AS n
        WHERE NOT EXISTS (SELECT FROM consents.versions v WHERE v.id = n.id)
          AND NOT EXISTS (SELECT FROM consents.versions v WHERE v.holder_codice_fiscale = n.holder_codice_fiscale AND v.operator_id <> {Nil})
        """;

    /// <summary>Readers delivered: completed deliveries, counted by the one-per-household rule like Cms's own.</summary>
    private const string InsertReaderDeliveries = $"""
        INSERT INTO readers.deliveries (id, household_id, override_reason, reader_serial, form_printed_at, card_number, holder_codice_fiscale, status,
            operator_id, counter_code, created_at, updated_at, expires_at, completed_at, cancelled_at)
        SELECT n.id, h.household_id, NULL, n.reader_serial, NULL, n.card_number, n.holder_codice_fiscale, 'COMPLETED', {Nil}, n.counter_code,
            n.delivered_at, n.delivered_at, n.delivered_at, n.delivered_at, NULL
        FROM (SELECT DISTINCT ON (id) * FROM feed_readers ORDER BY id, line) AS n
        JOIN identification.holders h ON h.codice_fiscale = n.holder_codice_fiscale
        WHERE NOT EXISTS (SELECT FROM readers.deliveries d WHERE d.id = n.id)
        """;

    /// <summary>
    /// Past operations enter the trail as new entries (the chainer gives them their place in the hash chain like any other), with
    /// their own date, no operator id and a detail starting with <c>imported</c>: in the hashed fields, so the mark cannot be removed
    /// unseen; and not counted in the counters' statistics (audit.is_counter_operation_done).
    /// </summary>
    private const string InsertOperations = """
        INSERT INTO audit.operations (id, occurred_at, type, outcome, operator_id, operator_codice_fiscale, counter_code, region, card_number,
            holder_codice_fiscale, request_id, detail)
        SELECT n.id, n.occurred_at, n.type, n.outcome, NULL, n.operator_codice_fiscale, n.counter_code, n.region, n.card_number,
            n.holder_codice_fiscale, NULL, n.detail
        FROM (SELECT DISTINCT ON (id) * FROM feed_operations ORDER BY id, line) AS n
        WHERE NOT EXISTS (SELECT FROM audit.operations o WHERE o.id = n.id)
        ORDER BY n.occurred_at, n.id
        """;

    public static readonly string[] Merges = [FillMissingCodes, UpdateStates, InsertConsents, InsertReaderDeliveries, InsertOperations];
}
