using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class HealthAuthorityAndPrintOnce : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "codes_printed_at",
                schema: "interop",
                table: "requests",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "codes_printed_by",
                schema: "interop",
                table: "requests",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "codes_printed_at",
                schema: "activation",
                table: "requests",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "codes_printed_by",
                schema: "activation",
                table: "requests",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "codes_printed_at",
                schema: "reprint",
                table: "reprint_requests",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "codes_printed_by",
                schema: "reprint",
                table: "reprint_requests",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "outside_health_authority_reason",
                schema: "reprint",
                table: "reprint_requests",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "health_authority",
                schema: "identification",
                table: "holders",
                type: "character(3)",
                fixedLength: true,
                maxLength: 3,
                nullable: true);

            // Whether the first halves of a request completed before this migration were printed is not known: they count as
            // printed (at their completion), so no old release can be printed after the fact; a new print needs a reprint.
            migrationBuilder.Sql("""
                UPDATE activation.requests SET codes_printed_at = completed_at WHERE status = 'COMPLETED' AND codes_printed_at IS NULL;
                UPDATE reprint.reprint_requests SET codes_printed_at = completed_at WHERE status = 'COMPLETED' AND codes_printed_at IS NULL;
                UPDATE interop.requests SET codes_printed_at = completed_at, first_halves_key_id = NULL, first_halves_ciphertext = NULL
                WHERE status = 'COMPLETED' AND kind <> 'REVOCATION' AND codes_printed_at IS NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "codes_printed_at",
                schema: "interop",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "codes_printed_by",
                schema: "interop",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "codes_printed_at",
                schema: "activation",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "codes_printed_by",
                schema: "activation",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "codes_printed_at",
                schema: "reprint",
                table: "reprint_requests");

            migrationBuilder.DropColumn(
                name: "codes_printed_by",
                schema: "reprint",
                table: "reprint_requests");

            migrationBuilder.DropColumn(
                name: "outside_health_authority_reason",
                schema: "reprint",
                table: "reprint_requests");

            migrationBuilder.DropColumn(
                name: "health_authority",
                schema: "identification",
                table: "holders");
        }
    }
}
