using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Citizen : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "citizen");

            migrationBuilder.CreateTable(
                name: "renewals",
                schema: "citizen",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    protocol = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    codice_fiscale = table.Column<string>(type: "character(16)", fixedLength: true, maxLength: 16, nullable: false),
                    previous_card_number = table.Column<string>(type: "character(20)", fixedLength: true, maxLength: 20, nullable: false),
                    card_number = table.Column<string>(type: "character(20)", fixedLength: true, maxLength: 20, nullable: false),
                    activated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_renewals", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_renewals_card_number",
                schema: "citizen",
                table: "renewals",
                column: "card_number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_renewals_codice_fiscale",
                schema: "citizen",
                table: "renewals",
                column: "codice_fiscale");

            migrationBuilder.CreateIndex(
                name: "ix_renewals_protocol",
                schema: "citizen",
                table: "renewals",
                column: "protocol",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "renewals",
                schema: "citizen");
        }
    }
}
