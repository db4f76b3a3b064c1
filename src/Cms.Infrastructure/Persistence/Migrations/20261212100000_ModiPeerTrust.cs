using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ModiPeerTrust : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "confirmed_by",
                schema: "interop",
                table: "requests",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "confirmed_loa",
                schema: "interop",
                table: "requests",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "secret_key_id",
                schema: "interop",
                table: "peers",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(40)",
                oldMaxLength: 40);

            migrationBuilder.AlterColumn<byte[]>(
                name: "secret_ciphertext",
                schema: "interop",
                table: "peers",
                type: "bytea",
                nullable: true,
                oldClrType: typeof(byte[]),
                oldType: "bytea");

            migrationBuilder.AddColumn<string>(
                name: "certificate_subject",
                schema: "interop",
                table: "peers",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "pdnd_client_id",
                schema: "interop",
                table: "peers",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "trust_certificates",
                schema: "interop",
                table: "peers",
                type: "character varying(40000)",
                maxLength: 40000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tracking_evidence",
                schema: "interop",
                table: "inbound_requests",
                type: "character varying(20000)",
                maxLength: 20000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "confirmed_by",
                schema: "interop",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "confirmed_loa",
                schema: "interop",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "certificate_subject",
                schema: "interop",
                table: "peers");

            migrationBuilder.DropColumn(
                name: "pdnd_client_id",
                schema: "interop",
                table: "peers");

            migrationBuilder.DropColumn(
                name: "trust_certificates",
                schema: "interop",
                table: "peers");

            migrationBuilder.DropColumn(
                name: "tracking_evidence",
                schema: "interop",
                table: "inbound_requests");

            migrationBuilder.AlterColumn<string>(
                name: "secret_key_id",
                schema: "interop",
                table: "peers",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "character varying(40)",
                oldMaxLength: 40,
                oldNullable: true);

            migrationBuilder.AlterColumn<byte[]>(
                name: "secret_ciphertext",
                schema: "interop",
                table: "peers",
                type: "bytea",
                nullable: false,
                defaultValue: new byte[0],
                oldClrType: typeof(byte[]),
                oldType: "bytea",
                oldNullable: true);
        }
    }
}
