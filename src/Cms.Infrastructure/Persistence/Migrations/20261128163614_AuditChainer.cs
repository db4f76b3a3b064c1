using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AuditChainer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The chain and the roll-ups are made by a chainer, after the writing transactions have committed
            // (docs/decisions/0019-audit-chainer.md): an entry is written plain (its chain columns empty) and
            // audit.chain_pending() later gives the pending entries, in the order of writing, their place in the chain and
            // counts them — one short transaction for many entries, instead of every writing transaction holding the chain's
            // head (and its region's day count) until its commit. The only change the trail accepts is that chaining: chain
            // columns from empty to filled, every other column as it was; a wrong chaining is found by the integrity walk.
            migrationBuilder.Sql("""
                ALTER TABLE audit.operations ALTER COLUMN chain_index DROP NOT NULL,
                    ALTER COLUMN previous_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL;
                CREATE INDEX ix_operations_pending ON audit.operations (sequence) WHERE chain_index IS NULL;

                DROP TRIGGER count_operation ON audit.operations;
                DROP FUNCTION audit.count_operation();

                """);
            migrationBuilder.Sql(ChainerFunctions);
        }

        /// <summary>The chaining functions this migration creates (also restored by the next migration's Down).</summary>
        internal const string ChainerFunctions = """
                -- Written plain: nobody writes an entry already chained (the chainer does that).
                CREATE OR REPLACE FUNCTION audit.chain_entry() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.chain_index := NULL;
                    NEW.previous_hash := NULL;
                    NEW.hash := NULL;
                    RETURN NEW;
                END $$;

                CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'UPDATE' THEN
                        IF OLD.chain_index IS NULL AND OLD.previous_hash IS NULL AND OLD.hash IS NULL
                           AND NEW.chain_index IS NOT NULL AND NEW.previous_hash IS NOT NULL AND NEW.hash IS NOT NULL
                           AND ROW(NEW.sequence, NEW.id, NEW.occurred_at, NEW.type, NEW.outcome, NEW.operator_id, NEW.operator_codice_fiscale,
                                   NEW.counter_code, NEW.region, NEW.card_number, NEW.holder_codice_fiscale, NEW.request_id, NEW.detail)
                               IS NOT DISTINCT FROM
                               ROW(OLD.sequence, OLD.id, OLD.occurred_at, OLD.type, OLD.outcome, OLD.operator_id, OLD.operator_codice_fiscale,
                                   OLD.counter_code, OLD.region, OLD.card_number, OLD.holder_codice_fiscale, OLD.request_id, OLD.detail) THEN
                            RETURN NEW; -- the chaining
                        END IF;
                    END IF;
                    RAISE EXCEPTION 'audit.operations is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
                END $$;

                -- Chains up to max_entries pending entries (committed, not yet chained) in the order they were written, and counts
                -- the counter operations among them into the roll-ups (decision 0012). Returns how many were chained. Concurrent
                -- chainers (several API instances, a report that chains before it reads) queue on the chain's head.
                CREATE FUNCTION audit.chain_pending(max_entries int DEFAULT 5000) RETURNS int LANGUAGE plpgsql AS $$
                DECLARE
                    head_index bigint;
                    head_hash bytea;
                    first_index bigint;
                    r audit.operations;
                    n int := 0;
                BEGIN
                    IF NOT EXISTS (SELECT FROM audit.operations WHERE chain_index IS NULL) THEN
                        RETURN 0;
                    END IF;
                    SELECT chain_index, hash INTO head_index, head_hash FROM audit.chain_head WHERE id = 1 FOR UPDATE;
                    IF NOT FOUND THEN
                        INSERT INTO audit.chain_head VALUES (1, 0, audit.genesis()) ON CONFLICT (id) DO NOTHING;
                        SELECT chain_index, hash INTO head_index, head_hash FROM audit.chain_head WHERE id = 1 FOR UPDATE;
                    END IF;
                    -- Past anything written behind the chain's back, so that the trail keeps growing (and the walk shows the intruder).
                    head_index := greatest(head_index, coalesce((SELECT max(chain_index) FROM audit.operations), 0));
                    first_index := head_index + 1;
                    FOR r IN SELECT * FROM audit.operations WHERE chain_index IS NULL ORDER BY sequence LIMIT max_entries FOR UPDATE LOOP
                        head_index := head_index + 1;
                        r.chain_index := head_index;
                        r.previous_hash := head_hash;
                        r.hash := sha256(head_hash || convert_to(audit.canonical(r), 'UTF8'));
                        UPDATE audit.operations SET chain_index = r.chain_index, previous_hash = r.previous_hash, hash = r.hash
                            WHERE sequence = r.sequence;
                        head_hash := r.hash;
                        n := n + 1;
                    END LOOP;
                    IF n = 0 THEN
                        RETURN 0;
                    END IF;
                    UPDATE audit.chain_head SET chain_index = head_index, hash = head_hash WHERE id = 1;

                    WITH chained AS (
                        SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, coalesce(region, '') AS region,
                               coalesce(counter_code, '') AS counter_code, type, count(*)::int AS operations
                        FROM audit.operations
                        WHERE chain_index BETWEEN first_index AND head_index AND audit.is_counter_operation_done(type, outcome, detail)
                        GROUP BY 1, 2, 3, 4),
                    by_day AS (
                        INSERT INTO audit.counter_day_counts AS c SELECT day, region, counter_code, type, operations FROM chained
                        ON CONFLICT (day, region, counter_code, type) DO UPDATE SET operations = c.operations + excluded.operations),
                    by_month AS (
                        INSERT INTO audit.counter_month_counts AS c
                        SELECT date_trunc('month', day)::date, region, counter_code, type, sum(operations) FROM chained GROUP BY 1, 2, 3, 4
                        ON CONFLICT (month, region, counter_code, type) DO UPDATE SET operations = c.operations + excluded.operations)
                    INSERT INTO audit.region_day_counts AS c
                        SELECT day, region, type, sum(operations) FROM chained GROUP BY 1, 2, 3
                        ON CONFLICT (day, region, type) DO UPDATE SET operations = c.operations + excluded.operations;
                    RETURN n;
                END $$;

                -- Recounts the chained entries (the pending ones are counted when they are chained).
                CREATE OR REPLACE FUNCTION audit.rebuild_operation_counts() RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    DELETE FROM audit.counter_day_counts;
                    DELETE FROM audit.counter_month_counts;
                    DELETE FROM audit.region_day_counts;
                    INSERT INTO audit.counter_day_counts
                        SELECT (occurred_at AT TIME ZONE 'UTC')::date, coalesce(region, ''), coalesce(counter_code, ''), type, count(*)
                        FROM audit.operations WHERE chain_index IS NOT NULL AND audit.is_counter_operation_done(type, outcome, detail)
                        GROUP BY 1, 2, 3, 4;
                    INSERT INTO audit.counter_month_counts
                        SELECT date_trunc('month', day)::date, region, counter_code, type, sum(operations)
                        FROM audit.counter_day_counts GROUP BY 1, 2, 3, 4;
                    INSERT INTO audit.region_day_counts
                        SELECT day, region, type, sum(operations) FROM audit.counter_day_counts GROUP BY 1, 2, 3;
                END $$;
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Back to chaining and counting inside the writing transaction; whatever is pending is chained first.
            migrationBuilder.Sql("""
                DO $$ BEGIN WHILE audit.chain_pending(100000) > 0 LOOP END LOOP; END $$;
                DROP FUNCTION audit.chain_pending(int);
                CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit.operations is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
                END $$;
                CREATE OR REPLACE FUNCTION audit.chain_entry() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    head_index bigint;
                    head_hash bytea;
                BEGIN
                    SELECT chain_index, hash INTO head_index, head_hash FROM audit.chain_head WHERE id = 1 FOR UPDATE;
                    IF NOT FOUND THEN
                        INSERT INTO audit.chain_head VALUES (1, 0, audit.genesis()) ON CONFLICT (id) DO NOTHING;
                        SELECT chain_index, hash INTO head_index, head_hash FROM audit.chain_head WHERE id = 1 FOR UPDATE;
                    END IF;
                    NEW.chain_index := greatest(head_index, coalesce((SELECT max(chain_index) FROM audit.operations), 0)) + 1;
                    NEW.previous_hash := head_hash;
                    NEW.hash := sha256(head_hash || convert_to(audit.canonical(NEW), 'UTF8'));
                    UPDATE audit.chain_head SET chain_index = NEW.chain_index, hash = NEW.hash WHERE id = 1;
                    RETURN NEW;
                END $$;
                CREATE FUNCTION audit.count_operation() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    d date;
                BEGIN
                    IF NOT audit.is_counter_operation_done(NEW.type, NEW.outcome, NEW.detail) THEN
                        RETURN NULL;
                    END IF;
                    d := (NEW.occurred_at AT TIME ZONE 'UTC')::date;
                    INSERT INTO audit.counter_day_counts AS c VALUES (d, coalesce(NEW.region, ''), coalesce(NEW.counter_code, ''), NEW.type, 1)
                        ON CONFLICT (day, region, counter_code, type) DO UPDATE SET operations = c.operations + 1;
                    INSERT INTO audit.counter_month_counts AS c VALUES (date_trunc('month', d)::date, coalesce(NEW.region, ''), coalesce(NEW.counter_code, ''), NEW.type, 1)
                        ON CONFLICT (month, region, counter_code, type) DO UPDATE SET operations = c.operations + 1;
                    INSERT INTO audit.region_day_counts AS c VALUES (d, coalesce(NEW.region, ''), NEW.type, 1)
                        ON CONFLICT (day, region, type) DO UPDATE SET operations = c.operations + 1;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER count_operation AFTER INSERT ON audit.operations FOR EACH ROW EXECUTE FUNCTION audit.count_operation();
                DROP INDEX audit.ix_operations_pending;
                ALTER TABLE audit.operations ALTER COLUMN chain_index SET NOT NULL,
                    ALTER COLUMN previous_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
                """);
        }
    }
}
