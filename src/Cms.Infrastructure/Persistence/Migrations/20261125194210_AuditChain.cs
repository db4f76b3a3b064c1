using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AuditChain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The tamper-evident trail (docs/decisions/0011-audit-hash-chain.md). Every entry is chained to the one before by
            // a SHA-256 over the previous hash and the entry's canonical text; a BEFORE INSERT trigger computes it under a lock
            // on the chain's head, so entries are chained in the order they are written whatever the application does.
            // UPDATE, DELETE and TRUNCATE of entries are refused by triggers.
            migrationBuilder.Sql("""
                ALTER TABLE audit.operations ADD COLUMN chain_index bigint, ADD COLUMN previous_hash bytea, ADD COLUMN hash bytea;

                CREATE TABLE audit.chain_head (
                    id int PRIMARY KEY CHECK (id = 1),
                    chain_index bigint NOT NULL,
                    hash bytea NOT NULL);

                CREATE FUNCTION audit.genesis() RETURNS bytea LANGUAGE sql IMMUTABLE AS $$ SELECT sha256(convert_to('cms-audit-trail', 'UTF8')) $$;

                CREATE FUNCTION audit.canonical(o audit.operations) RETURNS text LANGUAGE sql IMMUTABLE AS $$
                    SELECT concat_ws('|', o.chain_index, o.sequence, o.id,
                        to_char(o.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                        o.type, o.outcome, coalesce(o.operator_id::text, '-'), coalesce(o.operator_codice_fiscale, '-'),
                        coalesce(o.counter_code, '-'), coalesce(o.region, '-'), coalesce(o.card_number, '-'),
                        coalesce(o.holder_codice_fiscale, '-'), coalesce(o.request_id, '-'), coalesce(o.detail, '-'))
                $$;

                CREATE FUNCTION audit.chain_entry() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    head_index bigint;
                    head_hash bytea;
                BEGIN
                    SELECT chain_index, hash INTO head_index, head_hash FROM audit.chain_head WHERE id = 1 FOR UPDATE;
                    IF NOT FOUND THEN
                        INSERT INTO audit.chain_head VALUES (1, 0, audit.genesis()) ON CONFLICT (id) DO NOTHING;
                        SELECT chain_index, hash INTO head_index, head_hash FROM audit.chain_head WHERE id = 1 FOR UPDATE;
                    END IF;
                    -- Past anything written behind the chain's back, so that the trail keeps growing (and the walk shows the intruder).
                    NEW.chain_index := greatest(head_index, coalesce((SELECT max(chain_index) FROM audit.operations), 0)) + 1;
                    NEW.previous_hash := head_hash;
                    NEW.hash := sha256(head_hash || convert_to(audit.canonical(NEW), 'UTF8'));
                    UPDATE audit.chain_head SET chain_index = NEW.chain_index, hash = NEW.hash WHERE id = 1;
                    RETURN NEW;
                END $$;

                CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit.operations is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
                END $$;

                -- Chain what is there already, in the order it was written.
                DO $$
                DECLARE
                    r record;
                    last_hash bytea := audit.genesis();
                    n bigint := 0;
                BEGIN
                    FOR r IN SELECT sequence FROM audit.operations ORDER BY sequence LOOP
                        n := n + 1;
                        UPDATE audit.operations o SET chain_index = n, previous_hash = last_hash WHERE o.sequence = r.sequence;
                        UPDATE audit.operations o SET hash = sha256(last_hash || convert_to(audit.canonical(o), 'UTF8'))
                            WHERE o.sequence = r.sequence RETURNING o.hash INTO last_hash;
                    END LOOP;
                    INSERT INTO audit.chain_head VALUES (1, n, last_hash);
                END $$;

                ALTER TABLE audit.operations ALTER COLUMN chain_index SET NOT NULL, ALTER COLUMN previous_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
                CREATE UNIQUE INDEX ix_operations_chain_index ON audit.operations (chain_index);

                CREATE TRIGGER chain_entry BEFORE INSERT ON audit.operations FOR EACH ROW EXECUTE FUNCTION audit.chain_entry();
                CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON audit.operations FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
                CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON audit.operations FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER append_only_truncate ON audit.operations;
                DROP TRIGGER append_only ON audit.operations;
                DROP TRIGGER chain_entry ON audit.operations;
                DROP FUNCTION audit.refuse_change();
                DROP FUNCTION audit.chain_entry();
                DROP FUNCTION audit.canonical(audit.operations);
                DROP FUNCTION audit.genesis();
                DROP TABLE audit.chain_head;
                DROP INDEX audit.ix_operations_chain_index;
                ALTER TABLE audit.operations DROP COLUMN chain_index, DROP COLUMN previous_hash, DROP COLUMN hash;
                """);
        }
    }
}
