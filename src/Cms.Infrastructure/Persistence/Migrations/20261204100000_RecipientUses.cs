using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RecipientUses : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "recipient_approvals",
                schema: "administration",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    recipient_key = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    masked_recipient = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: false),
                    holder_codice_fiscale = table.Column<string>(type: "character(16)", fixedLength: true, maxLength: 16, nullable: true),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    approved_by = table.Column<Guid>(type: "uuid", nullable: false),
                    approved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    valid_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_by = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_recipient_approvals", x => x.id);
                    table.ForeignKey(
                        name: "fk_recipient_approvals_operators_approved_by",
                        column: x => x.approved_by,
                        principalSchema: "administration",
                        principalTable: "operators",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_recipient_approvals_operators_revoked_by",
                        column: x => x.revoked_by,
                        principalSchema: "administration",
                        principalTable: "operators",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "recipient_uses",
                schema: "administration",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    recipient_key = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    holder_key = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    household_key = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: true),
                    used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_recipient_uses", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_recipient_approvals_approved_by",
                schema: "administration",
                table: "recipient_approvals",
                column: "approved_by");

            migrationBuilder.CreateIndex(
                name: "ix_recipient_approvals_recipient_key",
                schema: "administration",
                table: "recipient_approvals",
                column: "recipient_key");

            migrationBuilder.CreateIndex(
                name: "ix_recipient_approvals_revoked_by",
                schema: "administration",
                table: "recipient_approvals",
                column: "revoked_by");

            migrationBuilder.CreateIndex(
                name: "ix_recipient_uses_recipient_key_used_at",
                schema: "administration",
                table: "recipient_uses",
                columns: new[] { "recipient_key", "used_at" });

            migrationBuilder.CreateIndex(
                name: "ix_recipient_uses_used_at",
                schema: "administration",
                table: "recipient_uses",
                column: "used_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "recipient_approvals",
                schema: "administration");

            migrationBuilder.DropTable(
                name: "recipient_uses",
                schema: "administration");
        }
    }
}
