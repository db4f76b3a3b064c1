using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class OperationCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "counter_day_counts",
                schema: "audit",
                columns: table => new
                {
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    region = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    counter_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    operations = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_counter_day_counts", x => new { x.day, x.region, x.counter_code, x.type });
                });

            migrationBuilder.CreateTable(
                name: "counter_month_counts",
                schema: "audit",
                columns: table => new
                {
                    month = table.Column<DateOnly>(type: "date", nullable: false),
                    region = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    counter_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    operations = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_counter_month_counts", x => new { x.month, x.region, x.counter_code, x.type });
                });

            migrationBuilder.CreateTable(
                name: "region_day_counts",
                schema: "audit",
                columns: table => new
                {
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    region = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    operations = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_region_day_counts", x => new { x.day, x.region, x.type });
                });

            migrationBuilder.CreateIndex(
                name: "ix_counter_day_counts_counter_code_day",
                schema: "audit",
                table: "counter_day_counts",
                columns: new[] { "counter_code", "day" });

            // The roll-ups of the trail (docs/decisions/0012-operation-counts.md): an AFTER INSERT trigger counts every counter
            // operation done (what Reporting.Common.CounterOperations.Done selects) into its day and month; entries are never
            // changed or removed, so inserts are all there is to follow. audit.rebuild_operation_counts() recounts from the trail
            // (this migration's backfill, and bulk loads that lift the triggers).
            migrationBuilder.Sql("""
                CREATE FUNCTION audit.is_counter_operation_done(type text, outcome text, detail text) RETURNS boolean
                LANGUAGE sql IMMUTABLE AS $$
                    SELECT coalesce(outcome = 'SUCCEEDED'
                        AND type IN ('ACTIVATION', 'REPRINT', 'REVOCATION', 'FSE_CONSENTS', 'READER_DELIVERY', 'SUSPENSION', 'REACTIVATION')
                        AND (detail LIKE 'confirm%' OR type IN ('SUSPENSION', 'REACTIVATION')), false)
                $$;

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

                CREATE FUNCTION audit.rebuild_operation_counts() RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    DELETE FROM audit.counter_day_counts;
                    DELETE FROM audit.counter_month_counts;
                    DELETE FROM audit.region_day_counts;
                    INSERT INTO audit.counter_day_counts
                        SELECT (occurred_at AT TIME ZONE 'UTC')::date, coalesce(region, ''), coalesce(counter_code, ''), type, count(*)
                        FROM audit.operations WHERE audit.is_counter_operation_done(type, outcome, detail) GROUP BY 1, 2, 3, 4;
                    INSERT INTO audit.counter_month_counts
                        SELECT date_trunc('month', day)::date, region, counter_code, type, sum(operations)
                        FROM audit.counter_day_counts GROUP BY 1, 2, 3, 4;
                    INSERT INTO audit.region_day_counts
                        SELECT day, region, type, sum(operations) FROM audit.counter_day_counts GROUP BY 1, 2, 3;
                END $$;

                SELECT audit.rebuild_operation_counts();
                CREATE TRIGGER count_operation AFTER INSERT ON audit.operations FOR EACH ROW EXECUTE FUNCTION audit.count_operation();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER count_operation ON audit.operations;
                DROP FUNCTION audit.rebuild_operation_counts();
                DROP FUNCTION audit.count_operation();
                DROP FUNCTION audit.is_counter_operation_done(text, text, text);
                """);

            migrationBuilder.DropTable(
                name: "counter_day_counts",
                schema: "audit");

            migrationBuilder.DropTable(
                name: "counter_month_counts",
                schema: "audit");

            migrationBuilder.DropTable(
                name: "region_day_counts",
                schema: "audit");
        }
    }
}
