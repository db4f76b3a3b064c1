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
            // instances of the running release keep writing to it meanwhile. Should the build be interrupted, PostgreSQL leaves
            // an invalid index of this name, and the migration fails again on it, loudly, until it is dropped
            // (`DROP INDEX CONCURRENTLY audit.ix_operations_counter_code_occurred_at`): never silently marked applied.
            migrationBuilder.Sql(
                "CREATE INDEX CONCURRENTLY ix_operations_counter_code_occurred_at ON audit.operations (counter_code, occurred_at);",
                suppressTransaction: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_operations_counter_code_occurred_at",
                schema: "audit",
                table: "operations");
        }
    }
}
