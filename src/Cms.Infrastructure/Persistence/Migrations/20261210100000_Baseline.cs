using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Baseline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "revocation");

            migrationBuilder.EnsureSchema(
                name: "outbound");

            migrationBuilder.EnsureSchema(
                name: "identification");

            migrationBuilder.EnsureSchema(
                name: "signature");

            migrationBuilder.EnsureSchema(
                name: "consents");

            migrationBuilder.EnsureSchema(
                name: "audit");

            migrationBuilder.EnsureSchema(
                name: "administration");

            migrationBuilder.EnsureSchema(
                name: "readers");

            migrationBuilder.EnsureSchema(
                name: "platform");

            migrationBuilder.EnsureSchema(
                name: "interop");

            migrationBuilder.EnsureSchema(
                name: "delivery");

            migrationBuilder.EnsureSchema(
                name: "citizen");

            migrationBuilder.EnsureSchema(
                name: "reprint");

            migrationBuilder.EnsureSchema(
                name: "activation");

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
                    delegate_card_number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    privacy_consent = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_certificate_requests", x => x.id);
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
                    delegate_card_number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    privacy_consent = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_consent_requests", x => x.id);
                });

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
                name: "counters",
                schema: "administration",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    type = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    region = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_counters", x => x.code);
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
                name: "holders",
                schema: "identification",
                columns: table => new
                {
                    codice_fiscale = table.Column<string>(type: "character(16)", fixedLength: true, maxLength: 16, nullable: false),
                    surname = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    given_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    sex = table.Column<char>(type: "character(1)", nullable: false),
                    birth_date = table.Column<DateOnly>(type: "date", nullable: false),
                    birth_place = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    birth_province = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    birth_country = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    citizenship = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    household_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    entitled = table.Column<bool>(type: "boolean", nullable: false),
                    health_authority = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: true),
                    residence_address = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    residence_municipality = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    residence_postcode = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: true),
                    residence_province = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_holders", x => x.codice_fiscale);
                });

            migrationBuilder.CreateTable(
                name: "idempotency_keys",
                schema: "platform",
                columns: table => new
                {
                    operator_id = table.Column<Guid>(type: "uuid", nullable: false),
                    key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    method = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    path = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    request_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    status_code = table.Column<int>(type: "integer", nullable: true),
                    content_type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    location = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    key_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    body_ciphertext = table.Column<byte[]>(type: "bytea", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_idempotency_keys", x => new { x.operator_id, x.key });
                });

            migrationBuilder.CreateTable(
                name: "inbound_requests",
                schema: "interop",
                columns: table => new
                {
                    peer_region = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    card_number = table.Column<string>(type: "character(20)", fixedLength: true, maxLength: 20, nullable: false),
                    local_request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    answer_key_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    answer_ciphertext = table.Column<byte[]>(type: "bytea", nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbound_requests", x => new { x.peer_region, x.request_id });
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
                name: "messages",
                schema: "delivery",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    recipient = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    card_number = table.Column<string>(type: "character(20)", fixedLength: true, maxLength: 20, nullable: false),
                    purpose = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    message_id = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    key_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    content_ciphertext = table.Column<byte[]>(type: "bytea", nullable: true),
                    status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "notices",
                schema: "administration",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    body = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    published_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    visible_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    visible_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    withdrawn_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    author_operator_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notices", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "operations",
                schema: "audit",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    operator_id = table.Column<Guid>(type: "uuid", nullable: true),
                    operator_codice_fiscale = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    counter_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    region = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    card_number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    holder_codice_fiscale = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    request_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    detail = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_operations", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "peers",
                schema: "interop",
                columns: table => new
                {
                    region_code = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    base_url = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    secret_key_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    secret_ciphertext = table.Column<byte[]>(type: "bytea", nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_peers", x => x.region_code);
                });

            migrationBuilder.CreateTable(
                name: "recipient_proofs",
                schema: "delivery",
                columns: table => new
                {
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    purpose = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    card_number = table.Column<string>(type: "character(20)", fixedLength: true, maxLength: 20, nullable: false),
                    recipient_digest = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    code_digest = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    sends = table.Column<int>(type: "integer", nullable: false),
                    wrong_tries = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    verified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_recipient_proofs", x => x.request_id);
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

            migrationBuilder.CreateTable(
                name: "reprint_requests",
                schema: "reprint",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    reason = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    reason_note = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    outside_health_authority_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
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
                    delegate_card_number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    privacy_consent = table.Column<bool>(type: "boolean", nullable: false),
                    delivery_id = table.Column<Guid>(type: "uuid", nullable: true),
                    codes_printed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    codes_printed_by = table.Column<Guid>(type: "uuid", nullable: true),
                    forms_printed = table.Column<string[]>(type: "text[]", nullable: false),
                    emancipated_minor = table.Column<bool>(type: "boolean", nullable: false),
                    expired_document_declared = table.Column<bool>(type: "boolean", nullable: false),
                    medical_certificate_doctor = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    medical_certificate_date = table.Column<DateOnly>(type: "date", nullable: true),
                    impediment_over_three_months = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reprint_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "requests",
                schema: "activation",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    health_delegation_documents_received = table.Column<bool>(type: "boolean", nullable: false),
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
                    delegate_card_number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    privacy_consent = table.Column<bool>(type: "boolean", nullable: false),
                    delivery_id = table.Column<Guid>(type: "uuid", nullable: true),
                    codes_printed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    codes_printed_by = table.Column<Guid>(type: "uuid", nullable: true),
                    forms_printed = table.Column<string[]>(type: "text[]", nullable: false),
                    emancipated_minor = table.Column<bool>(type: "boolean", nullable: false),
                    expired_document_declared = table.Column<bool>(type: "boolean", nullable: false),
                    medical_certificate_doctor = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    medical_certificate_date = table.Column<DateOnly>(type: "date", nullable: true),
                    impediment_over_three_months = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "requests",
                schema: "interop",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    target_region = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    card_number = table.Column<string>(type: "character(20)", fixedLength: true, maxLength: 20, nullable: false),
                    holder_codice_fiscale = table.Column<string>(type: "character(16)", fixedLength: true, maxLength: 16, nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    secret_key_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    secret_ciphertext = table.Column<byte[]>(type: "bytea", nullable: true),
                    operator_id = table.Column<Guid>(type: "uuid", nullable: false),
                    counter_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    confirmed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cancelled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    peer_rule = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    peer_detail = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    peer_request_id = table.Column<Guid>(type: "uuid", nullable: true),
                    card_expiry_date = table.Column<DateOnly>(type: "date", nullable: true),
                    first_halves_key_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    first_halves_ciphertext = table.Column<byte[]>(type: "bytea", nullable: true),
                    codes_printed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    codes_printed_by = table.Column<Guid>(type: "uuid", nullable: true),
                    forms_printed = table.Column<string[]>(type: "text[]", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_requests", x => x.id);
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
                    cip_required = table.Column<bool>(type: "boolean", nullable: false),
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
                    delegate_card_number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    privacy_consent = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_revocation_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "sign_in_throttles",
                schema: "administration",
                columns: table => new
                {
                    key = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    failures = table.Column<int>(type: "integer", nullable: false),
                    last_failure_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    wait_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sign_in_throttles", x => x.key);
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
                    delegate_card_number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
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

            migrationBuilder.CreateTable(
                name: "operators",
                schema: "administration",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    codice_fiscale = table.Column<string>(type: "character(16)", fixedLength: true, maxLength: 16, nullable: false),
                    given_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    surname = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    counter_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    roles = table.Column<List<string>>(type: "text[]", nullable: false),
                    enabled_for_cms = table.Column<bool>(type: "boolean", nullable: false),
                    password_hash = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    password_changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_sign_in_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_operators", x => x.id);
                    table.ForeignKey(
                        name: "fk_operators_counters_counter_code",
                        column: x => x.counter_code,
                        principalSchema: "administration",
                        principalTable: "counters",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "cards",
                schema: "identification",
                columns: table => new
                {
                    card_number = table.Column<string>(type: "character(20)", fixedLength: true, maxLength: 20, nullable: false),
                    holder_codice_fiscale = table.Column<string>(type: "character(16)", fixedLength: true, maxLength: 16, nullable: false),
                    expiry_date = table.Column<DateOnly>(type: "date", nullable: false),
                    issuer_region = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    state = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    activated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    loaded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    activation_mode = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    migrated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    certificate_serial = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    certificate_issuer = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    codes_ciphertext = table.Column<byte[]>(type: "bytea", nullable: true),
                    codes_key_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cards", x => x.card_number);
                    table.ForeignKey(
                        name: "fk_cards_holders_holder_codice_fiscale",
                        column: x => x.holder_codice_fiscale,
                        principalSchema: "identification",
                        principalTable: "holders",
                        principalColumn: "codice_fiscale",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "operator_sessions",
                schema: "administration",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    operator_id = table.Column<Guid>(type: "uuid", nullable: false),
                    method = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    client_address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    end_reason = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_operator_sessions", x => x.id);
                    table.ForeignKey(
                        name: "fk_operator_sessions_operators_operator_id",
                        column: x => x.operator_id,
                        principalSchema: "administration",
                        principalTable: "operators",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

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

            migrationBuilder.CreateIndex(
                name: "ix_calls_status_next_attempt_at",
                schema: "outbound",
                table: "calls",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ix_cards_certificate_serial",
                schema: "identification",
                table: "cards",
                column: "certificate_serial",
                filter: "certificate_serial IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_cards_holder_codice_fiscale",
                schema: "identification",
                table: "cards",
                column: "holder_codice_fiscale");

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
                name: "ix_counter_day_counts_counter_code_day",
                schema: "audit",
                table: "counter_day_counts",
                columns: new[] { "counter_code", "day" });

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
                name: "ix_holders_household_id",
                schema: "identification",
                table: "holders",
                column: "household_id",
                filter: "household_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_idempotency_keys_created_at",
                schema: "platform",
                table: "idempotency_keys",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_inbound_requests_card_number",
                schema: "interop",
                table: "inbound_requests",
                column: "card_number");

            migrationBuilder.CreateIndex(
                name: "ix_issuer_revocations_card_number",
                schema: "revocation",
                table: "issuer_revocations",
                column: "card_number");

            migrationBuilder.CreateIndex(
                name: "ix_messages_status_next_attempt_at",
                schema: "delivery",
                table: "messages",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ix_notices_visible_from",
                schema: "administration",
                table: "notices",
                column: "visible_from");

            migrationBuilder.CreateIndex(
                name: "ix_operations_card_number",
                schema: "audit",
                table: "operations",
                column: "card_number");

            migrationBuilder.CreateIndex(
                name: "ix_operations_holder_codice_fiscale",
                schema: "audit",
                table: "operations",
                column: "holder_codice_fiscale");

            migrationBuilder.CreateIndex(
                name: "ix_operations_id",
                schema: "audit",
                table: "operations",
                column: "id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_operations_occurred_at",
                schema: "audit",
                table: "operations",
                column: "occurred_at");

            migrationBuilder.CreateIndex(
                name: "ix_operations_operator_id_occurred_at",
                schema: "audit",
                table: "operations",
                columns: new[] { "operator_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_operator_sessions_operator_id",
                schema: "administration",
                table: "operator_sessions",
                column: "operator_id",
                filter: "ended_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_operators_codice_fiscale",
                schema: "administration",
                table: "operators",
                column: "codice_fiscale",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_operators_counter_code",
                schema: "administration",
                table: "operators",
                column: "counter_code");

            migrationBuilder.CreateIndex(
                name: "ix_peers_id",
                schema: "interop",
                table: "peers",
                column: "id",
                unique: true);

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
                name: "ix_recipient_proofs_card_number_last_sent_at",
                schema: "delivery",
                table: "recipient_proofs",
                columns: new[] { "card_number", "last_sent_at" });

            migrationBuilder.CreateIndex(
                name: "ix_recipient_proofs_created_at",
                schema: "delivery",
                table: "recipient_proofs",
                column: "created_at");

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

            migrationBuilder.CreateIndex(
                name: "ix_requests_card_number",
                schema: "activation",
                table: "requests",
                column: "card_number");

            migrationBuilder.CreateIndex(
                name: "ix_requests_status_expires_at",
                schema: "activation",
                table: "requests",
                columns: new[] { "status", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_requests_card_number",
                schema: "interop",
                table: "requests",
                column: "card_number");

            migrationBuilder.CreateIndex(
                name: "ix_requests_status_next_attempt_at",
                schema: "interop",
                table: "requests",
                columns: new[] { "status", "next_attempt_at" });

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
                name: "ix_sign_in_throttles_last_failure_at",
                schema: "administration",
                table: "sign_in_throttles",
                column: "last_failure_at");

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

            // What the model cannot say, written by hand: the final state of the SQL the squashed migrations carried (decision
            // 0053), in the order of dependence. The trail's hash chain and its chainer (decisions 0011, 0019, 0024, 0028), the
            // roll-ups of the counter operations (0012, 0039, 0045), the replay guard of the peers' signatures (interop), and
            // the codes of a migrated card, both halves or neither (0039). The runtime role's grants are not here: the migration
            // step gives them after every migration (DatabaseRoles, decision 0029).
            migrationBuilder.Sql("""
                CREATE TABLE audit.chain_head (
                    id int PRIMARY KEY CHECK (id = 1),
                    chain_index bigint NOT NULL,
                    hash bytea NOT NULL);

                -- An entry's place in the chain, written by the chainer; every link records the form its hash was computed with.
                CREATE TABLE audit.chain_links (
                    chain_index bigint PRIMARY KEY,
                    sequence bigint NOT NULL UNIQUE,
                    previous_hash bytea NOT NULL,
                    hash bytea NOT NULL,
                    format smallint NOT NULL DEFAULT 2 CHECK (format IN (1, 2)));

                -- The entries written and not yet chained, queued by the transaction that writes them.
                CREATE TABLE audit.pending_entries (sequence bigint PRIMARY KEY);

                CREATE FUNCTION audit.genesis() RETURNS bytea LANGUAGE sql IMMUTABLE AS $$ SELECT sha256(convert_to('cms-audit-trail', 'UTF8')) $$;

                -- Format 2 of the canonical text (decision 0028): each field '~' (NULL) or its length in UTF-8 bytes, ':' and the text.
                CREATE FUNCTION audit.canonical_field(f text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
                    SELECT CASE WHEN f IS NULL THEN '~' ELSE octet_length(convert_to(f, 'UTF8'))::text || ':' || f END
                $$;

                CREATE FUNCTION audit.canonical(o audit.operations, chain_index bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
                    SELECT concat_ws('|', 'cms-audit-2', audit.canonical_field(chain_index::text), audit.canonical_field(o.sequence::text),
                        audit.canonical_field(o.id::text),
                        audit.canonical_field(to_char(o.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
                        audit.canonical_field(o.type), audit.canonical_field(o.outcome), audit.canonical_field(o.operator_id::text),
                        audit.canonical_field(o.operator_codice_fiscale), audit.canonical_field(o.counter_code), audit.canonical_field(o.region),
                        audit.canonical_field(o.card_number), audit.canonical_field(o.holder_codice_fiscale), audit.canonical_field(o.request_id),
                        audit.canonical_field(o.detail))
                $$;

                -- Every entry is queued for the chainer by the transaction that writes it.
                CREATE FUNCTION audit.chain_entry() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO audit.pending_entries VALUES (NEW.sequence);
                    RETURN NEW;
                END $$;

                CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit.% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
                END $$;

                -- What the statistics count (Reporting.Common.CounterOperations.Done); imported operations are not Cms's.
                CREATE FUNCTION audit.is_counter_operation_done(type text, outcome text, detail text) RETURNS boolean
                LANGUAGE sql IMMUTABLE AS $$
                    SELECT coalesce(outcome = 'SUCCEEDED'
                        AND type IN ('ACTIVATION', 'REPRINT', 'REVOCATION', 'FSE_CONSENTS', 'READER_DELIVERY', 'SUSPENSION', 'REACTIVATION',
                                     'SIGNATURE_CERTIFICATE')
                        AND (detail LIKE 'confirm%' OR type IN ('SUSPENSION', 'REACTIVATION'))
                        AND coalesce(detail, '') NOT LIKE 'imported%', false)
                $$;

                -- Chains up to max_entries queued entries in the order they were written (sequence) and counts the counter
                -- operations among them into the roll-ups (decision 0012). Returns how many were chained. Concurrent chainers
                -- (several API instances, a report that chains before it reads) queue on the chain's head.
                CREATE FUNCTION audit.chain_pending(max_entries int DEFAULT 5000) RETURNS int LANGUAGE plpgsql AS $$
                DECLARE
                    head_index bigint;
                    head_hash bytea;
                    taken bigint[];
                    r audit.operations;
                    positions bigint[] := '{}';
                    chained bigint[] := '{}';
                    previous bytea[] := '{}';
                    hashes bytea[] := '{}';
                BEGIN
                    IF NOT EXISTS (SELECT FROM audit.pending_entries) THEN
                        RETURN 0;
                    END IF;
                    SELECT chain_index, hash INTO head_index, head_hash FROM audit.chain_head WHERE id = 1 FOR UPDATE;
                    IF NOT FOUND THEN
                        INSERT INTO audit.chain_head VALUES (1, 0, audit.genesis()) ON CONFLICT (id) DO NOTHING;
                        SELECT chain_index, hash INTO head_index, head_hash FROM audit.chain_head WHERE id = 1 FOR UPDATE;
                    END IF;
                    -- Past anything written behind the chain's back, so that the chain keeps growing (and the walk shows the intruder).
                    head_index := greatest(head_index, coalesce((SELECT max(chain_index) FROM audit.chain_links), 0));
                    SELECT array_agg(sequence) INTO taken
                        FROM (SELECT sequence FROM audit.pending_entries ORDER BY sequence LIMIT max_entries) p;
                    IF taken IS NULL THEN
                        RETURN 0;
                    END IF;
                    DELETE FROM audit.pending_entries WHERE sequence = ANY (taken);
                    FOR r IN SELECT * FROM audit.operations WHERE sequence = ANY (taken) ORDER BY sequence LOOP
                        head_index := head_index + 1;
                        positions := positions || head_index;
                        chained := chained || r.sequence;
                        previous := previous || head_hash;
                        head_hash := sha256(head_hash || convert_to(audit.canonical(r, head_index), 'UTF8'));
                        hashes := hashes || head_hash;
                    END LOOP;
                    IF cardinality(chained) = 0 THEN
                        RETURN 0;
                    END IF;
                    INSERT INTO audit.chain_links SELECT * FROM unnest(positions, chained, previous, hashes);
                    UPDATE audit.chain_head SET chain_index = head_index, hash = head_hash WHERE id = 1;

                    WITH counted AS (
                        SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, coalesce(region, '') AS region,
                               coalesce(counter_code, '') AS counter_code, type, count(*)::int AS operations
                        FROM audit.operations
                        WHERE sequence = ANY (chained) AND audit.is_counter_operation_done(type, outcome, detail)
                        GROUP BY 1, 2, 3, 4),
                    by_day AS (
                        INSERT INTO audit.counter_day_counts AS c SELECT day, region, counter_code, type, operations FROM counted
                        ON CONFLICT (day, region, counter_code, type) DO UPDATE SET operations = c.operations + excluded.operations),
                    by_month AS (
                        INSERT INTO audit.counter_month_counts AS c
                        SELECT date_trunc('month', day)::date, region, counter_code, type, sum(operations) FROM counted GROUP BY 1, 2, 3, 4
                        ON CONFLICT (month, region, counter_code, type) DO UPDATE SET operations = c.operations + excluded.operations)
                    INSERT INTO audit.region_day_counts AS c
                        SELECT day, region, type, sum(operations) FROM counted GROUP BY 1, 2, 3
                        ON CONFLICT (day, region, type) DO UPDATE SET operations = c.operations + excluded.operations;
                    RETURN cardinality(chained);
                END $$;

                -- Recounts the chained entries (the queued ones are counted when they are chained).
                CREATE FUNCTION audit.rebuild_operation_counts() RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    DELETE FROM audit.counter_day_counts;
                    DELETE FROM audit.counter_month_counts;
                    DELETE FROM audit.region_day_counts;
                    INSERT INTO audit.counter_day_counts
                        SELECT (occurred_at AT TIME ZONE 'UTC')::date, coalesce(region, ''), coalesce(counter_code, ''), type, count(*)
                        FROM audit.operations o
                        WHERE NOT EXISTS (SELECT FROM audit.pending_entries p WHERE p.sequence = o.sequence)
                          AND audit.is_counter_operation_done(type, outcome, detail)
                        GROUP BY 1, 2, 3, 4;
                    INSERT INTO audit.counter_month_counts
                        SELECT date_trunc('month', day)::date, region, counter_code, type, sum(operations)
                        FROM audit.counter_day_counts GROUP BY 1, 2, 3, 4;
                    INSERT INTO audit.region_day_counts
                        SELECT day, region, type, sum(operations) FROM audit.counter_day_counts GROUP BY 1, 2, 3;
                END $$;

                -- The trail and its chain are append-only: UPDATE, DELETE and TRUNCATE are refused.
                CREATE TRIGGER chain_entry BEFORE INSERT ON audit.operations FOR EACH ROW EXECUTE FUNCTION audit.chain_entry();
                CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON audit.operations FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
                CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON audit.operations FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
                CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON audit.chain_links FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
                CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON audit.chain_links FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

                -- Signatures of inbound requests already seen (no entity: written by the peer authentication only). A signature
                -- heard twice is a replay; rows older than the accepted clock skew are useless and deleted as new ones come.
                CREATE TABLE interop.seen_signatures (
                    peer_region character(3) NOT NULL,
                    signature text NOT NULL,
                    seen_at timestamp with time zone NOT NULL DEFAULT now(),
                    CONSTRAINT pk_seen_signatures PRIMARY KEY (peer_region, signature));
                CREATE INDEX ix_seen_signatures_seen_at ON interop.seen_signatures (seen_at);

                -- A migrated card may come without codes (decision 0039): both halves of the sealed value, or neither.
                ALTER TABLE identification.cards ADD CONSTRAINT ck_cards_codes_whole CHECK ((codes_key_id IS NULL) = (codes_ciphertext IS NULL));

                -- The defaults the squashed chain left on columns it added to tables that could hold rows (the value those rows
                -- took). The model does not know them and the application always writes these columns; they are kept so that
                -- a database made from this baseline is the one the chain made (decision 0053).
                ALTER TABLE activation.requests ALTER COLUMN forms_printed SET DEFAULT ARRAY[]::text[],
                    ALTER COLUMN emancipated_minor SET DEFAULT false, ALTER COLUMN expired_document_declared SET DEFAULT false,
                    ALTER COLUMN impediment_over_three_months SET DEFAULT false;
                ALTER TABLE reprint.reprint_requests ALTER COLUMN forms_printed SET DEFAULT ARRAY[]::text[],
                    ALTER COLUMN emancipated_minor SET DEFAULT false, ALTER COLUMN expired_document_declared SET DEFAULT false,
                    ALTER COLUMN impediment_over_three_months SET DEFAULT false;
                ALTER TABLE interop.requests ALTER COLUMN forms_printed SET DEFAULT ARRAY[]::text[];
                ALTER TABLE revocation.revocation_requests ALTER COLUMN cip_required SET DEFAULT true;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The hand-written objects first: the functions depend on audit.operations' row type.
            migrationBuilder.Sql("""
                DROP TABLE interop.seen_signatures;
                DROP TRIGGER chain_entry ON audit.operations;
                DROP TRIGGER append_only ON audit.operations;
                DROP TRIGGER append_only_truncate ON audit.operations;
                DROP FUNCTION audit.rebuild_operation_counts();
                DROP FUNCTION audit.chain_pending(int);
                DROP FUNCTION audit.is_counter_operation_done(text, text, text);
                DROP TABLE audit.chain_links;
                DROP FUNCTION audit.refuse_change();
                DROP FUNCTION audit.chain_entry();
                DROP FUNCTION audit.canonical(audit.operations, bigint);
                DROP FUNCTION audit.canonical_field(text);
                DROP FUNCTION audit.genesis();
                DROP TABLE audit.pending_entries;
                DROP TABLE audit.chain_head;
                """);

            migrationBuilder.DropTable(
                name: "call_centre_state_changes",
                schema: "revocation");

            migrationBuilder.DropTable(
                name: "calls",
                schema: "outbound");

            migrationBuilder.DropTable(
                name: "cards",
                schema: "identification");

            migrationBuilder.DropTable(
                name: "certificate_requests",
                schema: "signature");

            migrationBuilder.DropTable(
                name: "cip_attempts",
                schema: "revocation");

            migrationBuilder.DropTable(
                name: "consent_requests",
                schema: "consents");

            migrationBuilder.DropTable(
                name: "counter_day_counts",
                schema: "audit");

            migrationBuilder.DropTable(
                name: "counter_month_counts",
                schema: "audit");

            migrationBuilder.DropTable(
                name: "deliveries",
                schema: "readers");

            migrationBuilder.DropTable(
                name: "idempotency_keys",
                schema: "platform");

            migrationBuilder.DropTable(
                name: "inbound_requests",
                schema: "interop");

            migrationBuilder.DropTable(
                name: "issuer_revocations",
                schema: "revocation");

            migrationBuilder.DropTable(
                name: "messages",
                schema: "delivery");

            migrationBuilder.DropTable(
                name: "notices",
                schema: "administration");

            migrationBuilder.DropTable(
                name: "operations",
                schema: "audit");

            migrationBuilder.DropTable(
                name: "operator_sessions",
                schema: "administration");

            migrationBuilder.DropTable(
                name: "peers",
                schema: "interop");

            migrationBuilder.DropTable(
                name: "recipient_approvals",
                schema: "administration");

            migrationBuilder.DropTable(
                name: "recipient_proofs",
                schema: "delivery");

            migrationBuilder.DropTable(
                name: "recipient_uses",
                schema: "administration");

            migrationBuilder.DropTable(
                name: "region_day_counts",
                schema: "audit");

            migrationBuilder.DropTable(
                name: "renewals",
                schema: "citizen");

            migrationBuilder.DropTable(
                name: "reprint_requests",
                schema: "reprint");

            migrationBuilder.DropTable(
                name: "requests",
                schema: "activation");

            migrationBuilder.DropTable(
                name: "requests",
                schema: "interop");

            migrationBuilder.DropTable(
                name: "revocation_requests",
                schema: "revocation");

            migrationBuilder.DropTable(
                name: "sign_in_throttles",
                schema: "administration");

            migrationBuilder.DropTable(
                name: "state_changes",
                schema: "revocation");

            migrationBuilder.DropTable(
                name: "versions",
                schema: "consents");

            migrationBuilder.DropTable(
                name: "call_centre_identifications",
                schema: "revocation");

            migrationBuilder.DropTable(
                name: "holders",
                schema: "identification");

            migrationBuilder.DropTable(
                name: "operators",
                schema: "administration");

            migrationBuilder.DropTable(
                name: "counters",
                schema: "administration");
        }
    }
}
