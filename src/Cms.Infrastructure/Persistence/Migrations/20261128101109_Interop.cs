using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Interop : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "interop");

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
                    answer_key_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    answer_ciphertext = table.Column<byte[]>(type: "bytea", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbound_requests", x => new { x.peer_region, x.request_id });
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
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_requests", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_inbound_requests_card_number",
                schema: "interop",
                table: "inbound_requests",
                column: "card_number");

            migrationBuilder.CreateIndex(
                name: "ix_peers_id",
                schema: "interop",
                table: "peers",
                column: "id",
                unique: true);

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

            // Signatures of inbound requests already seen (no entity: written by the peer authentication only). A signature
            // heard twice is a replay; rows older than the accepted clock skew are useless and deleted as new ones come.
            migrationBuilder.Sql("""
                CREATE TABLE interop.seen_signatures (
                    peer_region character(3) NOT NULL,
                    signature text NOT NULL,
                    seen_at timestamp with time zone NOT NULL DEFAULT now(),
                    CONSTRAINT pk_seen_signatures PRIMARY KEY (peer_region, signature));
                CREATE INDEX ix_seen_signatures_seen_at ON interop.seen_signatures (seen_at);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE interop.seen_signatures;");

            migrationBuilder.DropTable(
                name: "inbound_requests",
                schema: "interop");

            migrationBuilder.DropTable(
                name: "peers",
                schema: "interop");

            migrationBuilder.DropTable(
                name: "requests",
                schema: "interop");
        }
    }
}
