using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CounterOperations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "outbound");

            migrationBuilder.EnsureSchema(
                name: "revocation");

            migrationBuilder.EnsureSchema(
                name: "consents");

            migrationBuilder.EnsureSchema(
                name: "readers");

            migrationBuilder.CreateTable(
                name: "calls",
                schema: "outbound",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    target = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    reference = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_calls", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "cip_attempts",
                schema: "revocation",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    card_number = table.Column<string>(type: "character(20)", fixedLength: true, maxLength: 20, nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    operator_id = table.Column<Guid>(type: "uuid", nullable: false),
                    counter_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    succeeded = table.Column<bool>(type: "boolean", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cip_attempts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "consent_requests",
                schema: "consents",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    model = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    declaration_confirmed = table.Column<bool>(type: "boolean", nullable: false),
                    activation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    version_id = table.Column<Guid>(type: "uuid", nullable: true),
                    consultation_consent = table.Column<bool>(type: "boolean", nullable: false),
                    feeding_consent = table.Column<bool>(type: "boolean", nullable: true),
                    information_notice_seen = table.Column<bool>(type: "boolean", nullable: false),
                    notification_email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    past_data = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
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
                    table.PrimaryKey("pk_consent_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "deliveries",
                schema: "readers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    household_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    override_reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    reader_serial = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    form_printed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
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
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_deliveries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "issuer_revocations",
                schema: "revocation",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    card_number = table.Column<string>(type: "character(20)", fixedLength: true, maxLength: 20, nullable: false),
                    holder_codice_fiscale = table.Column<string>(type: "character(16)", fixedLength: true, maxLength: 16, nullable: false),
                    reason = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    note = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    issuer_operator_id = table.Column<Guid>(type: "uuid", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    certificate_revocation_call_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_issuer_revocations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "revocation_requests",
                schema: "revocation",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    reason = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    evidence_kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    evidence_reference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    cip_verified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    form_printed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    certificate_revocation_call_id = table.Column<Guid>(type: "uuid", nullable: true),
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
                    table.PrimaryKey("pk_revocation_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "state_changes",
                schema: "revocation",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    card_number = table.Column<string>(type: "character(20)", fixedLength: true, maxLength: 20, nullable: false),
                    holder_codice_fiscale = table.Column<string>(type: "character(16)", fixedLength: true, maxLength: 16, nullable: false),
                    mode = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    delegation_kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    delegate_codice_fiscale = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    delegate_surname = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    delegate_given_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    reason = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    note = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    operator_id = table.Column<Guid>(type: "uuid", nullable: false),
                    counter_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    certificate_call_id = table.Column<Guid>(type: "uuid", nullable: false),
                    document_expiry_date = table.Column<DateOnly>(type: "date", nullable: false),
                    document_issue_date = table.Column<DateOnly>(type: "date", nullable: false),
                    document_issued_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    document_number = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    document_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_state_changes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "versions",
                schema: "consents",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    holder_codice_fiscale = table.Column<string>(type: "character(16)", fixedLength: true, maxLength: 16, nullable: false),
                    card_number = table.Column<string>(type: "character(20)", fixedLength: true, maxLength: 20, nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    model = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    mode = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    operator_id = table.Column<Guid>(type: "uuid", nullable: false),
                    counter_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    fse_call_id = table.Column<Guid>(type: "uuid", nullable: false),
                    consultation_consent = table.Column<bool>(type: "boolean", nullable: false),
                    feeding_consent = table.Column<bool>(type: "boolean", nullable: true),
                    information_notice_seen = table.Column<bool>(type: "boolean", nullable: false),
                    notification_email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    past_data = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_versions", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_calls_status_next_attempt_at",
                schema: "outbound",
                table: "calls",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ix_cip_attempts_card_number_at",
                schema: "revocation",
                table: "cip_attempts",
                columns: new[] { "card_number", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_consent_requests_card_number",
                schema: "consents",
                table: "consent_requests",
                column: "card_number");

            migrationBuilder.CreateIndex(
                name: "ix_consent_requests_status_expires_at",
                schema: "consents",
                table: "consent_requests",
                columns: new[] { "status", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_card_number",
                schema: "readers",
                table: "deliveries",
                column: "card_number");

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_holder_codice_fiscale_status",
                schema: "readers",
                table: "deliveries",
                columns: new[] { "holder_codice_fiscale", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_household_id_status",
                schema: "readers",
                table: "deliveries",
                columns: new[] { "household_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_status_expires_at",
                schema: "readers",
                table: "deliveries",
                columns: new[] { "status", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_issuer_revocations_card_number",
                schema: "revocation",
                table: "issuer_revocations",
                column: "card_number");

            migrationBuilder.CreateIndex(
                name: "ix_revocation_requests_card_number",
                schema: "revocation",
                table: "revocation_requests",
                column: "card_number");

            migrationBuilder.CreateIndex(
                name: "ix_revocation_requests_status_expires_at",
                schema: "revocation",
                table: "revocation_requests",
                columns: new[] { "status", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_state_changes_card_number",
                schema: "revocation",
                table: "state_changes",
                column: "card_number");

            migrationBuilder.CreateIndex(
                name: "ix_versions_holder_codice_fiscale_number",
                schema: "consents",
                table: "versions",
                columns: new[] { "holder_codice_fiscale", "number" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "calls",
                schema: "outbound");

            migrationBuilder.DropTable(
                name: "cip_attempts",
                schema: "revocation");

            migrationBuilder.DropTable(
                name: "consent_requests",
                schema: "consents");

            migrationBuilder.DropTable(
                name: "deliveries",
                schema: "readers");

            migrationBuilder.DropTable(
                name: "issuer_revocations",
                schema: "revocation");

            migrationBuilder.DropTable(
                name: "revocation_requests",
                schema: "revocation");

            migrationBuilder.DropTable(
                name: "state_changes",
                schema: "revocation");

            migrationBuilder.DropTable(
                name: "versions",
                schema: "consents");
        }
    }
}
