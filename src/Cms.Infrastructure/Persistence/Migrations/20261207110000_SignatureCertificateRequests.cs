using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SignatureCertificateRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "signature");

            migrationBuilder.CreateTable(
                name: "certificate_requests",
                schema: "signature",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    form_printed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    certificate_call_id = table.Column<Guid>(type: "uuid", nullable: true),
                    document_expiry_date = table.Column<DateOnly>(type: "date", nullable: false),
                    document_issue_date = table.Column<DateOnly>(type: "date", nullable: false),
                    document_issued_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    document_number = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    document_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    card_number = table.Column<string>(type: "character(20)", fixedLength: true, maxLength: 20, nullable: false),
                    holder_codice_fiscale = table.Column<string>(type: "character(16)", fixedLength: true, maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    operator_id = table.Column<Guid>(type: "uuid", nullable: false),
                    counter_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cancelled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false),
                    mode = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    delegation_kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    delegate_codice_fiscale = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    delegate_surname = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    delegate_given_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    privacy_consent = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_certificate_requests", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_certificate_requests_card_number",
                schema: "signature",
                table: "certificate_requests",
                column: "card_number");

            migrationBuilder.CreateIndex(
                name: "ix_certificate_requests_status_expires_at",
                schema: "signature",
                table: "certificate_requests",
                columns: new[] { "status", "expires_at" });

            // The confirmed signature-certificate requests are counter operations (decision 0045): counted in the statistics' roll-ups.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION audit.is_counter_operation_done(type text, outcome text, detail text) RETURNS boolean
                LANGUAGE sql IMMUTABLE AS $$
                    SELECT coalesce(outcome = 'SUCCEEDED'
                        AND type IN ('ACTIVATION', 'REPRINT', 'REVOCATION', 'FSE_CONSENTS', 'READER_DELIVERY', 'SUSPENSION', 'REACTIVATION',
                                     'SIGNATURE_CERTIFICATE')
                        AND (detail LIKE 'confirm%' OR type IN ('SUSPENSION', 'REACTIVATION'))
                        AND coalesce(detail, '') NOT LIKE 'imported%', false)
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION audit.is_counter_operation_done(type text, outcome text, detail text) RETURNS boolean
                LANGUAGE sql IMMUTABLE AS $$
                    SELECT coalesce(outcome = 'SUCCEEDED'
                        AND type IN ('ACTIVATION', 'REPRINT', 'REVOCATION', 'FSE_CONSENTS', 'READER_DELIVERY', 'SUSPENSION', 'REACTIVATION')
                        AND (detail LIKE 'confirm%' OR type IN ('SUSPENSION', 'REACTIVATION'))
                        AND coalesce(detail, '') NOT LIKE 'imported%', false)
                $$;
                """);
            migrationBuilder.DropTable(
                name: "certificate_requests",
                schema: "signature");
        }
    }
}
