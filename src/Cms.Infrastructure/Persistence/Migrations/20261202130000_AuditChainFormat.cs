using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AuditChainFormat : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // An unambiguous canonical text for the links chained from now on (docs/decisions/0028-trail-proof-outside-the-database.md).
            // The first form joined the fields with '|' and wrote NULL as '-': text could move from one field to the next, and a
            // NULL could not be told from '-', without changing the hash. Format 2 writes each field as '~' (NULL) or its length
            // in UTF-8 bytes, ':' and the text, after the tag 'cms-audit-2'. Every link records the form its hash was computed
            // with: the links there already keep their hashes (format 1); audit.chain_pending inserts the four first columns
            // and the new ones take the default, 2. The application recomputes both forms itself (AuditCanonical): nothing
            // here is trusted by the verification.
            migrationBuilder.Sql("""
                ALTER TABLE audit.chain_links ADD COLUMN format smallint NOT NULL DEFAULT 1 CHECK (format IN (1, 2));
                ALTER TABLE audit.chain_links ALTER COLUMN format SET DEFAULT 2;

                CREATE FUNCTION audit.canonical_field(f text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
                    SELECT CASE WHEN f IS NULL THEN '~' ELSE octet_length(convert_to(f, 'UTF8'))::text || ':' || f END
                $$;

                CREATE OR REPLACE FUNCTION audit.canonical(o audit.operations, chain_index bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
                    SELECT concat_ws('|', 'cms-audit-2', audit.canonical_field(chain_index::text), audit.canonical_field(o.sequence::text),
                        audit.canonical_field(o.id::text),
                        audit.canonical_field(to_char(o.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
                        audit.canonical_field(o.type), audit.canonical_field(o.outcome), audit.canonical_field(o.operator_id::text),
                        audit.canonical_field(o.operator_codice_fiscale), audit.canonical_field(o.counter_code), audit.canonical_field(o.region),
                        audit.canonical_field(o.card_number), audit.canonical_field(o.holder_codice_fiscale), audit.canonical_field(o.request_id),
                        audit.canonical_field(o.detail))
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Back to one form for every link: the old version knows format 1 only. The links chained in format 2 get their
            // hashes again in format 1, from the first of them to the head, in this migration's transaction (decision 0028) —
            // the trail stays verifiable by the old version; checkpoints signed after the upgrade no longer match those
            // positions and are kept aside with the rollback's date.
            migrationBuilder.Sql("CREATE OR REPLACE " + AuditChainLinks.CanonicalFormat1);
            migrationBuilder.Sql("""
                DROP FUNCTION audit.canonical_field(text);

                ALTER TABLE audit.chain_links DISABLE TRIGGER append_only;
                DO $$
                DECLARE
                    first_index bigint := (SELECT min(chain_index) FROM audit.chain_links WHERE format <> 1);
                    previous bytea;
                    r record;
                BEGIN
                    IF first_index IS NULL THEN
                        RETURN;
                    END IF;
                    previous := coalesce((SELECT hash FROM audit.chain_links WHERE chain_index = first_index - 1), audit.genesis());
                    FOR r IN SELECT l.chain_index, o FROM audit.chain_links l JOIN audit.operations o ON o.sequence = l.sequence
                             WHERE l.chain_index >= first_index ORDER BY l.chain_index LOOP
                        UPDATE audit.chain_links
                        SET previous_hash = previous, hash = sha256(previous || convert_to(audit.canonical(r.o, r.chain_index), 'UTF8'))
                        WHERE chain_index = r.chain_index RETURNING hash INTO previous;
                    END LOOP;
                    UPDATE audit.chain_head h SET hash = l.hash FROM audit.chain_links l WHERE l.chain_index = h.chain_index;
                END $$;
                ALTER TABLE audit.chain_links ENABLE TRIGGER append_only;
                ALTER TABLE audit.chain_links DROP COLUMN format;
                """);
        }
    }
}
