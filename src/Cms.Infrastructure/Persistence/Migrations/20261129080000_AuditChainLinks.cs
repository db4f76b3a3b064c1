using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AuditChainLinks : Migration
    {
        /// <summary>The canonical text of format 1 (migration AuditChainFormat keeps it for the links chained before it), after CREATE or CREATE OR REPLACE.</summary>
        internal const string CanonicalFormat1 = """
            FUNCTION audit.canonical(o audit.operations, chain_index bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
                SELECT concat_ws('|', chain_index, o.sequence, o.id,
                    to_char(o.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                    o.type, o.outcome, coalesce(o.operator_id::text, '-'), coalesce(o.operator_codice_fiscale, '-'),
                    coalesce(o.counter_code, '-'), coalesce(o.region, '-'), coalesce(o.card_number, '-'),
                    coalesce(o.holder_codice_fiscale, '-'), coalesce(o.request_id, '-'), coalesce(o.detail, '-'))
            $$;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The chain moves out of the entries (docs/decisions/0024-audit-chain-links.md): an entry is written once and never
            // changed — the trail refuses every UPDATE again, the chaining included — and its place in the chain is a row of
            // audit.chain_links written by the chainer. Writing an entry queues its sequence in audit.pending_entries (same
            // transaction); the chainer takes the queue in the order of writing. Before, each entry was written twice (plain,
            // then chained by an UPDATE that could not be HOT), so every index of the trail got two entries per operation.
            // The hashes do not change: the canonical text is the same, with the chain position passed beside the entry.
            migrationBuilder.Sql("""
                CREATE TABLE audit.chain_links (
                    chain_index bigint PRIMARY KEY,
                    sequence bigint NOT NULL UNIQUE,
                    previous_hash bytea NOT NULL,
                    hash bytea NOT NULL);
                CREATE TABLE audit.pending_entries (sequence bigint PRIMARY KEY);

                INSERT INTO audit.chain_links SELECT chain_index, sequence, previous_hash, hash FROM audit.operations WHERE chain_index IS NOT NULL;
                INSERT INTO audit.pending_entries SELECT sequence FROM audit.operations WHERE chain_index IS NULL;

                DROP FUNCTION audit.chain_pending(int);
                DROP FUNCTION audit.canonical(audit.operations);
                DROP INDEX audit.ix_operations_pending;
                DROP INDEX audit.ix_operations_chain_index;
                ALTER TABLE audit.operations DROP COLUMN chain_index, DROP COLUMN previous_hash, DROP COLUMN hash;
                """);
            migrationBuilder.Sql("CREATE " + CanonicalFormat1);
            migrationBuilder.Sql("""
                -- Every entry is queued for the chainer by the transaction that writes it.
                CREATE OR REPLACE FUNCTION audit.chain_entry() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO audit.pending_entries VALUES (NEW.sequence);
                    RETURN NEW;
                END $$;

                CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit.% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
                END $$;
                CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON audit.chain_links FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
                CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON audit.chain_links FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

                -- Chains up to max_entries queued entries in the order they were written (sequence) and counts the counter
                -- operations among them into the roll-ups (decision 0012). Returns how many were chained. Concurrent chainers
                -- (several API instances, a report that chains before it reads) queue on the chain's head.
                CREATE FUNCTION audit.chain_pending(max_entries int DEFAULT 5000) RETURNS int LANGUAGE plpgsql AS $$
                DECLARE
                    head_index bigint;
                    head_hash bytea;
                    taken bigint[];
                    r audit.operations;
                    positions bigint[] := '{}';
                    chained bigint[] := '{}';
                    previous bytea[] := '{}';
                    hashes bytea[] := '{}';
                BEGIN
                    IF NOT EXISTS (SELECT FROM audit.pending_entries) THEN
                        RETURN 0;
                    END IF;
                    SELECT chain_index, hash INTO head_index, head_hash FROM audit.chain_head WHERE id = 1 FOR UPDATE;
                    IF NOT FOUND THEN
                        INSERT INTO audit.chain_head VALUES (1, 0, audit.genesis()) ON CONFLICT (id) DO NOTHING;
                        SELECT chain_index, hash INTO head_index, head_hash FROM audit.chain_head WHERE id = 1 FOR UPDATE;
                    END IF;
                    -- Past anything written behind the chain's back, so that the chain keeps growing (and the walk shows the intruder).
                    head_index := greatest(head_index, coalesce((SELECT max(chain_index) FROM audit.chain_links), 0));
                    SELECT array_agg(sequence) INTO taken
                        FROM (SELECT sequence FROM audit.pending_entries ORDER BY sequence LIMIT max_entries) p;
                    IF taken IS NULL THEN
                        RETURN 0;
                    END IF;
                    DELETE FROM audit.pending_entries WHERE sequence = ANY (taken);
                    FOR r IN SELECT * FROM audit.operations WHERE sequence = ANY (taken) ORDER BY sequence LOOP
                        head_index := head_index + 1;
                        positions := positions || head_index;
                        chained := chained || r.sequence;
                        previous := previous || head_hash;
                        head_hash := sha256(head_hash || convert_to(audit.canonical(r, head_index), 'UTF8'));
                        hashes := hashes || head_hash;
                    END LOOP;
                    IF cardinality(chained) = 0 THEN
                        RETURN 0;
                    END IF;
                    INSERT INTO audit.chain_links SELECT * FROM unnest(positions, chained, previous, hashes);
                    UPDATE audit.chain_head SET chain_index = head_index, hash = head_hash WHERE id = 1;

                    WITH counted AS (
                        SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, coalesce(region, '') AS region,
                               coalesce(counter_code, '') AS counter_code, type, count(*)::int AS operations
                        FROM audit.operations
                        WHERE sequence = ANY (chained) AND audit.is_counter_operation_done(type, outcome, detail)
                        GROUP BY 1, 2, 3, 4),
                    by_day AS (
                        INSERT INTO audit.counter_day_counts AS c SELECT day, region, counter_code, type, operations FROM counted
                        ON CONFLICT (day, region, counter_code, type) DO UPDATE SET operations = c.operations + excluded.operations),
                    by_month AS (
                        INSERT INTO audit.counter_month_counts AS c
                        SELECT date_trunc('month', day)::date, region, counter_code, type, sum(operations) FROM counted GROUP BY 1, 2, 3, 4
                        ON CONFLICT (month, region, counter_code, type) DO UPDATE SET operations = c.operations + excluded.operations)
                    INSERT INTO audit.region_day_counts AS c
                        SELECT day, region, type, sum(operations) FROM counted GROUP BY 1, 2, 3
                        ON CONFLICT (day, region, type) DO UPDATE SET operations = c.operations + excluded.operations;
                    RETURN cardinality(chained);
                END $$;

                -- Recounts the chained entries (the queued ones are counted when they are chained).
                CREATE OR REPLACE FUNCTION audit.rebuild_operation_counts() RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    DELETE FROM audit.counter_day_counts;
                    DELETE FROM audit.counter_month_counts;
                    DELETE FROM audit.region_day_counts;
                    INSERT INTO audit.counter_day_counts
                        SELECT (occurred_at AT TIME ZONE 'UTC')::date, coalesce(region, ''), coalesce(counter_code, ''), type, count(*)
                        FROM audit.operations o
                        WHERE NOT EXISTS (SELECT FROM audit.pending_entries p WHERE p.sequence = o.sequence)
                          AND audit.is_counter_operation_done(type, outcome, detail)
                        GROUP BY 1, 2, 3, 4;
                    INSERT INTO audit.counter_month_counts
                        SELECT date_trunc('month', day)::date, region, counter_code, type, sum(operations)
                        FROM audit.counter_day_counts GROUP BY 1, 2, 3, 4;
                    INSERT INTO audit.region_day_counts
                        SELECT day, region, type, sum(operations) FROM audit.counter_day_counts GROUP BY 1, 2, 3;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Back to the chain inside the entries (migration AuditChainer): the links and the queue are folded back.
            migrationBuilder.Sql("""
                DROP FUNCTION audit.chain_pending(int);
                ALTER TABLE audit.operations ADD COLUMN chain_index bigint, ADD COLUMN previous_hash bytea, ADD COLUMN hash bytea;
                ALTER TABLE audit.operations DISABLE TRIGGER append_only;
                UPDATE audit.operations o SET chain_index = l.chain_index, previous_hash = l.previous_hash, hash = l.hash
                    FROM audit.chain_links l WHERE l.sequence = o.sequence;
                ALTER TABLE audit.operations ENABLE TRIGGER append_only;
                CREATE UNIQUE INDEX ix_operations_chain_index ON audit.operations (chain_index);
                CREATE INDEX ix_operations_pending ON audit.operations (sequence) WHERE chain_index IS NULL;
                DROP TABLE audit.chain_links;
                DROP TABLE audit.pending_entries;
                DROP FUNCTION audit.canonical(audit.operations, bigint);
                CREATE FUNCTION audit.canonical(o audit.operations) RETURNS text LANGUAGE sql IMMUTABLE AS $$
                    SELECT concat_ws('|', o.chain_index, o.sequence, o.id,
                        to_char(o.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                        o.type, o.outcome, coalesce(o.operator_id::text, '-'), coalesce(o.operator_codice_fiscale, '-'),
                        coalesce(o.counter_code, '-'), coalesce(o.region, '-'), coalesce(o.card_number, '-'),
                        coalesce(o.holder_codice_fiscale, '-'), coalesce(o.request_id, '-'), coalesce(o.detail, '-'))
                $$;
                """);
            // The functions as migration AuditChainer left them.
            migrationBuilder.Sql(AuditChainer.ChainerFunctions);
        }
    }
}
