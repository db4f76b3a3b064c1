using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The auditor's listing of one counter's period (<c>GET /api/v1/audit/operations?counter=…&amp;from=…&amp;to=…</c>) found the
    /// period through <c>occurred_at</c> and read every entry of it: 280,000 entries for a month of a 10,000,000-entry trail, ten times
    /// that at 100,000,000 (issue 29, item 4; decision 0063). By counter and time it reads the counter's own entries only.
    /// </summary>
    public partial class AuditOperationsByCounter : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Built CONCURRENTLY, outside the migration's transaction (decision 0058): the trail is the largest table, and the
            // instances of the running release keep writing to it meanwhile. IF NOT EXISTS takes an index a run built before it died
            // short of recording the migration; the check after it refuses one whose build was interrupted (PostgreSQL leaves it
            // invalid), loudly and until it is removed — never an invalid index marked applied.
            migrationBuilder.Sql(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_operations_counter_code_occurred_at ON audit.operations (counter_code, occurred_at);",
                suppressTransaction: true);
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    IF NOT (SELECT indisvalid AND indisready FROM pg_index WHERE indexrelid = 'audit.ix_operations_counter_code_occurred_at'::regclass) THEN
                        RAISE EXCEPTION 'audit.ix_operations_counter_code_occurred_at was left invalid by an interrupted build: remove it and migrate again (docs/production.md, Upgrades)';
                    END IF;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // CONCURRENTLY too: a plain removal would lock the trail against every write while it waits for its readers.
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS audit.ix_operations_counter_code_occurred_at;", suppressTransaction: true);
        }
    }
}
