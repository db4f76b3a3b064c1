using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CallCentre : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "call_centre_identifications",
                schema: "revocation",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    card_number = table.Column<string>(type: "character(20)", fixedLength: true, maxLength: 20, nullable: false),
                    holder_codice_fiscale = table.Column<string>(type: "character(16)", fixedLength: true, maxLength: 16, nullable: false),
                    operator_id = table.Column<Guid>(type: "uuid", nullable: false),
                    identified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_call_centre_identifications", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "call_centre_state_changes",
                schema: "revocation",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    identification_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    card_number = table.Column<string>(type: "character(20)", fixedLength: true, maxLength: 20, nullable: false),
                    holder_codice_fiscale = table.Column<string>(type: "character(16)", fixedLength: true, maxLength: 16, nullable: false),
                    reason = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    note = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    operator_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    certificate_call_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_call_centre_state_changes", x => x.id);
                    table.ForeignKey(
                        name: "fk_call_centre_state_changes_call_centre_identifications_ident~",
                        column: x => x.identification_id,
                        principalSchema: "revocation",
                        principalTable: "call_centre_identifications",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_call_centre_identifications_card_number",
                schema: "revocation",
                table: "call_centre_identifications",
                column: "card_number");

            migrationBuilder.CreateIndex(
                name: "ix_call_centre_state_changes_card_number",
                schema: "revocation",
                table: "call_centre_state_changes",
                column: "card_number");

            migrationBuilder.CreateIndex(
                name: "ix_call_centre_state_changes_identification_id",
                schema: "revocation",
                table: "call_centre_state_changes",
                column: "identification_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "call_centre_state_changes",
                schema: "revocation");

            migrationBuilder.DropTable(
                name: "call_centre_identifications",
                schema: "revocation");
        }
    }
}
