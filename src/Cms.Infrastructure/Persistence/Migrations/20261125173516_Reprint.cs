using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Reprint : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "reprint");

            migrationBuilder.CreateTable(
                name: "reprint_requests",
                schema: "reprint",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    reason = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    reason_note = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    delivery_channel = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    delivery_email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    delivery_mobile = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    document_expiry_date = table.Column<DateOnly>(type: "date", nullable: false),
                    document_issue_date = table.Column<DateOnly>(type: "date", nullable: false),
                    document_issued_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    document_number = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    document_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    card_number = table.Column<string>(type: "character(20)", fixedLength: true, maxLength: 20, nullable: false),
                    holder_codice_fiscale = table.Column<string>(type: "character(16)", fixedLength: true, maxLength: 16, nullable: false),
                    mode = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    delegation_kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    delegate_codice_fiscale = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    delegate_surname = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    delegate_given_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    privacy_consent = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    operator_id = table.Column<Guid>(type: "uuid", nullable: false),
                    counter_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cancelled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    delivery_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reprint_requests", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_reprint_requests_card_number",
                schema: "reprint",
                table: "reprint_requests",
                column: "card_number");

            migrationBuilder.CreateIndex(
                name: "ix_reprint_requests_status_expires_at",
                schema: "reprint",
                table: "reprint_requests",
                columns: new[] { "status", "expires_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "reprint_requests",
                schema: "reprint");
        }
    }
}
