using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <summary>Decision 0040: a revocation of a card never activated has no CIP step (cip_required false).</summary>
    public partial class RevocationWithoutCip : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "cip_required",
                schema: "revocation",
                table: "revocation_requests",
                type: "boolean",
                nullable: false,
                // Every request opened before decision 0040 had the CIP step.
                defaultValue: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "cip_required",
                schema: "revocation",
                table: "revocation_requests");
        }
    }
}
